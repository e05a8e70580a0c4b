import { approvalsAdmin, createGuard, guardConfig, guardMigrations } from "@revops/guards";
import { approvalIdIn, connectGuarded, type GuardedHarness } from "@revops/guards/testing";
import { type KeyValue, migrate, openKv, openSql, type SqlDb } from "@revops/store";
import { tempDataDir } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMarketingServer } from "../src/server";

const TOOL = "segment_build";
const config = guardConfig({
  GUARD_TOKEN_SECRET: "segment-build-secret-segment-build-secret",
  CONFIRMATION_MODE: "approval",
});

let guardSql: SqlDb;
let kv: KeyValue;
let data: SqlDb;
let h: GuardedHarness;
let admin: ReturnType<typeof approvalsAdmin>;

const RULES = { rules: { region: "EMEA", employee_band: "201-1000, 1000+", lifecycle: "customer" } };
/** The same segment, recomputed from the raw tables. */
const SEGMENT = `FROM sb_contacts c JOIN sb_accounts a ON a.id = c.account_id
  WHERE a.region = 'EMEA' AND a.size_band IN ('201-1000', '1000+') AND a.lifecycle = 'customer'`;
const n = async (sql: string, params: unknown[] = []) =>
  Number((await data.one<{ n: number }>(sql, params))?.n ?? 0);

beforeAll(async () => {
  const dataDir = tempDataDir("segment-build");
  guardSql = await openSql({ dataDir: tempDataDir("segment-build-guard") });
  kv = await openKv({});
  await migrate(guardSql, guardMigrations);
  const guard = createGuard({ config, sql: async () => guardSql, kv: async () => kv });
  h = await connectGuarded({
    modules: [createMarketingServer()],
    guard,
    env: { REVOPS_DATA_DIR: dataDir, SANDBOX_SCALE: "0.2" },
  });
  admin = approvalsAdmin({ sql: async () => guardSql, config });
  await h.call(TOOL, { name: "x", rules: {}, dry_run: true }); // loads the sandbox company
  data = await openSql({ dataDir });
}, 120_000);

afterAll(async () => {
  await h?.close();
  await data?.close();
  await guardSql?.close();
  await kv?.close();
});

