import { approvalsAdmin, createGuard, guardConfig, guardMigrations } from "@revops/guards";
import { approvalIdIn, connectGuarded, type GuardedHarness } from "@revops/guards/testing";
import { resetSandbox } from "@revops/sandbox";
import { type KeyValue, migrate, openKv, openSql, type SqlDb } from "@revops/store";
import { tempDataDir } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMarketingServer } from "../src/server";
import { heldOutFigures, type Model, mannWhitney, mean } from "./held-out";

const TOOL = "lead_scoring_model";
const config = guardConfig({
  GUARD_TOKEN_SECRET: "lead-scoring-secret-lead-scoring-secret",
  CONFIRMATION_MODE: "approval",
});

let guardSql: SqlDb;
let kv: KeyValue;
let data: SqlDb;
let h: GuardedHarness;
let admin: ReturnType<typeof approvalsAdmin>;

/**
 * Every lead created 90+ days before the sandbox's today with the model's raw features, from SQL alone: title
 * seniority and buyer function by keyword, the CRM score, campaign touches by kind, the source; oldest first.
 */
async function matureLeads() {
  const today = String((await data.one<{ today: string }>("SELECT today FROM sb_meta"))?.today);
  const cutoff = new Date(Date.parse(today) - 90 * 86_400_000).toISOString().slice(0, 10);
  const t = "LOWER(l.title)";
  const rows = await data.query<Record<string, unknown>>(
    `SELECT l.id, l.source, l.score, l.status, CASE WHEN l.converted_deal_id IS NULL THEN 0 ELSE 1 END AS y,
       CASE WHEN ${t} LIKE '%chief%' THEN 4 WHEN ${t} LIKE 'vp %' OR ${t} LIKE '%vice president%' THEN 3
         WHEN ${t} LIKE '%director%' OR ${t} LIKE '%head%' THEN 2 WHEN ${t} LIKE '%manager%' OR ${t} LIKE '%lead%' THEN 1
         ELSE 0 END AS seniority,
       CASE WHEN ${t} LIKE '%revenue%' OR ${t} LIKE '%sales%' OR ${t} LIKE '%marketing%' OR ${t} LIKE '%financ%'
         OR ${t} LIKE '%analytic%' OR ${t} LIKE '%data%' THEN 1 ELSE 0 END AS buyer,
       (SELECT COUNT(*) FROM sb_campaign_touches c WHERE c.lead_id = l.id) AS touches,
       (SELECT COUNT(*) FROM sb_campaign_touches c WHERE c.lead_id = l.id AND c.touch_type = 'click') AS clicks,
       (SELECT COUNT(*) FROM sb_campaign_touches c WHERE c.lead_id = l.id AND c.touch_type IN ('register', 'attend')) AS regs
     FROM sb_leads l WHERE SUBSTR(l.created_at, 1, 10) < ? ORDER BY l.created_at, l.id`,
    [cutoff],
  );
  return rows.map((r) => {
    const s = String(r.source);
    return {
      id: String(r.id),
      status: String(r.status),
      score: Number(r.score),
      y: Number(r.y),
      x: [
        Number(r.seniority),
        Number(r.buyer),
        Number(r.score),
        Math.log1p(Number(r.touches)),
        Math.log1p(Number(r.clicks)),
        Math.log1p(Number(r.regs)),
        s === "referral" || s === "partner" ? 1 : 0,
        s === "organic" ? 1 : 0,
        s === "outbound" ? 1 : 0,
        s === "event" || s === "webinar" ? 1 : 0,
      ],
    };
  });
}

