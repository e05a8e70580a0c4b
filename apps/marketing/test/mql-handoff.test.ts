import { approvalsAdmin, createGuard, guardConfig, guardMigrations } from "@revops/guards";
import { approvalIdIn, connectGuarded, type GuardedHarness } from "@revops/guards/testing";
import { resetSandbox, sandboxLeadFacts, sandboxToday } from "@revops/sandbox";
import { type KeyValue, migrate, openKv, openSql, type SqlDb } from "@revops/store";
import { tempDataDir } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probabilityOf, proposeModel } from "../src/domain/lead-scoring";
import { createMarketingServer } from "../src/server";

const TOOL = "mql_handoff";
const config = guardConfig({
  GUARD_TOKEN_SECRET: "mql-handoff-secret-mql-handoff-secret",
  CONFIRMATION_MODE: "approval",
});

let guardSql: SqlDb;
let kv: KeyValue;
let data: SqlDb;
let h: GuardedHarness;
let admin: ReturnType<typeof approvalsAdmin>;
/** Account executives take leads (managers do not): how many the sandbox has at this scale. */
let aes: number;

const HOURS = "(julianday(handed_off_at) - julianday(mql_at)) * 24";
const n = async (sql: string, params: unknown[] = []) =>
  Number((await data.one<{ n: number }>(sql, params))?.n ?? 0);
/** Unowned MQLs, and those past the SLA, recomputed from the raw tables. */
const waiting = async (slaHours: number) => {
  const now = `${(await data.one<{ today: string }>("SELECT today FROM sb_meta"))?.today}T00:00:00Z`;
  const base =
    "FROM sb_leads l WHERE l.status = 'mql' AND NOT EXISTS (SELECT 1 FROM sb_lead_handoffs h WHERE h.lead_id = l.id)";
  return {
    total: await n(`SELECT COUNT(*) AS n ${base}`),
    // every seeded MQL is older than the day's start minus the SLA, so the count does not hang on the time of day
    over_sla: await n(`SELECT COUNT(*) AS n ${base} AND julianday(l.created_at) < julianday(?) - ? / 24.0`, [
      now,
      slaHours,
    ]),
  };
};

async function approved(args: Record<string, unknown>, tool = TOOL) {
  const queued = await h.call(tool, args);
  const id = approvalIdIn(queued.text) as string;
  expect(id, queued.text).toBeDefined();
  await admin.approve(id, "sales-ops");
  return { queued, id, run: await h.call(tool, { ...args, approval_id: id }) };
}

beforeAll(async () => {
  const dataDir = tempDataDir("mql-handoff");
  guardSql = await openSql({ dataDir: tempDataDir("mql-handoff-guard") });
  kv = await openKv({});
  await migrate(guardSql, guardMigrations);
  const guard = createGuard({ config, sql: async () => guardSql, kv: async () => kv });
  h = await connectGuarded({
    modules: [createMarketingServer()],
    guard,
    env: { REVOPS_DATA_DIR: dataDir, SANDBOX_SCALE: "0.2" },
  });
  admin = approvalsAdmin({ sql: async () => guardSql, config });
  await h.call(TOOL, { dry_run: true }); // loads the sandbox company
  data = await openSql({ dataDir });
  aes = await n("SELECT COUNT(*) AS n FROM sb_users WHERE role = 'account_executive'");
  // threshold 0 (version 1) qualifies every MQL, so the routing tests see them all; the last test raises it
  expect(
    (await approved({ action: "update", set: { threshold: 0 } }, "lead_scoring_model")).run.isError,
  ).toBe(false);
}, 120_000);

afterAll(async () => {
  await h?.close();
  await data?.close();
  await guardSql?.close();
  await kv?.close();
});

