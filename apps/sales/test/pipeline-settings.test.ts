import { randomUUID } from "node:crypto";
import { sandboxDatabase, sandboxNow } from "@revops/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SqlPipelineSettings } from "../src/integrations/sandbox/pipeline-settings";
import { approvalIdIn, connectSalesWithSafety, phraseIn, type SalesHarness } from "./deal-update-harness";

let h: SalesHarness;
beforeAll(async () => {
  h = await connectSalesWithSafety();
});
afterAll(async () => h?.close());

const sql = async () => sandboxDatabase(h.runtime);
const quotaOf = async (owner: string, quarter: string) =>
  Number(
    (
      await (
        await sql()
      ).one<{ amount: number }>("SELECT amount FROM sb_quotas WHERE owner_id = ? AND quarter = ?", [
        owner,
        quarter,
      ])
    )?.amount,
  );
const rep = (r: { data: Record<string, unknown> }, id: string) =>
  (r.data.reps as { owner_id: string; quota: number; weighted_pipeline: number }[]).find(
    (l) => l.owner_id === id,
  );

describe("pipeline_settings on the sandbox, through the official MCP client and the safety stack", () => {
  it("views stages, quotas and the ICP freely: no plan, no human", async () => {
    const before = h.elicited.length;
    h.mode("approval"); // even where every guarded call must be queued, a view runs at once
    const r = await h.call("pipeline_settings", { action: "view" });
    h.resetMode();
    expect(r.isError, r.text).toBe(false);
    expect(h.elicited.length).toBe(before);
    expect(r.data.stages.map((s: { probability: number }) => s.probability)).toEqual([
      10, 25, 50, 75, 100, 0,
    ]);
    expect(new Set(r.data.quotas.map((q: { quarter: string }) => q.quarter))).toEqual(
      new Set(["2026-Q4", "2027-Q1"]),
    );
    expect(r.data.quotas.every((q: { set_by: string }) => q.set_by === "seed")).toBe(true);
    expect(r.data.icp.size_bands).toEqual(["51-200", "201-1000"]);
    expect(r.data.changes).toEqual([]);
    expect(r.data.written).toBeNull();
  });

  it("names the field and the fix for every bad value", async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{}, /No setting to change[\s\S]*quota\.<rep/],
      [{ "probabilities.proposal": 120 }, /set\.probabilities\.proposal: 120 is out of range[\s\S]*0 to 100/],
      [{ "probabilities.proposal": 20 }, /set\.probabilities\.proposal: 20% is below qualification's 25%/],
      [
        { "probabilities.won": 50 },
        /set\.probabilities\.won: unknown stage[\s\S]*prospecting, qualification/,
      ],
      [{ "probabilities.closed_won": 90 }, /closed stages are fixed/],
      [{ "probabilities.proposal": "high" }, /set\.probabilities\.proposal: "high" is not a number/],
      [{ "quota.Nobody.2026-Q4": 1 }, /set\.quota\.Nobody\.2026-Q4: no sales rep/],
      [{ "quota.usr_02.Q4": 1 }, /set\.quota\.usr_02\.Q4: "Q4" is not a quarter[\s\S]*YYYY-Qn/],
      [{ "quota.usr_02.2026-Q4": -5 }, /set\.quota\.usr_02\.2026-Q4: -5 is not a positive[\s\S]*above 0/],
      [{ "icp.industries": ["Mining"] }, /set\.icp\.industries\[0\]: unknown value "Mining"[\s\S]*Software/],
      [{ "icp.size_bands": ["huge"] }, /set\.icp\.size_bands\[0\][\s\S]*1-50/],
      [{ "icp.regions": "NA" }, /set\.icp\.regions: is not a list/],
      [{ territory: "west" }, /set\.territory: is not a setting[\s\S]*Keys: probabilities/],
      [{ "probabilities.prospecting": 10 }, /already have these values/],
    ];
    for (const [args, message] of cases) {
      const r = await h.call("pipeline_settings", { action: "update", set: args, dry_run: true });
      expect(r.isError, JSON.stringify(args)).toBe(true);
      expect(r.text, JSON.stringify(args)).toMatch(message);
    }
  });

  it("previews before → after per field and changes nothing", async () => {
    const before = await quotaOf("usr_02", "2026-Q4");
    const r = await h.call("pipeline_settings", {
      action: "update",
      set: { "probabilities.proposal": 55, "quota.Jordan Brooks.2026-Q4": 120_000 },
      dry_run: true,
    });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.plan.changes).toEqual([
      { field: "probabilities.proposal", before: 50, after: 55 },
      { field: "quota.usr_02.2026-Q4", before, after: 120_000 },
    ]);
    expect(await quotaOf("usr_02", "2026-Q4")).toBe(before);
  });

  it("applies a confirmed update once; quota_attainment reads it at once; journalled", async () => {
    const was = await h.call("quota_attainment", { quarter: "2026-Q4" });
    h.answerWith((p) => ({ action: "accept", content: { confirmation: phraseIn(p.message) ?? "" } }));
    const r = await h.callAsking("pipeline_settings", {
      action: "update",
      set: {
        "probabilities.proposal": 60,
        "probabilities.negotiation": 80,
        "quota.jordan.brooks@northwind-analytics.com.2026-Q4": 150_000,
        "icp.regions": ["NA", "EMEA", "APAC"],
      },
    });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.changes.map((c: { field: string }) => c.field)).toEqual([
      "probabilities.proposal",
      "probabilities.negotiation",
      "icp.regions",
      "quota.usr_02.2026-Q4",
    ]);
    expect(r.data.written).toEqual({ system: "sandbox", id: "pipeline_settings" });
    expect(r.data.icp.regions).toEqual(["NA", "EMEA", "APAC"]);
    expect(await quotaOf("usr_02", "2026-Q4")).toBe(150_000);
    const now = await h.call("quota_attainment", { quarter: "2026-Q4" });
    expect(rep(now, "usr_02")?.quota).toBe(150_000);
    expect(rep(now, "usr_02")?.weighted_pipeline).toBeGreaterThanOrEqual(
      rep(was, "usr_02")?.weighted_pipeline ?? 0,
    );
    expect(now.data.meta.inputs.probabilities).toContain("proposal 60%");
    const journal = await (await sql()).query<{ field: string }>(
      "SELECT field FROM sb_changes WHERE entity = 'pipeline_settings' ORDER BY field",
    );
    expect(journal.map((j) => j.field)).toContain("quota.usr_02.2026-Q4");
    const view = await h.call("pipeline_settings", {});
    expect(view.data.updated_by).not.toBeNull();
  });

  it("queues for approval when configured so, and runs exactly the approved plan", async () => {
    h.mode("approval");
    const queued = await h.call("pipeline_settings", {
      action: "update",
      set: { "probabilities.prospecting": 15 },
    });
    const id = approvalIdIn(queued.text) as string;
    expect(id, queued.text).toBeTruthy();
    await h.approve(id);
    const r = await h.call("pipeline_settings", {
      action: "update",
      set: { "probabilities.prospecting": 15 },
      approval_id: id,
    });
    h.resetMode();
    expect(r.isError, r.text).toBe(false);
    expect(r.data.stages[0]).toEqual({ stage: "prospecting", probability: 15 });
  });

  it("writes once per idempotency key: a retry finds the first write and changes nothing", async () => {
    const db = await sql();
    const store = new SqlPipelineSettings(db, () => sandboxNow(db));
    const origin = { principal: "retry-test", idempotencyKey: randomUUID() };
    const quota = { ownerId: "usr_03", quarter: "2027-Q1", amount: 42_000 };
    const change = [{ field: "quota.usr_03.2027-Q1", before: null, after: 42_000 }];
    expect(await store.update({ quotas: [quota] }, change, origin)).toBe(true);
    expect(await store.update({ quotas: [{ ...quota, amount: 1 }] }, change, origin)).toBe(false);
    expect(await quotaOf("usr_03", "2027-Q1")).toBe(42_000);
  });
});