/** The model's held-out figures recomputed from the SQL rows. */
async function recompute(m: Model) {
  return heldOutFigures(m, await matureLeads());
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26), for the README's score distributions. */
function phi(z: number) {
  const t = 1 / (1 + (0.3275911 * Math.abs(z)) / Math.SQRT2);
  const erf =
    1 -
    t *
      (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) *
      Math.exp(-(z * z) / 2);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

const modelOf = (r: { data?: Record<string, unknown> }) => r.data?.model as Model;
const weightOf = (m: Model, f: string) => m.features.find((x) => x.feature === f)?.weight;
const count = async (sql: string) => Number((await data.one<{ n: number }>(sql))?.n ?? 0);

async function approved(args: Record<string, unknown>) {
  const queued = await h.call(TOOL, args);
  const id = approvalIdIn(queued.text) as string;
  expect(id, queued.text).toBeDefined();
  await admin.approve(id, "marketing-ops");
  return { queued, id, run: await h.call(TOOL, { ...args, approval_id: id }) };
}

beforeAll(async () => {
  const dataDir = tempDataDir("lead-scoring");
  guardSql = await openSql({ dataDir: tempDataDir("lead-scoring-guard") });
  kv = await openKv({});
  await migrate(guardSql, guardMigrations);
  const guard = createGuard({ config, sql: async () => guardSql, kv: async () => kv });
  h = await connectGuarded({
    modules: [createMarketingServer()],
    guard,
    env: { REVOPS_DATA_DIR: dataDir },
  });
  admin = approvalsAdmin({ sql: async () => guardSql, config });
  data = await openSql({ dataDir });
}, 120_000);

afterAll(async () => {
  await h?.close();
  await data?.close();
  await guardSql?.close();
  await kv?.close();
});

describe("lead_scoring_model on the sandbox, through the MCP client", () => {
  let fitted: Model;

  it("view: weights, threshold and held-out AUC, Brier and calibration as SQL and Mann–Whitney recompute them", async () => {
    const before = h.elicited.length;
    const r = await h.call(TOOL, {});
    expect(r.isError, r.text).toBe(false);
    expect(h.elicited.length).toBe(before); // a view needs no human
    fitted = modelOf(r);
    expect(fitted.version).toBe(0);
    const { figures, leads } = await recompute(fitted);
    expect(fitted.held_out).toMatchObject(figures);
    expect(r.data?.meta.inputs).toMatchObject({
      training_leads: Math.floor(leads.length * 0.75),
      held_out_leads: figures.leads,
    });
    expect(r.text).toContain(`held-out AUC ${figures.auc}`);
  });

  it("agrees with the sandbox README's ground truth: the CRM score drives conversion, AUC as its distributions imply", async () => {
    const { leads, test } = await recompute(fitted);
    // README: score = mean by status (converted 64; working 45, MQL 60, SQL 66, disqualified 40, new 38) + N(0, 17)
    const MEAN: Record<string, number> = { new: 38, working: 45, mql: 60, sql: 66, disqualified: 40 };
    const others = leads.filter((l) => l.y === 0);
    const implied = mean(others.map((l) => phi((64 - (MEAN[l.status] ?? 50)) / (17 * Math.SQRT2))));
    expect(implied).toBeGreaterThan(0.65);
    expect(Math.abs(fitted.held_out.auc - implied)).toBeLessThan(0.08);
    // the CRM score alone on the same held-out leads, and the model at least as good within noise
    const alone = mannWhitney(
      test.map((l) => l.score),
      test.map((l) => l.y),
    );
    expect(fitted.held_out.auc).toBeGreaterThan(alone - 0.05);
    const strongest = [...fitted.features].sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight))[0];
    expect(strongest?.feature).toBe("crm_score");
    // README: 15% of all leads convert (fewer of the mature ones: young leads are mostly known when they converted)
    const all = await count("SELECT COUNT(*) AS n FROM sb_leads");
    expect(await count("SELECT COUNT(*) AS n FROM sb_leads WHERE converted_deal_id IS NOT NULL")).toBe(
      Math.round(all * 0.15),
    );
  });

  it("fit proposes the refit read-only; with nothing saved it is the active model", async () => {
    const r = await h.call(TOOL, { action: "fit" });
    expect(r.isError, r.text).toBe(false);
    expect(r.data?.proposal.features).toEqual(fitted.features);
    expect(r.data?.changes).toEqual([]);
    expect(await count("SELECT COUNT(*) AS n FROM sb_lead_scoring_models")).toBe(0);
  });

  it("names the field and the fix for every bad value", async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ action: "update", set: { crm_score: 9 } }, /set\.crm_score: 9 is out of range[\s\S]*-5 to 5/],
      [{ action: "update", set: { intercept: -11 } }, /set\.intercept: -11 is out of range[\s\S]*-10 to 10/],
      [{ action: "update", set: { threshold: 1.5 } }, /set\.threshold: 1\.5 is outside 0–1/],
      [{ action: "update", set: { threshold: -0.1 } }, /set\.threshold: -0\.1 is outside 0–1/],
      [{ action: "update", set: { title: 1 } }, /set\.title: not a weight[\s\S]*crm_score/],
      [{ action: "update", set: { crm_score: "high" } }, /set\.crm_score/],
      [{ action: "view" }, /action view changes nothing/],
    ];
    for (const [args, message] of cases) {
      const r = await h.call(TOOL, { ...args, dry_run: true });
      expect(r.isError, JSON.stringify(args)).toBe(true);
      expect(r.text, JSON.stringify(args)).toMatch(message);
    }
    expect(await count("SELECT COUNT(*) AS n FROM sb_lead_scoring_models")).toBe(0);
  });

  it("update: the plan shows before → after and both held-out AUCs; once approved it saves, journals and serves v1", async () => {
    const args = { action: "update", set: { crm_score: 0.9, threshold: 0.2 } };
    const after = {
      ...fitted,
      threshold: 0.2,
      features: fitted.features.map((f) => (f.feature === "crm_score" ? { ...f, weight: 0.9 } : f)),
    };
    const newAuc = (await recompute(after)).figures.auc;
    const { queued, id, run } = await approved(args);
    expect(queued.text).toContain(`crm_score ${weightOf(fitted, "crm_score")} → 0.9`);
    expect(queued.text).toContain(`threshold ${fitted.threshold} → 0.2`);
    expect(queued.text).toContain(`held-out AUC ${fitted.held_out.auc} → ${newAuc}`);
    expect(run.isError, run.text).toBe(false);
    expect(run.data?.written).toEqual({ system: "sandbox", id: "lead_scoring_model:v1" });
    const v1 = modelOf(run);
    expect(v1).toMatchObject({ version: 1, threshold: 0.2 });
    expect(weightOf(v1, "crm_score")).toBe(0.9);
    expect(v1.held_out).toMatchObject((await recompute(v1)).figures);
    const journal = await data.query<{ field: string; after_value: string }>(
      "SELECT field, after_value FROM sb_changes WHERE entity = 'lead_scoring_model' ORDER BY field",
    );
    expect(journal).toEqual([
      { field: "crm_score", after_value: "0.9" },
      { field: "threshold", after_value: "0.2" },
    ]);
    // the approval again changes nothing
    const again = await h.call(TOOL, { ...args, approval_id: id });
    expect(again.isError).toBe(true);
    expect(await count("SELECT COUNT(*) AS n FROM sb_lead_scoring_models")).toBe(1);
    // the active version is what view serves; fit now differs from it
    expect(modelOf(await h.call(TOOL, {})).version).toBe(1);
    const fit = await h.call(TOOL, { action: "fit" });
    expect(fit.data?.changes).toContainEqual({
      field: "crm_score",
      before: 0.9,
      after: weightOf(fitted, "crm_score"),
    });
  });

  it("update without set saves the refit as v2; the same values again are refused; a reset restores the default", async () => {
    const { run } = await approved({ action: "update" });
    expect(run.isError, run.text).toBe(false);
    expect(modelOf(run).version).toBe(2);
    expect(modelOf(run).features).toEqual(fitted.features);
    const same = await h.call(TOOL, {
      action: "update",
      set: { crm_score: weightOf(fitted, "crm_score") },
      dry_run: true,
    });
    expect(same.text).toMatch(/already has these values/);
    await resetSandbox(data);
    expect(await count("SELECT COUNT(*) AS n FROM sb_lead_scoring_models")).toBe(0);
  });
});
