import type { Page } from "@revops/model";
import { collectCompany, ensureSandboxLoaded, INVALID_CURSOR, TABLE_COLUMNS } from "@revops/sandbox";
import type { SqlDb } from "@revops/store";
import { TEST_ENGINES, testDatabase } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxMarketing } from "../src/integrations/sandbox/marketing";

const data = collectCompany({});
const col = (table: keyof typeof TABLE_COLUMNS, name: string) =>
  (TABLE_COLUMNS[table] as readonly string[]).indexOf(name);
/** Results must be identical on both engines. */
const seen = new Map<string, unknown>();
function sameOnBothEngines(key: string, value: unknown): void {
  if (seen.has(key)) expect(value, key).toEqual(seen.get(key));
  else seen.set(key, value);
}

async function allPages<T extends { id: string }>(
  fetch: (cursor?: string) => Promise<Page<T>>,
): Promise<T[]> {
  const rows: T[] = [];
  let cursor: string | undefined;
  let total = -1;
  for (let i = 0; i < 1000; i++) {
    const page = await fetch(cursor);
    if (total >= 0) expect(page.total).toBe(total);
    total = page.total;
    rows.push(...page.rows);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  expect(rows.length).toBe(total);
  expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
  return rows;
}

describe.each(TEST_ENGINES)("sandbox marketing on %s", (engine) => {
  let drop: () => Promise<void>;
  let mkt: SandboxMarketing;

  beforeAll(async () => {
    let db: SqlDb;
    ({ db, drop } = await testDatabase(engine, "marketing_store"));
    await ensureSandboxLoaded(db);
    mkt = new SandboxMarketing(db);
  });
  afterAll(async () => {
    await drop?.();
  });

  it("listCampaigns pages and filters", async () => {
    const rows = await allPages((cursor) => mkt.listCampaigns({ cursor, limit: 7 }));
    expect(rows.length).toBe(30);
    const webinars = await mkt.listCampaigns({ channel: "webinar" });
    expect(webinars.total).toBe(5);
    const done = await mkt.listCampaigns({ status: "completed", limit: 100 });
    expect(done.rows.every((c) => c.status === "completed" && c.endDate < "2026-11-23")).toBe(true);
    await expect(mkt.listCampaigns({ cursor: "zzz" })).rejects.toThrow(INVALID_CURSOR);
  });

  it("campaignStats attributes leads, pipeline and revenue", async () => {
    const stats = await mkt.campaignStats();
    expect(stats.length).toBe(30);
    for (const s of stats) {
      expect(s.revenue).toBeLessThanOrEqual(s.pipeline);
      expect(s.clicks).toBeLessThanOrEqual(s.touches);
      expect(s.mqls).toBeLessThanOrEqual(s.leads);
    }
    const leadsWithCampaign = data.sb_leads.filter((l) => l[col("sb_leads", "campaign_id")] !== null).length;
    expect(stats.reduce((n, s) => n + s.leads, 0)).toBe(leadsWithCampaign);
    expect(stats.reduce((n, s) => n + s.touches, 0)).toBe(data.sb_campaign_touches.length);
    expect(stats.some((s) => s.revenue > 0 && s.dealsInfluenced > 0)).toBe(true);
    const two = await mkt.campaignStats([stats[0]?.id ?? "", stats[1]?.id ?? ""]);
    expect(two).toEqual(stats.slice(0, 2));
    expect(await mkt.campaignStats([])).toEqual([]);
    sameOnBothEngines("stats", stats);
  });

  it("leadsBySource", async () => {
    const all = await mkt.leadsBySource({});
    expect(all.reduce((n, s) => n + s.leads, 0)).toBe(1000);
    for (const s of all) expect(s.converted <= s.sqls && s.sqls <= s.mqls && s.mqls <= s.leads).toBe(true);
    expect(all.reduce((n, s) => n + s.wonRevenue, 0)).toBeGreaterThan(0);
    const recent = await mkt.leadsBySource({ from: "2026-10-01", to: "2026-11-23" });
    const expected = data.sb_leads.filter(
      (l) => String(l[col("sb_leads", "created_at")]) >= "2026-10-01",
    ).length;
    expect(recent.reduce((n, s) => n + s.leads, 0)).toBe(expected);
    sameOnBothEngines("sources", all);
  });

  it("searchCampaigns", async () => {
    const hits = await mkt.searchCampaigns("q1 2026", 10);
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((h) => h.name.startsWith("Q1 2026"))).toBe(true);
  });
});

describe.each(TEST_ENGINES)("SandboxMarketing list writes on %s", (engine) => {
  let drop: () => Promise<void>;
  let a: SqlDb;
  let b: SqlDb;
  beforeAll(async () => {
    let open: () => Promise<SqlDb>;
    ({ db: a, drop, open } = await testDatabase(engine, "marketing_lists"));
    await ensureSandboxLoaded(a, { scale: 0.05 });
    b = await open();
  });
  afterAll(async () => {
    await b?.close();
    await drop?.();
  });

  it("two writers adding different contacts at once both land, each journalled once", async () => {
    const list =
      (await a.one<{ id: string }>("SELECT id FROM sb_lists WHERE kind = 'static' ORDER BY id"))?.id ?? "";
    const outsiders = await a.query<{ id: string }>(
      "SELECT id FROM sb_contacts c WHERE NOT EXISTS (SELECT 1 FROM sb_list_members m WHERE m.list_id = ? AND m.contact_id = c.id) ORDER BY id LIMIT 4",
      [list],
    );
    const ids = outsiders.map((o) => o.id);
    const before = (await new SandboxMarketing(a).getList(list))?.size ?? 0;
    const [r1, r2] = await Promise.all([
      new SandboxMarketing(a).updateListMembers(
        list,
        { add: ids.slice(0, 3), remove: [] },
        { principal: "ann" },
      ),
      new SandboxMarketing(b).updateListMembers(list, { add: ids.slice(1), remove: [] }, { principal: "bo" }),
    ]);
    // every id is added by exactly one of the two, the other sees it as already there
    expect([...r1.added, ...r2.added].sort()).toEqual([...ids].sort());
    expect((await new SandboxMarketing(a).getList(list))?.size).toBe(before + 4);
    const journal = await a.query<{ record_id: string }>(
      "SELECT record_id FROM sb_changes WHERE entity = 'list_member' ORDER BY record_id",
    );
    expect(journal.map((j) => j.record_id)).toEqual([...ids].sort().map((id) => `${list}/${id}`));
  });
});
