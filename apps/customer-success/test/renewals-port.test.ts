import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import type { RenewalTermFeatures } from "@revops/model";
import { sandboxToday } from "@revops/sandbox";
import type { SqlDb } from "@revops/store";
import { tempDataDir } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SupportPort } from "../src/ports";
import { createCustomerSuccessServer } from "../src/server";
import {
  readSandboxCompany,
  type SandboxCompany,
  seedHubSpot,
  seedSalesforce,
  seedZendesk,
} from "./crm-seed";

/** What a provider holds beyond the shared company it was seeded from. */
interface Provider {
  support: SupportPort;
  /** Whether a help desk's tickets are read (a CRM alone has none: ticket features unknown, and the note says so). */
  tickets: boolean;
  close(): Promise<void>;
}

// One sandbox company seeds every provider: the sandbox's tables are every provider's expectations.
let rt: KitRuntime;
let db: SqlDb;
let company: SandboxCompany;
let today: string;
const now = () => new Date(`${today}T12:00:00Z`);

beforeAll(async () => {
  rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("renewals-port"), SANDBOX_SCALE: "0.25" }),
    createLogger("silent", "test"),
  );
  db = await rt.sql();
  // the sandbox loads on its first read; its day pins every provider's clock
  today = "2000-01-01";
  await (await createCustomerSuccessServer({ now }).ports(rt)).support.renewalDeals();
  today = await sandboxToday(db);
  company = await readSandboxCompany(db);
}, 120_000);
afterAll(async () => rt?.close(1000));

const key = (t: { accountName: string; renewalDate: string }) => `${t.accountName}@${t.renewalDate}`;
const minus = (day: string, n: number) =>
  new Date(Date.parse(day) - n * 86_400_000).toISOString().slice(0, 10);

/** The company's terms as the book holds them, with account names and creation days. */
function terms(status: (s: string) => boolean) {
  const acc = new Map(company.accounts.map((a) => [a.id, a]));
  return company.terms
    .filter((t) => status(t.status))
    .map((t) => ({ ...t, accountName: String(acc.get(t.account_id)?.name), renewalDate: t.renewal_date }));
}

/** Renewal history, renewals ahead and open renewal deals: the same assertions on every provider. */
function describeRenewalsContract(name: string, setup: () => Promise<Provider>) {
  describe(`SupportPort renewals contract: ${name}`, () => {
    let p: Provider;
    beforeAll(async () => {
      p = await setup();
    }, 120_000);
    afterAll(async () => p?.close());

    it("labels every term that came up for renewal as the book says, oldest first, as of its lead day", async () => {
      const h = await p.support.renewalHistory();
      const want = terms((s) => s !== "active");
      expect(want.some((t) => t.status === "cancelled")).toBe(true);
      expect(h.terms.map((t) => `${key(t)}:${t.status}`).sort()).toEqual(
        want.map((t) => `${key(t)}:${t.status}`).sort(),
      );
      const dates = h.terms.map((t) => t.renewalDate);
      expect(dates).toEqual([...dates].sort());
      const created = new Map(company.accounts.map((a) => [a.name, a.created_date.slice(0, 10)]));
      for (const t of h.terms) {
        expect(t.asOf).toBe(minus(t.renewalDate, h.leadDays));
        expect(t.arr).toBe(want.find((w) => key(w) === key(t))?.arr);
        expect(t.accountCreated.slice(0, 10)).toBe(created.get(t.accountName));
      }
    });

    it("counts each term's tickets in its window before the lead day as the book's rows say, or none without a help desk", async () => {
      const h = await p.support.renewalHistory();
      const byName = new Map(company.accounts.map((a) => [a.name, a.id]));
      const sample = h.terms.filter((_, i) => i % 10 === 0);
      let seen = 0;
      for (const t of sample) {
        // the window starts `windows.tickets` days before the lead day, clipped to where the records begin
        expect(t.tickets.from >= minus(t.asOf, h.windows.tickets)).toBe(true);
        const rows = company.tickets.filter(
          (k) =>
            k.account_id === byName.get(t.accountName) &&
            k.created_at.slice(0, 10) >= t.tickets.from &&
            k.created_at.slice(0, 10) < t.asOf,
        );
        expect(t.tickets.count, t.termId).toBe(p.tickets ? rows.length : 0);
        expect(t.tickets.urgentHigh).toBe(
          p.tickets ? rows.filter((k) => ["urgent", "high"].includes(k.priority)).length : 0,
        );
        seen += t.tickets.count;
      }
      if (p.tickets) expect(seen).toBeGreaterThan(0);
      else {
        for (const t of h.terms) expect(t.tickets.from).toBe(t.asOf);
        expect(h.note).toMatch(/no help desk/);
      }
    });

    it("reads the current customers' renewals ahead as of today, and only those due by `until`", async () => {
      const all = await p.support.upcomingRenewals();
      const churned = new Set(terms((s) => s === "cancelled").map((t) => t.account_id));
      const want = terms((s) => s === "active").filter((t) => !churned.has(t.account_id));
      expect(all.map(key).sort()).toEqual(want.map(key).sort());
      const dates = all.map((t) => t.renewalDate);
      expect(dates).toEqual([...dates].sort());
      for (const t of all) expect([t.status, t.asOf]).toEqual(["active", today]);
      const until = dates[dates.length >> 1] as string;
      const due = await p.support.upcomingRenewals({ until });
      expect(due.map(key)).toEqual(all.filter((t: RenewalTermFeatures) => t.renewalDate <= until).map(key));
    });

    it("lists the book's open renewal deals by close date, and those of some accounts", async () => {
      const want = await db.query<{ id: string; account_id: string }>(
        `SELECT id, account_id FROM sb_deals WHERE type = 'renewal' AND stage NOT IN ('closed_won', 'closed_lost')
         ORDER BY close_date, id`,
      );
      const all = await p.support.renewalDeals();
      expect(all.map((d) => d.id)).toEqual(want.map((d) => d.id));
      for (const d of all) expect(d.amount * d.ownerName.length).toBeGreaterThan(0);
      const some = [...new Set(want.map((d) => d.account_id))].slice(0, 3);
      expect((await p.support.renewalDeals(some)).map((d) => d.id)).toEqual(
        all.filter((d) => some.includes(d.accountId)).map((d) => d.id),
      );
    });
  });
}

