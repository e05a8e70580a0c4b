import { sandboxToday } from "@revops/sandbox";
import { openSql, type SqlDb } from "@revops/store";
import { connectInProcess, tempDataDir } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSalesServer } from "../src/server";

/** The ISO date `days` before `day`. */
const minusDays = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

describe("deal_qualify and stakeholders_map through the MCP client on the sandbox, checked with SQL", () => {
  let s: Awaited<ReturnType<typeof connectInProcess>>;
  let db: SqlDb;
  let today: string;
  let dealId: string;
  const dir = tempDataDir("deal-qualify");
  beforeAll(async () => {
    s = await connectInProcess([createSalesServer()], {
      env: { REVOPS_TOOLSETS: "deals,pipeline", REVOPS_DATA_DIR: dir },
    });
    await s.call("deals_list", { limit: 1 }); // loads the company
    db = await openSql({ dataDir: dir });
    today = await sandboxToday(db);
    // the open deal with the most activities
    const pick = await db.one<{ id: string }>(
      `SELECT d.id FROM sb_deals d WHERE d.stage NOT IN ('closed_won', 'closed_lost')
       ORDER BY (SELECT COUNT(*) FROM sb_activities a WHERE a.deal_id = d.id) DESC, d.id LIMIT 1`,
    );
    dealId = pick?.id as string;
  }, 120_000);
  afterAll(async () => {
    await s?.close();
    await db?.close();
  });

  it("stakeholders_map: each contact's activity counts, windows and last touch match the sandbox rows", async () => {
    const r = await s.call("stakeholders_map", { deal_id: dealId });
    expect(r.isError, r.text).toBe(false);
    const rows = await db.query<Record<string, unknown>>(
      `SELECT c.id, COUNT(*) AS n, MAX(substr(a.occurred_at, 1, 10)) AS last,
         SUM(CASE WHEN substr(a.occurred_at, 1, 10) BETWEEN ? AND ? THEN 1 ELSE 0 END) AS d30,
         SUM(CASE WHEN substr(a.occurred_at, 1, 10) BETWEEN ? AND ? THEN 1 ELSE 0 END) AS d90
       FROM sb_activities a JOIN sb_contacts c ON c.id = a.contact_id WHERE a.deal_id = ? GROUP BY c.id`,
      [minusDays(today, 29), today, minusDays(today, 89), today, dealId],
    );
    const total = await db.one<{ n: number }>("SELECT COUNT(*) AS n FROM sb_activities WHERE deal_id = ?", [
      dealId,
    ]);
    expect(Number(total?.n)).toBeLessThanOrEqual(200); // every activity read, so the windows are complete
    expect(rows.length).toBeGreaterThan(0);
    const byId = <T extends { id: string }>(list: T[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
    expect(
      byId(r.data.contacts).map((c: Record<string, unknown>) => [
        c.id,
        c.activities,
        c.last_30d,
        c.last_90d,
        c.last_touch,
      ]),
    ).toEqual(
      byId(rows.map((x) => ({ ...x, id: String(x.id) }))).map((x: Record<string, unknown>) => [
        x.id,
        Number(x.n),
        Number(x.d30),
        Number(x.d90),
        x.last,
      ]),
    );
    expect(r.data.meta).toMatchObject({
      as_of: today,
      source: "sandbox",
      inputs: { activities_read: Number(total?.n) },
    });
    // the sandbox keeps no contact roles: every role comes from the title, and no champion can be recorded
    for (const c of r.data.contacts) expect(c.role_source).not.toBe("crm");
    const gaps = r.data.gaps.map((g: { gap: string }) => g.gap);
    expect(gaps).toContain("no_champion");
    expect(gaps.includes("single_threaded")).toBe(rows.length < 2);
  });

  it("deal_qualify: elements known exactly where the sandbox subjects carry their keywords, quoted from real rows", async () => {
    const r = await s.call("deal_qualify", { deal_id: dealId });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.framework).toBe("meddicc");
    const has = async (like: string) =>
      Number(
        (
          await db.one<{ n: number }>(
            "SELECT COUNT(*) AS n FROM sb_activities WHERE deal_id = ? AND lower(subject) LIKE ?",
            [dealId, like],
          )
        )?.n,
      ) > 0;
    const known = (name: string) =>
      r.data.elements.find((e: { element: string }) => e.element === name)?.known;
    expect(known("champion")).toBe(await has("%champion%"));
    expect(known("competition")).toBe(await has("%competit%"));
    expect(r.data.score).toEqual({
      known: r.data.elements.filter((e: { known: boolean }) => e.known).length,
      total: 7,
    });
    for (const e of r.data.elements)
      for (const ev of e.evidence.filter((x: { source: string }) => x.source === "activity")) {
        const row = await db.one<{ subject: string }>(
          "SELECT subject FROM sb_activities WHERE id = ? AND deal_id = ?",
          [ev.id, dealId],
        );
        expect(row?.subject).toContain(ev.excerpt);
      }
    expect(r.data.meta.caveats.join(" ")).toMatch(/Keyword evidence, not understanding/);

    const bant = await s.call("deal_qualify", { deal_id: dealId, framework: "bant" });
    const budget = bant.data.elements.find((e: { element: string }) => e.element === "budget");
    expect(budget.known).toBe((await has("%budget%")) || (await has("%pric%")) || (await has("%cost%")));
    expect(bant.data.score.total).toBe(4);
  });

  it("names the field when the deal or framework is wrong", async () => {
    for (const tool of ["deal_qualify", "stakeholders_map"]) {
      const r = await s.call(tool, { deal_id: "deal_nope" });
      expect(r.isError).toBe(true);
      expect(r.text).toMatch(/deal_id/);
    }
    const bad = await s.call("deal_qualify", { deal_id: dealId, framework: "spiced" });
    expect(bad.isError).toBe(true);
    expect(bad.text).toMatch(/framework/);
  });
});