describe("mql_handoff on the sandbox, through the MCP client", () => {
  it("dry run: counts per owner, a sample and the waiting MQLs as SQL counts them; nothing written", async () => {
    const r = await h.call(TOOL, { routing: "round_robin", sla_hours: 24, limit: 2 * aes, dry_run: true });
    expect(r.isError, r.text).toBeFalsy();
    expect(r.text).toContain("Dry run, nothing was changed");
    const w = await waiting(24);
    expect(w.total).toBeGreaterThan(3 * aes);
    expect(r.text).toContain(`Hand ${2 * aes} of ${w.total} unowned MQLs to ${aes} sales owners`);
    expect(r.text).toContain(`${w.over_sla} waiting longer than the 24 h SLA`);
    const oldest = await data.one<{ name: string }>(
      "SELECT name FROM sb_leads WHERE status = 'mql' ORDER BY created_at, id LIMIT 1",
    );
    expect(r.text).toContain(String(oldest?.name));
    expect(await n("SELECT COUNT(*) AS n FROM sb_lead_handoffs")).toBe(0);
  });

  it("approval queue (bulk): hands the oldest MQLs out evenly, writes and journals each once", async () => {
    const args = { routing: "round_robin", sla_hours: 24, limit: 2 * aes };
    const { queued, id, run } = await approved(args);
    expect(queued.text).toContain(`count: ${2 * aes}`);
    expect(run.isError, run.text).toBe(false);
    expect(run.data?.handed).toBe(2 * aes);
    const rows = await data.query<{ lead_id: string; owner_id: string }>(
      "SELECT lead_id, owner_id FROM sb_lead_handoffs ORDER BY lead_id",
    );
    const oldest = await data.query<{ id: string }>(
      "SELECT id FROM sb_leads WHERE status = 'mql' ORDER BY created_at, id LIMIT ?",
      [2 * aes],
    );
    expect(rows.map((x) => x.lead_id)).toEqual(oldest.map((x) => x.id).sort());
    // two each; the tool's counts per owner are the table's
    const perOwner = await data.query<{ owner_id: string; n: number }>(
      "SELECT owner_id, COUNT(*) AS n FROM sb_lead_handoffs GROUP BY owner_id ORDER BY owner_id",
    );
    expect(perOwner).toHaveLength(aes);
    expect(perOwner.every((p) => Number(p.n) === 2)).toBe(true);
    expect(
      await n(
        "SELECT COUNT(*) AS n FROM sb_lead_handoffs h JOIN sb_users u ON u.id = h.owner_id WHERE u.role <> 'account_executive'",
      ),
    ).toBe(0);
    const tool = ((run.data?.per_owner ?? []) as { owner_id: string; leads: number }[])
      .map((p) => ({ owner_id: p.owner_id, n: p.leads }))
      .sort((a, b) => (a.owner_id < b.owner_id ? -1 : 1));
    expect(tool).toEqual(perOwner.map((p) => ({ owner_id: p.owner_id, n: Number(p.n) })));
    // speed-to-lead recomputed with SQL from the hand-offs
    const within = await n(`SELECT COUNT(*) AS n FROM sb_lead_handoffs WHERE ${HOURS} <= 24`);
    expect(run.data?.speed_to_lead).toMatchObject({ sla_hours: 24, handed: 2 * aes, within_sla: within });
    const hours = (
      await data.query<{ x: number }>(`SELECT ${HOURS} AS x FROM sb_lead_handoffs ORDER BY x`)
    ).map((x) => Number(x.x));
    const median = ((hours[aes - 1] as number) + (hours[aes] as number)) / 2;
    expect(run.data?.speed_to_lead.median_hours).toBeCloseTo(median, 0);
    expect(run.data?.waiting).toEqual(await waiting(24));
    expect(run.data?.meta.caveats.join(" ")).toContain("no MQL date");
    const journal = await data.query<{ field: string; plan_hash: string | null }>(
      "SELECT field, plan_hash FROM sb_changes WHERE entity = 'lead'",
    );
    expect(journal).toHaveLength(4 * aes);
    expect(journal.every((j) => /^[0-9a-f]{16,}$/.test(String(j.plan_hash)))).toBe(true);
    // the approval runs once
    const reused = await h.call(TOOL, { ...args, approval_id: id });
    expect(reused.isError).toBe(true);
    expect(await n("SELECT COUNT(*) AS n FROM sb_lead_handoffs")).toBe(2 * aes);
  });

  it("a second hand-off takes the next MQLs and keeps owners even, counting the earlier ones", async () => {
    const { run } = await approved({ routing: "territory", sla_hours: 48, limit: aes });
    expect(run.isError, run.text).toBe(false);
    expect(run.data?.handed).toBe(aes);
    const perOwner = await data.query<{ n: number }>(
      "SELECT COUNT(*) AS n FROM sb_lead_handoffs GROUP BY owner_id",
    );
    expect(perOwner.every((p) => Number(p.n) === 3)).toBe(true);
    // no sandbox MQL matches an account, so territory routing falls back to round robin and says so
    expect(
      ((run.data?.sample ?? []) as { routed_by: string }[]).every((s) => s.routed_by === "round_robin"),
    ).toBe(true);
    expect(run.data?.speed_to_lead.handed).toBe(3 * aes);
    expect(run.data?.waiting).toEqual(await waiting(48));
  });

  it("uses the active lead-scoring version: a raised threshold changes who is handed off, and the plan says the version", async () => {
    const set = { action: "update", set: { threshold: 0.3 } };
    expect((await approved(set, "lead_scoring_model")).run.isError).toBe(false);
    const r = await h.call(TOOL, { routing: "round_robin", limit: 200, dry_run: true });
    expect(r.text).toMatch(/lead-scoring v2 threshold 0.3/);
    // the v0 fit's weights (v1 changed only the threshold), scored again over the unowned MQLs, oldest first
    const leads = await sandboxLeadFacts(data);
    const model = proposeModel(leads, await sandboxToday(data)) as NonNullable<
      ReturnType<typeof proposeModel>
    >;
    const handed = new Set(
      (await data.query<{ lead_id: string }>("SELECT lead_id FROM sb_lead_handoffs")).map((x) => x.lead_id),
    );
    const pending = leads
      .filter((l) => l.status === "mql" && !handed.has(l.id))
      .sort((a, b) =>
        a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1,
      );
    const over = pending.filter((l) => probabilityOf(model, l) >= 0.3);
    const under = pending.filter((l) => probabilityOf(model, l) < 0.3);
    expect(over.length).toBeGreaterThan(0);
    expect(under.length).toBeGreaterThan(0);
    expect(r.text).toContain(`Hand ${over.length} of ${pending.length} unowned MQLs`);
    expect(r.text).toContain(`${under.length} below it`);
    expect(r.text).toContain(String(over[0]?.name));
    expect(r.text).not.toContain(String(under[0]?.name));
  });

  it("bad input names the field; a reset forgets the hand-offs", async () => {
    const bad = await h.call(TOOL, { sla_hours: 0 });
    expect(bad.isError).toBe(true);
    expect(bad.text).toContain("sla_hours");
    const big = await h.call(TOOL, { limit: 500 });
    expect(big.isError).toBe(true);
    expect(big.text).toContain("limit");
    await resetSandbox(data);
    expect(await n("SELECT COUNT(*) AS n FROM sb_lead_handoffs")).toBe(0);
  });
});
