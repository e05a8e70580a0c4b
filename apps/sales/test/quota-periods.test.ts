import { ensureSandboxLoaded, SandboxCrm } from "@revops/sandbox";
import { openSql, type SqlDb } from "@revops/store";
import {
  type ForecastSeed,
  type HubSpotSeed,
  pgSchema,
  type RunningFake,
  startHubSpotFake,
  startSalesforceFake,
  tempDataDir,
} from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CrmPort, CrmQuotaPeriod } from "../src/ports";
import { vendorPort } from "./lead-convert-vendors";

const [FROM, TO] = ["2026-01-01", "2026-03-31"];

/** What one provider must answer for 2026-Q1: periods (owner by name) or why there are none. */
type Expected =
  | { periods: (Omit<CrmQuotaPeriod, "ownerId"> & { owner: string })[] }
  | { unavailable: RegExp };
interface Provider {
  crm: CrmPort;
  expected: Expected;
  /** A caveat the answer must carry (what was left out). */
  caveat?: RegExp;
  close(): Promise<void>;
}

function describeQuotaPeriodsContract(name: string, setup: () => Promise<Provider>) {
  describe(`CrmPort.quotaPeriods contract: ${name}`, () => {
    let p: Provider;
    beforeAll(async () => {
      p = await setup();
    }, 60_000);
    afterAll(async () => p?.close());

    it("answers the CRM's own quota periods in the range, owners as listOwners ids, or why there are none", async () => {
      const q = await p.crm.quotaPeriods(FROM, TO);
      const owners = await p.crm.listOwners();
      const nameOf = new Map(owners.map((o) => [o.id, o.name]));
      for (const period of q.periods) {
        expect(nameOf.has(period.ownerId), period.ownerId).toBe(true);
        expect(period.start <= period.end && period.end >= FROM && period.start <= TO).toBe(true);
        expect(period.amount).toBeGreaterThan(0);
      }
      if ("unavailable" in p.expected) {
        expect(q.periods).toEqual([]);
        expect(q.unavailable).toMatch(p.expected.unavailable);
      } else {
        expect(q.unavailable).toBeUndefined();
        const got = q.periods.map(({ ownerId, ...r }) => ({ owner: nameOf.get(ownerId) as string, ...r }));
        const order = (a: { owner: string; start: string }, b: { owner: string; start: string }) =>
          `${a.owner}${a.start}`.localeCompare(`${b.owner}${b.start}`);
        expect(got.sort(order)).toEqual([...p.expected.periods].sort(order));
      }
      if (p.caveat) expect(q.caveats.join(" ")).toMatch(p.caveat);
    });
  });
}

async function sandboxProvider(db: SqlDb, close: () => Promise<void>): Promise<Provider> {
  await ensureSandboxLoaded(db, { scale: 0.05 });
  return {
    crm: new SandboxCrm(db) as CrmPort,
    expected: { unavailable: /sandbox CRM keeps no quota objects/ },
    close,
  };
}

describeQuotaPeriodsContract("sandbox on SQLite", async () => {
  const db = await openSql({ dataDir: tempDataDir("quota-periods") });
  return sandboxProvider(db, () => db.close());
});

describeQuotaPeriodsContract("sandbox on PostgreSQL", async () => {
  const { db, drop } = await pgSchema("quota_periods");
  return sandboxProvider(db, drop);
});

/** The sales server's CRM port for a vendor fake, exactly as the server builds it from its environment. */
async function vendorProvider(
  fake: RunningFake<unknown>,
  env: Record<string, string>,
  expected: Expected,
  caveat?: RegExp,
): Promise<Provider> {
  const { crm, rt } = await vendorPort(env, fake.url);
  return {
    crm,
    expected,
    ...(caveat ? { caveat } : {}),
    close: async () => {
      await rt.close(1000);
      await fake.close();
    },
  };
}

const SF_USERS = [
  { Name: "Ada Lovelace", Email: "ada@example.com" },
  { Name: "Brian Kernighan", Email: "bk@example.com" },
];
/** Ada: monthly quotas (one before the quarter); Brian: one quarterly quota, plus quantity and product quotas. */
export const SF_FORECASTS: ForecastSeed = {
  Period: [
    { StartDate: "2025-12-01", EndDate: "2025-12-31", Type: "Month" },
    { StartDate: "2026-01-01", EndDate: "2026-01-31", Type: "Month" },
    { StartDate: "2026-02-01", EndDate: "2026-02-28", Type: "Month" },
    { StartDate: "2026-03-01", EndDate: "2026-03-31", Type: "Month" },
    { StartDate: "2026-01-01", EndDate: "2026-03-31", Type: "Quarter" },
  ],
  ForecastingQuota: [
    { owner: 0, period: 0, QuotaAmount: 99_000 },
    { owner: 0, period: 1, QuotaAmount: 10_000 },
    { owner: 0, period: 2, QuotaAmount: 20_000 },
    { owner: 0, period: 3, QuotaAmount: 30_000 },
    { owner: 1, period: 4, QuotaAmount: 90_000 },
    { owner: 1, period: 4, QuotaQuantity: 12, QuotaAmount: null, IsAmount: false, IsQuantity: true },
    { owner: 1, period: 4, QuotaAmount: 5_000, ProductFamily: "Services" },
  ],
};
const SF_EXPECTED = {
  periods: [
    { owner: "Ada Lovelace", start: "2026-01-01", end: "2026-01-31", amount: 10_000 },
    { owner: "Ada Lovelace", start: "2026-02-01", end: "2026-02-28", amount: 20_000 },
    { owner: "Ada Lovelace", start: "2026-03-01", end: "2026-03-31", amount: 30_000 },
    { owner: "Brian Kernighan", start: "2026-01-01", end: "2026-03-31", amount: 90_000 },
  ],
};
const SF_ENV = { SALES_CRM: "salesforce", SALESFORCE_ACCESS_TOKEN: "00D-static-token" };

