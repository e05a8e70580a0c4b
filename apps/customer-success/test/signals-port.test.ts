import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import type { AccountSignals } from "@revops/model";
import { sandboxDatabase } from "@revops/sandbox";
import type { SqlDb } from "@revops/store";
import {
  type IntercomState,
  type MixpanelEvent,
  type RunningFake,
  type RunningMixpanelFake,
  startIntercomFake,
  startMixpanelFake,
  tempDataDir,
} from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { SandboxSupport } from "../src/integrations/sandbox/support";
import type { SupportPort } from "../src/ports";
import { createCustomerSuccessServer } from "../src/server";
import { intercomBookSeed } from "./intercom-book-seed";

// Every provider's clock on the sandbox's own today, so the book's renewals and a vendor's windows share one calendar.
const TODAY = "2026-11-23";
const now = () => new Date(`${TODAY}T12:00:00Z`);
const at = (daysAgo: number, hour = 10) =>
  Date.parse(`${TODAY}T00:00:00Z`) / 1000 - daysAgo * 86_400 + hour * 3600;
const minus = (day: string, n: number) =>
  new Date(Date.parse(day) - n * 86_400_000).toISOString().slice(0, 10);

/** Fields only the account book holds: the same on every provider, overlay or not. */
const BOOK_FIELDS = [
  "accountName",
  "arr",
  "renewalDate",
  "ownerName",
  "seats",
  "sizeBand",
  "industry",
  "plan",
] as const;

/** What a provider's seed plants: some accounts' signals as its records say. */
interface Provider {
  support: SupportPort;
  planted: Record<string, Partial<AccountSignals>>;
  close(): Promise<void>;
}

// The account book every deployment reads (scale 0.25, deterministic): what overlays are laid over.
let bookRt: KitRuntime;
let bookDb: SqlDb;
let book: AccountSignals[];
beforeAll(async () => {
  bookRt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("signals-book"), SANDBOX_SCALE: "0.25" }),
    createLogger("silent", "test"),
  );
  bookDb = await sandboxDatabase(bookRt);
  book = await new SandboxSupport(bookDb).accountSignals();
}, 120_000);
afterAll(async () => bookRt?.close(1000));
const nth = (i: number) => book[i] as AccountSignals;

/** Current customers' health signals, today's and a past day's: the same assertions on every provider. */
function describeSignalsContract(name: string, setup: () => Promise<Provider>) {
  describe(`SupportPort accountSignals contract: ${name}`, () => {
    let p: Provider;
    let rows: AccountSignals[];
    beforeAll(async () => {
      p = await setup();
      rows = await p.support.accountSignals();
    }, 120_000);
    afterAll(async () => p?.close());

    it("gives one row per current customer of the book, with the book's own fields", async () => {
      const customers = await bookDb.query<{ id: string; name: string }>(
        "SELECT id, name FROM sb_accounts WHERE lifecycle = 'customer' ORDER BY id",
      );
      expect(rows.map((r) => [r.accountId, r.accountName]).sort()).toEqual(
        customers.map((c) => [c.id, c.name]),
      );
      const byId = new Map(book.map((b) => [b.accountId, b]));
      for (const r of rows)
        for (const f of BOOK_FIELDS) expect(r[f], `${r.accountId}.${f}`).toEqual(byId.get(r.accountId)?.[f]);
    });

    it("states counts a reader can trust: none negative, parts within their whole, NPS on its scale", () => {
      for (const r of rows) {
        expect(
          Math.min(r.usageLast30, r.usagePrev30, r.activeUsersLast30, r.ticketsLast90),
        ).toBeGreaterThanOrEqual(0);
        expect(r.urgentTicketsLast90).toBeLessThanOrEqual(r.ticketsLast90);
        expect(r.npsAvgLast180 === null).toBe(r.npsResponsesLast180 === 0);
        if (r.npsAvgLast180 !== null) expect(r.npsAvgLast180).toBeGreaterThanOrEqual(0);
        if (r.npsAvgLast180 !== null) expect(r.npsAvgLast180).toBeLessThanOrEqual(10);
      }
    });

    it("reads some accounts as the full read shows them", async () => {
      const some = [nth(2).accountId, nth(0).accountId];
      const got = await p.support.accountSignals({ accountIds: some });
      expect(got.map((r) => r.accountId).sort()).toEqual([...some].sort());
      for (const g of got) expect(g).toEqual(rows.find((r) => r.accountId === g.accountId));
    });

    it("shows the planted accounts' signals as the provider's records say", () => {
      for (const [id, want] of Object.entries(p.planted))
        expect(
          rows.find((r) => r.accountId === id),
          id,
        ).toMatchObject(want);
    });

    it("gives a past day's signals as the book held them (vendors serve today's windows only)", async () => {
      const asOf = minus(TODAY, 30);
      expect(await p.support.accountSignals({ asOf })).toEqual(
        await new SandboxSupport(bookDb).accountSignals({ asOf }),
      );
    });
  });
}

