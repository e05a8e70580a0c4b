import type { GuardedHarness } from "@revops/guards/testing";
import type { SqlDb } from "@revops/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GuardedSandbox, guardedSandbox, typeThePhrase } from "./guarded";

/** health_model / health_model_update and upsell_create on the sandbox, through the guard and the MCP client. */
// biome-ignore lint/suspicious/noExplicitAny: the test reads structured results field by field
const d = (r: { data?: unknown }): any => r.data;
type Bands = Record<"high" | "medium" | "low", { accounts: number }>;

let g: GuardedSandbox;
let h: GuardedHarness;
let db: SqlDb;

beforeAll(async () => {
  g = await guardedSandbox("health_model");
  ({ h, db } = g);
}, 120_000);
afterAll(() => g?.close());

describe("health_model", () => {
  it("shows the default weights as version 1, then a guarded change becomes version 2 that every health tool reads", async () => {
    const v1 = await h.call("health_model", {});
    expect(d(v1).version).toBe(1);
    expect(
      Object.fromEntries(
        d(v1).components.map((c: { component: string; weight: number }) => [c.component, c.weight]),
      ),
    ).toEqual({ usage: 0.35, adoption: 0.2, support: 0.25, nps: 0.2 });
    const before = (await h.call("health_scores", { limit: 1 })).data as { totals: { by_band: Bands } };
    for (const [weights, field] of [
      [{ speed: 0.5 }, /weights\.speed: unknown component/],
      [{ usage: -1 }, /weights\.usage/],
      [{ usage: 0.35 }, /already the active ones/],
    ] as const) {
      const bad = await h.call("health_model_update", { weights, dry_run: true });
      expect(bad.isError).toBe(true);
      expect(bad.text).toMatch(field);
    }
    // sums to 1.2: normalised and said
    const weights = { usage: 0.6, nps: 0.1 };
    const dry = await h.call("health_model_update", { weights, note: "usage predicts churn", dry_run: true });
    expect(dry.isError, dry.text).toBeFalsy();
    const plan = d(dry).plan;
    expect(plan.normalised).toMatch(/summed to 1\.15/);
    expect(plan.changes.usage.before).toBe(0.35);
    expect(plan.record_type).toBe("health model");
    const moves = plan.band_changes as { changed: number; moves: Record<string, number> };
    expect(moves.changed).toBeGreaterThan(0);
    typeThePhrase(h);
    const r = await h.call("health_model_update", { weights, note: "usage predicts churn" });
    expect(r.isError, r.text).toBe(false);
    expect(d(r)).toMatchObject({ version: 2, recovered: false, accounts_changing_band: moves.changed });
    const stored = await db.one<{ weights: string; principal: string }>(
      "SELECT weights, principal FROM sb_health_weights WHERE version = 2",
    );
    expect(JSON.parse(String(stored?.weights))).toEqual(d(r).weights);
    expect(stored?.principal).toBe("alice");
    const journal = await db.one<{ n: number }>(
      "SELECT COUNT(*) AS n FROM sb_changes WHERE entity = 'health_model'",
    );
    expect(Number(journal?.n)).toBe(1);

    // every band's net change equals the moves the plan counted
    const after = (await h.call("health_scores", { limit: 1 })).data as {
      totals: { by_band: Bands };
      meta: { method: string };
    };
    expect(after.meta.method).toMatch(/weights v2/);
    for (const band of ["high", "medium", "low"] as const) {
      const net = Object.entries(moves.moves).reduce((t, [k, n]) => {
        const [from, to] = k.split("→");
        return t + (to === band ? n : 0) - (from === band ? n : 0);
      }, 0);
      expect(after.totals.by_band[band].accounts - before.totals.by_band[band].accounts).toBe(net);
    }
    const v2 = await h.call("health_model", {});
    expect(d(v2).version).toBe(2);
    expect(d(v2).versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    const one = await h.call("account_health", { account_id: "acc_0001" });
    if (!one.isError) expect(d(one).meta.method).toMatch(/weights v2/);
  });
});

describe("upsell_create", () => {
  it("creates the expansion deal of a signal once in the sandbox CRM, journalled, and refuses an account without one", async () => {
    const signals = await h.call("expansion_signals", { limit: 1 });
    const top = d(signals).accounts[0] as { account_id: string; account_name: string; potential: number };
    const args = { account_id: top.account_id, close_date: "2027-03-31" };
    const dry = await h.call("upsell_create", { ...args, dry_run: true });
    expect(dry.isError, dry.text).toBeFalsy();
    expect(d(dry).plan).toMatchObject({ action: "create", record_type: "deal", system: "sandbox" });
    expect(d(dry).plan.record).toMatchObject({
      amount: top.potential,
      type: "expansion",
      stage: "prospecting",
    });
    typeThePhrase(h);
    const r = await h.call("upsell_create", args);
    expect(r.isError, r.text).toBe(false);
    const deal = await db.one<Record<string, unknown>>("SELECT * FROM sb_deals WHERE id = ?", [d(r).deal_id]);
    expect(deal).toMatchObject({ account_id: top.account_id, type: "expansion", amount: top.potential });
    const owner = await db.one<{ owner_id: string }>("SELECT owner_id FROM sb_accounts WHERE id = ?", [
      top.account_id,
    ]);
    expect(deal?.owner_id).toBe(owner?.owner_id);
    const journal = await db.one<{ n: number }>("SELECT COUNT(*) AS n FROM sb_changes WHERE record_id = ?", [
      d(r).deal_id,
    ]);
    expect(Number(journal?.n)).toBeGreaterThan(0);
    const none = await h.call("upsell_create", { ...args, account_id: "acc_9999", dry_run: true });
    expect(none.isError).toBe(true);
    expect(none.text).toContain("account_id");
  });
});
