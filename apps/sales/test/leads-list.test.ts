import { openSql, type SqlDb } from "@revops/store";
import { connectInProcess, tempDataDir } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSalesServer } from "../src/server";

type Lead = { id: string; status: string; source: string; owner: string | null; created_at: string };

describe("leads_list through the MCP client on the sandbox, checked with SQL", () => {
  let s: Awaited<ReturnType<typeof connectInProcess>>;
  let db: SqlDb;
  const dir = tempDataDir("leads-list");
  beforeAll(async () => {
    s = await connectInProcess([createSalesServer()], {
      env: { REVOPS_TOOLSETS: "leads", REVOPS_DATA_DIR: dir },
    });
    await s.call("leads_list", { limit: 1 }); // loads the company
    db = await openSql({ dataDir: dir });
  }, 120_000);
  afterAll(async () => {
    await s?.close();
    await db?.close();
  });

  it("filters by status and source, newest first, and pages through every matching row once", async () => {
    const want = await db.query<{ id: string }>(
      "SELECT id FROM sb_leads WHERE status = 'mql' AND source = 'organic' ORDER BY created_at DESC, id DESC",
    );
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const r = await s.call("leads_list", {
        status: "MQL",
        source: "organic",
        limit: 7,
        ...(cursor && { cursor }),
      });
      expect(r.isError, r.text).toBe(false);
      expect(r.data.total).toBe(want.length);
      for (const l of r.data.leads as Lead[]) expect([l.status, l.source]).toEqual(["mql", "organic"]);
      seen.push(...r.data.leads.map((l: Lead) => l.id));
      cursor = r.data.next_cursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(want.map((w) => w.id));
  });

  it("filters by owner (a converted lead's deal owner, per SQL)", async () => {
    const u = await db.one<{ name: string; n: number }>(
      `SELECT u.name, COUNT(*) AS n FROM sb_leads l JOIN sb_deals d ON d.id = l.converted_deal_id
       JOIN sb_users u ON u.id = d.owner_id GROUP BY u.name ORDER BY n DESC, u.name LIMIT 1`,
    );
    const r = await s.call("leads_list", { owner: u?.name.toUpperCase(), limit: 100 });
    expect(r.data.total).toBe(Number(u?.n));
    for (const l of r.data.leads as Lead[]) expect(l.owner).toBe(u?.name);
  });

  it("says which statuses exist when none match, and names a bad cursor", async () => {
    const none = await s.call("leads_list", { status: "nope" });
    expect(none.data.total).toBe(0);
    expect(none.data.note).toContain("mql");
    const bad = await s.call("leads_list", { cursor: "garbage" });
    expect(bad.isError).toBe(true);
    expect(bad.text).toContain("cursor");
  });
});