/** The customer-success support port as the server builds it from this environment. */
async function supportWith(env: Record<string, string>) {
  for (const [k, v] of Object.entries({ ...env, REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true" }))
    vi.stubEnv(k, v);
  const rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("signals-port"), SANDBOX_SCALE: "0.25" }),
    createLogger("silent", "test"),
  );
  try {
    return { rt, support: (await createCustomerSuccessServer({ now }).ports(rt)).support };
  } finally {
    vi.unstubAllEnvs();
  }
}

describeSignalsContract("sandbox on SQLite", async () => {
  const { rt, support } = await supportWith({});
  // the biggest customer's tickets and NPS answers in their windows, counted with SQL
  const id = nth(0).accountId;
  const count = async (sql: string, from: string) =>
    Number((await bookDb.one<{ n: number }>(sql, [id, from, `${TODAY}T23:59:59.999Z`]))?.n);
  return {
    support,
    planted: {
      [id]: {
        ticketsLast90: await count(
          "SELECT COUNT(*) AS n FROM sb_tickets WHERE account_id = ? AND created_at >= ? AND created_at <= ?",
          minus(TODAY, 90),
        ),
        npsResponsesLast180: await count(
          "SELECT COUNT(*) AS n FROM sb_nps_responses WHERE account_id = ? AND responded_at >= ? AND responded_at <= ?",
          minus(TODAY, 180),
        ),
      },
    },
    close: () => rt.close(1000),
  };
});

describeSignalsContract("Intercom conversations and ratings over the book, over its fake", async () => {
  const [big, small] = [nth(0), nth(1)];
  const fake: RunningFake<IntercomState> = await startIntercomFake(intercomBookSeed(big, small, at));
  const { rt, support } = await supportWith({
    CS_CONVERSATIONS: "intercom",
    INTERCOM_ACCESS_TOKEN: "ic-good",
    REVOPS_TEST_VENDOR_BASE_URL: fake.url,
  });
  return {
    support,
    // support load and ratings are Intercom's (1–5 mapped onto 0–10); usage stays the book's
    planted: {
      [big.accountId]: {
        usageLast30: big.usageLast30,
        ticketsLast90: 3,
        urgentTicketsLast90: 1,
        badCsatLast90: 0,
        npsAvgLast180: 9,
        npsResponsesLast180: 2,
      },
      [small.accountId]: {
        ticketsLast90: 1,
        urgentTicketsLast90: 0,
        badCsatLast90: 1,
        npsAvgLast180: 1.5,
        npsResponsesLast180: 2,
      },
    },
    close: async () => {
      await rt.close(1000);
      await fake.close();
    },
  };
});

describeSignalsContract("Mixpanel usage over the book, over its fake", async () => {
  const [growing, shrinking, silent] = [nth(0), nth(1), nth(2)];
  let n = 0;
  const ev = (account: string, daysAgo: number, user: string): MixpanelEvent => ({
    event: "Report viewed",
    properties: { time: at(daysAgo), distinct_id: user, $insert_id: `ins-${n++}`, account_id: account },
  });
  const days = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
  const fake: RunningMixpanelFake = await startMixpanelFake({
    events: [
      // growing: 1 user daily before, 2 users daily in the last 30 days
      ...days(31, 60).map((d) => ev(growing.accountId, d, "g1")),
      ...days(1, 30).flatMap((d) => [ev(growing.accountId, d, "g1"), ev(growing.accountId, d, "g2")]),
      // shrinking: 40 events before, 10 in the last 30 days by one user on 10 days
      ...days(31, 50).flatMap((d) => [ev(shrinking.accountId, d, "s1"), ev(shrinking.accountId, d, "s2")]),
      ...days(1, 10).map((d) => ev(shrinking.accountId, d, "s1")),
      // outside the windows, or not usage of a book account: never counted
      ev(growing.accountId, 0, "g1"),
      ev(growing.accountId, 61, "g1"),
      ev("acc_not_in_book", 3, "x1"),
      { event: "Report viewed", properties: { time: at(3), distinct_id: "anon", $insert_id: "ins-anon" } },
    ],
  });
  const { rt, support } = await supportWith({
    CS_USAGE: "mixpanel",
    MIXPANEL_PROJECT_ID: "3141592",
    MIXPANEL_SERVICE_ACCOUNT_USERNAME: "revops.sa",
    MIXPANEL_SERVICE_ACCOUNT_SECRET: "sa-secret",
    REVOPS_TEST_VENDOR_BASE_URL: fake.url,
    REVOPS_TEST_VENDOR_CA: fake.ca,
  });
  // usage is Mixpanel's (monthly actives not read from it yet); tickets and NPS stay the book's
  const usage = (usageLast30: number, usagePrev30: number, activeUsersLast30: number) => ({
    usageLast30,
    usagePrev30,
    activeUsersLast30,
    monthlyActiveUsers: null,
  });
  return {
    support,
    planted: {
      [growing.accountId]: { ...usage(60, 30, 2), ticketsLast90: growing.ticketsLast90 },
      [shrinking.accountId]: usage(10, 40, 0),
      [silent.accountId]: { ...usage(0, 0, 0), npsAvgLast180: silent.npsAvgLast180 },
    },
    close: async () => {
      await rt.close(1000);
      await fake.close();
    },
  };
});