describeQuotaPeriodsContract("Salesforce (jsforce) with Collaborative Forecasts", async () =>
  vendorProvider(
    await startSalesforceFake({ User: SF_USERS, forecasts: SF_FORECASTS, pageSize: 2 }),
    SF_ENV,
    SF_EXPECTED,
    /quantity and product-family quotas are left out/,
  ),
);

describeQuotaPeriodsContract("Salesforce with Collaborative Forecasts off (INVALID_TYPE)", async () =>
  vendorProvider(await startSalesforceFake({ User: SF_USERS }), SF_ENV, {
    unavailable: /INVALID_TYPE for ForecastingQuota: Collaborative Forecasts is off/,
  }),
);

describeQuotaPeriodsContract("Salesforce with QuotaAmount hidden by field-level security", async () =>
  vendorProvider(
    await startSalesforceFake({
      User: SF_USERS,
      forecasts: SF_FORECASTS,
      hiddenFields: { ForecastingQuota: ["QuotaAmount"] },
    }),
    SF_ENV,
    { unavailable: /Field-level security hides ForecastingQuota\.QuotaAmount/ },
  ),
);

const HS_OWNERS: HubSpotSeed["owners"] = [
  { id: "71", email: "ann@example.com", firstName: "Ann", lastName: "Lee", userId: 1 },
  { id: "72", email: "bob@example.com", firstName: "Bob", lastName: "Ray", userId: 2 },
];
const month = (m: number) => `2026-${String(m).padStart(2, "0")}-01T00:00:00Z`;
/** Ann: monthly revenue goals (slices end at the next one's start); Bob: a yearly one; a page of calls goals first. */
export const HS_GOALS: Record<string, string>[] = [
  // first, so the revenue goals sit on the second page of 100
  ...Array.from({ length: 120 }, (_, i) => ({
    hs_goal_name: "Calls made",
    hs_target_amount: "100",
    hs_start_datetime: month(1 + (i % 3)),
    hs_end_datetime: month(2 + (i % 3)),
    hs_assignee_user_id: "1",
  })),
  ...[1, 2, 3, 4].map((m) => ({
    hs_goal_name: "Revenue",
    hs_target_amount: String(m * 10_000),
    hs_start_datetime: month(m),
    hs_end_datetime: month(m + 1),
    hs_assignee_user_id: "1",
  })),
  {
    hs_goal_name: "2026 Revenue Quota",
    hs_target_amount: "365000",
    hs_start_datetime: "2026-01-01T00:00:00Z",
    hs_end_datetime: "2026-12-31T23:59:59.999Z",
    hs_assignee_user_id: "2",
  },
  {
    hs_goal_name: "Team revenue",
    hs_target_amount: "500000",
    hs_start_datetime: month(1),
    hs_end_datetime: month(4),
    hs_assignee_team_id: "9",
  },
];
const HS_ENV = { SALES_CRM: "hubspot", HUBSPOT_ACCESS_TOKEN: "pat-test" };

describeQuotaPeriodsContract("HubSpot (@hubspot/api-client) goals, paged", async () =>
  vendorProvider(
    await startHubSpotFake({ owners: HS_OWNERS, goals: HS_GOALS }),
    HS_ENV,
    {
      periods: [
        { owner: "Ann Lee", start: "2026-01-01", end: "2026-01-31", amount: 10_000 },
        { owner: "Ann Lee", start: "2026-02-01", end: "2026-02-28", amount: 20_000 },
        { owner: "Ann Lee", start: "2026-03-01", end: "2026-03-31", amount: 30_000 },
        { owner: "Bob Ray", start: "2026-01-01", end: "2026-12-31", amount: 365_000 },
      ],
    },
    /not revenue goals are left out \(Calls made\).*team goals are not split across reps \(Team revenue\)/,
  ),
);

describeQuotaPeriodsContract("HubSpot without the goals scope (403 MISSING_SCOPES)", async () =>
  vendorProvider(await startHubSpotFake({ owners: HS_OWNERS, goals: HS_GOALS, goalsScope: false }), HS_ENV, {
    unavailable: /lacks the crm\.objects\.goals\.read scope/,
  }),
);

describeQuotaPeriodsContract("HubSpot with no goals", async () =>
  vendorProvider(await startHubSpotFake({ owners: HS_OWNERS }), HS_ENV, {
    unavailable: /HubSpot has no revenue goals/,
  }),
);
