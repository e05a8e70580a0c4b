import { SandboxCrm, sandboxToday } from "@revops/sandbox";
import { seniorityOf, trainLeadModel } from "@revops/sandbox/lead-model";
import { openSql, type SqlDb } from "@revops/store";
import { connectInProcess, tempDataDir } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSalesServer } from "../src/server";

const minusDays = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

/** AUC by counting every (converted, not converted) pair: independent of the rank-sum formula the model uses. */
function pairwiseAuc(p: number[], y: number[]): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < p.length; i++) {
    if (y[i] !== 1) continue;
    for (let j = 0; j < p.length; j++) {
      if (y[j] !== 0) continue;
      pairs++;
      const a = p[i] as number;
      const b = p[j] as number;
      wins += a > b ? 1 : a === b ? 0.5 : 0;
    }
  }
  return wins / pairs;
}

describe("lead_score through the MCP client on the sandbox, its figures recomputed from the rows", () => {
  let s: Awaited<ReturnType<typeof connectInProcess>>;
  let db: SqlDb;
  let today: string;
  const dir = tempDataDir("lead-score");
  beforeAll(async () => {
    s = await connectInProcess([createSalesServer()], {
      env: { REVOPS_TOOLSETS: "leads", REVOPS_DATA_DIR: dir },
    });
    await s.call("lead_score", { limit: 1 }); // loads the company
    db = await openSql({ dataDir: dir });
    today = await sandboxToday(db);
  }, 120_000);
  afterAll(async () => {
    await s?.close();
    await db?.close();
  });

  it("publishes held-out AUC, Brier and ECE on the newest mature leads; the split and counts match SQL", async () => {
    const r = await s.call("lead_score", { limit: 5 });
    expect(r.isError, r.text).toBe(false);
    const inputs = r.data.meta.inputs;
    const cutoff = minusDays(today, 90);
    const mature = await db.query<{ id: string; day: string; y: number }>(
      `SELECT id, substr(created_at, 1, 10) AS day,
         CASE WHEN converted_deal_id IS NOT NULL OR status = 'converted' THEN 1 ELSE 0 END AS y
       FROM sb_leads WHERE substr(created_at, 1, 10) < ? ORDER BY created_at, id`,
      [cutoff],
    );
    const split = Math.floor(mature.length * 0.75);
    const test = mature.slice(split);
    expect(inputs.leads_learned_from).toBe(mature.length);
    expect(inputs.converted).toBe(mature.reduce((n, m) => n + Number(m.y), 0));
    expect(inputs.n_train).toBe(split);
    expect(inputs.n_test).toBe(test.length);
    expect(inputs.test_converted).toBe(test.reduce((n, m) => n + Number(m.y), 0));
    expect(inputs.held_out).toBe(`${test[0]?.day}..${test[test.length - 1]?.day}`);
    expect(r.data.meta.method).toContain(`before ${cutoff}`);

    // the held-out model's probabilities, scored against outcomes read with SQL
    const model = trainLeadModel(await new SandboxCrm(db).leadFacts(), today);
    const preds = model?.evaluation?.predictions ?? [];
    expect(preds.map((p) => p.leadId)).toEqual(test.map((t) => t.id));
    const p = preds.map((x) => x.probability);
    const y = test.map((t) => Number(t.y));
    const aucSql = pairwiseAuc(p, y);
    expect(inputs.auc).toBeCloseTo(aucSql, 3);
    const brier = p.reduce((sum, v, i) => sum + (v - (y[i] as number)) ** 2, 0) / p.length;
    expect(inputs.brier).toBeCloseTo(brier, 3);
    // better than chance and no worse calibrated than always predicting the base rate
    expect(aucSql).toBeGreaterThan(0.6);
    expect(Number(inputs.brier)).toBeLessThanOrEqual(Number(inputs.brier_base_rate) + 0.005);
    expect(Number(inputs.ece)).toBeLessThan(0.1);
  });

  it("ranks the open leads (status not converted or disqualified, per SQL) by score, each part explained", async () => {
    const r = await s.call("lead_score", { limit: 50 });
    expect(r.isError, r.text).toBe(false);
    const open = await db.one<{ n: number }>(
      "SELECT COUNT(*) AS n FROM sb_leads WHERE status NOT IN ('converted', 'disqualified')",
    );
    expect(r.data.total).toBe(Number(open?.n));
    const scores = r.data.leads.map((l: { score: number }) => l.score);
    expect(scores).toEqual([...scores].sort((a: number, b: number) => b - a));
    const first = r.data.leads[0];
    const row = await db.one<Record<string, unknown>>("SELECT * FROM sb_leads WHERE id = ?", [first.id]);
    expect(first).toMatchObject({
      name: row?.name,
      company: row?.company,
      source: row?.source,
      status: row?.status,
    });
    expect(["converted", "disqualified"]).not.toContain(first.status);
    for (const part of ["fit", "engagement", "intent"]) {
      expect(typeof first[part].log_odds).toBe("number");
      for (const d of first[part].drivers) expect(d).toMatch(/^[a-z_]+ [+-]\d/);
    }
  });

  it("scores named leads, and names the field when an id is unknown", async () => {
    const ids = (await db.query<{ id: string }>("SELECT id FROM sb_leads ORDER BY id LIMIT 3")).map(
      (x) => x.id,
    );
    const r = await s.call("lead_score", { lead_ids: ids });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.leads.map((l: { id: string }) => l.id).sort()).toEqual(ids);
    const bad = await s.call("lead_score", { lead_ids: ["lead_nope"] });
    expect(bad.isError).toBe(true);
    expect(bad.text).toContain("lead_ids");
  });

  it("reads seniority from titles", () => {
    expect(seniorityOf("Chief Revenue Officer")).toBe(4);
    expect(seniorityOf("VP of Sales")).toBe(3);
    expect(seniorityOf("Head of Data")).toBe(2);
    expect(seniorityOf("Sales Operations Manager")).toBe(1);
    expect(seniorityOf("Data Analyst")).toBe(0);
  });
});