describe("segment_build on the sandbox, through the MCP client", () => {
  it("dry run: counts as SQL counts them, a sample; nothing written", async () => {
    const r = await h.call(TOOL, { name: "EMEA big customers", ...RULES, dry_run: true });
    expect(r.isError, r.text).toBeFalsy();
    const total = await n(`SELECT COUNT(*) AS n ${SEGMENT}`);
    const subscribed = await n(`SELECT COUNT(*) AS n ${SEGMENT} AND c.unsubscribed = 0`);
    expect(subscribed).toBeGreaterThan(1);
    expect(r.text).toContain(`Save ${subscribed} subscribed contacts (of ${total} matching)`);
    const first = await data.one<{ name: string }>(`SELECT c.name ${SEGMENT} ORDER BY c.id LIMIT 1`);
    expect(r.text).toContain(String(first?.name));
    expect(await n("SELECT COUNT(*) AS n FROM sb_lists WHERE name = 'EMEA big customers'")).toBe(0);
  });

  it("behaviour rules: engagement and campaign touches narrow the segment as SQL does", async () => {
    const today = (await data.one<{ today: string }>("SELECT today FROM sb_meta"))?.today;
    const engaged = await h.call(TOOL, { name: "engaged", rules: { engaged_days: 365 }, dry_run: true });
    // contact email touches (opens, clicks) of the last year, counted from the start of today
    const opened = await n(
      `SELECT COUNT(*) AS n FROM sb_contacts c WHERE c.unsubscribed = 0 AND EXISTS (SELECT 1 FROM sb_campaign_touches t
       WHERE t.contact_id = c.id AND t.touch_type IN ('open', 'click') AND julianday(t.occurred_at) >= julianday(?) - 365 + 0.5)`,
      [`${today}T00:00:00Z`],
    );
    expect(opened).toBeGreaterThan(0);
    expect(engaged.text).toMatch(/Save \d+ subscribed contacts/);
    const shown = Number(/Save (\d+) subscribed/.exec(engaged.text)?.[1]);
    // the clock's time of day moves the window's start by under a day
    expect(Math.abs(shown - opened)).toBeLessThanOrEqual(3);
    const touch = await data.one<{ campaign_id: string }>(
      "SELECT campaign_id FROM sb_campaign_touches WHERE contact_id IS NOT NULL GROUP BY campaign_id ORDER BY COUNT(*) DESC LIMIT 1",
    );
    const r = await h.call(TOOL, {
      name: "touched",
      rules: { campaign_id: String(touch?.campaign_id) },
      dry_run: true,
    });
    const touched = await n(
      `SELECT COUNT(*) AS n FROM sb_contacts c WHERE c.unsubscribed = 0 AND EXISTS
       (SELECT 1 FROM sb_campaign_touches t WHERE t.contact_id = c.id AND t.campaign_id = ?)`,
      [touch?.campaign_id],
    );
    expect(r.text, r.text).toContain(`Save ${touched} subscribed contacts`);
  });

  it("approval queue: creates the list once, adds the subscribed members, a second save adds nothing", async () => {
    const args = { name: "EMEA big customers", ...RULES };
    const queued = await h.call(TOOL, args);
    const id = approvalIdIn(queued.text) as string;
    expect(id, queued.text).toBeDefined();
    await admin.approve(id, "marketing-lead");
    const run = await h.call(TOOL, { ...args, approval_id: id });
    expect(run.isError, run.text).toBe(false);
    const subscribed = await n(`SELECT COUNT(*) AS n ${SEGMENT} AND c.unsubscribed = 0`);
    expect(run.data).toMatchObject({ created: true, added: subscribed, already: 0 });
    const list = await data.one<{ id: string; kind: string }>(
      "SELECT id, kind FROM sb_lists WHERE name = 'EMEA big customers'",
    );
    expect(list?.kind).toBe("static");
    expect(await n("SELECT COUNT(*) AS n FROM sb_list_members WHERE list_id = ?", [list?.id])).toBe(
      subscribed,
    );
    expect(
      await n(
        `SELECT COUNT(*) AS n FROM sb_list_members m JOIN sb_contacts c ON c.id = m.contact_id WHERE m.list_id = ? AND c.unsubscribed = 1`,
        [list?.id],
      ),
    ).toBe(0);
    expect(
      await n("SELECT COUNT(*) AS n FROM sb_changes WHERE entity = 'list' AND record_id = ?", [list?.id]),
    ).toBe(1);
    const again = await h.call(TOOL, args);
    const id2 = approvalIdIn(again.text) as string;
    await admin.approve(id2, "marketing-lead");
    const second = await h.call(TOOL, { ...args, approval_id: id2 });
    expect(second.data).toMatchObject({ created: false, added: 0, already: subscribed });
    expect(await n("SELECT COUNT(*) AS n FROM sb_lists WHERE name = 'EMEA big customers'")).toBe(1);
  });

  it("bad input names the field", async () => {
    const bad = await h.call(TOOL, { name: "x", rules: { region: "Mars" }, dry_run: true });
    expect(bad.isError).toBe(true);
    expect(bad.text).toContain("rules.region");
    expect(bad.text).toContain("EMEA");
    const key = await h.call(TOOL, { name: "x", rules: { colour: "red" }, dry_run: true });
    expect(key.text).toContain("engaged_days");
    const days = await h.call(TOOL, { name: "x", rules: { engaged_days: 0 }, dry_run: true });
    expect(days.text).toContain("rules.engaged_days");
    const none = await h.call(TOOL, { name: "x", rules: { industry: "No such industry" }, dry_run: true });
    expect(none.isError).toBe(true);
    expect(none.text).toContain("No subscribed contact matches");
  });
});