/** The customer-success ports on a vendor environment, as the server builds them, their clock on the sandbox's day. */
async function vendorSupport(env: Record<string, string>) {
  for (const [k, v] of Object.entries({ ...env, REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true" }))
    vi.stubEnv(k, v);
  const vrt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("renewals-port-vendor"), SANDBOX_SCALE: "0.25" }),
    createLogger("silent", "test"),
  );
  try {
    return { rt: vrt, support: (await createCustomerSuccessServer({ now }).ports(vrt)).support };
  } finally {
    vi.unstubAllEnvs();
  }
}

describeRenewalsContract("sandbox on SQLite", async () => ({
  support: (await createCustomerSuccessServer({ now }).ports(rt)).support,
  tickets: true,
  close: async () => {},
}));

describeRenewalsContract(
  "Salesforce renewal opportunities with Zendesk tickets, over their fakes",
  async () => {
    const sf = await seedSalesforce(company);
    const zd = await seedZendesk(company, sf.accountId);
    const v = await vendorSupport({
      CS_CRM: "salesforce",
      SALESFORCE_ACCESS_TOKEN: "sf-test",
      CS_SUPPORT: "zendesk",
      ZENDESK_EMAIL: "agent@acme.test",
      ZENDESK_API_TOKEN: "zd-test",
      REVOPS_TEST_VENDOR_BASE_URL: `salesforce=${sf.fake.url},zendesk=${zd.fake.url}`,
    });
    return {
      support: v.support,
      tickets: true,
      close: async () => {
        await v.rt.close(1000);
        await sf.fake.close();
        await zd.fake.close();
      },
    };
  },
);

describeRenewalsContract("HubSpot renewal deals without a help desk, over its fake", async () => {
  const hs = await seedHubSpot(company);
  const v = await vendorSupport({
    CS_CRM: "hubspot",
    HUBSPOT_ACCESS_TOKEN: "hs-test",
    REVOPS_TEST_VENDOR_BASE_URL: `hubspot=${hs.fake.url}`,
  });
  return {
    support: v.support,
    tickets: false,
    close: async () => {
      await v.rt.close(1000);
      await hs.fake.close();
    },
  };
});
