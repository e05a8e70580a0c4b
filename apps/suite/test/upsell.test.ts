import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGuard, guardConfig, guardMigrations } from "@revops/guards";
import { connectGuarded, type GuardedHarness } from "@revops/guards/testing";
import { type KeyValue, migrate, openKv, openSql, type SqlDb } from "@revops/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSuiteModules } from "../src/server";

const config = guardConfig({
  GUARD_QUIET_HOURS: "off",
  GUARD_TOKEN_SECRET: "suite-upsell-test-secret-0123456789abcdef",
});
const now = () => new Date();
// biome-ignore lint/suspicious/noExplicitAny: the test reads structured results field by field
const d = (r: { data?: unknown }): any => r.data;

describe("cs upsell_create in the suite: through the sales server's CRM port, visible to sales deals_list", () => {
  let guardDb: SqlDb;
  let kv: KeyValue;
  let h: GuardedHarness;

  beforeAll(async () => {
    guardDb = await openSql({ dataDir: mkdtempSync(join(tmpdir(), "suite-upsell-guard-")) });
    await migrate(guardDb, guardMigrations);
    kv = await openKv({});
    const guard = createGuard({ config, sql: async () => guardDb, kv: async () => kv, now, sandbox: true });
    h = await connectGuarded({
      modules: createSuiteModules(),
      guard,
      env: { SANDBOX_SCALE: "0.3" },
      elicitation: true,
    });
    h.as("alice");
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    await guardDb?.close();
    await kv?.close();
  });

  it("the confirmed plan creates one expansion deal that sales lists, and the health weights are one definition", async () => {
    const signals = await h.call("expansion_signals", { limit: 1 });
    expect(signals.isError, signals.text).toBe(false);
    const top = d(signals).accounts[0] as { account_id: string; potential: number };
    const args = { account_id: top.account_id, close_date: "2027-03-31" };
    h.answerWith((p) => ({
      action: "accept",
      content: { confirmation: String(p.message.split("type: ").at(-1)) },
    }));
    const r = await h.call("upsell_create", args);
    expect(r.isError, r.text).toBe(false);
    expect(d(r).written.system).toBe("sandbox");
    const listed = await h.call("deals_list", { account_id: top.account_id, type: "expansion", limit: 50 });
    expect(listed.isError, listed.text).toBe(false);
    const deals = (d(listed).deals ?? d(listed).rows) as { id: string; amount: number }[];
    expect(deals.find((x) => x.id === d(r).deal_id)?.amount).toBe(top.potential);
    // new weights: customer_360 (the suite's account view sales uses) scores as customer success does
    const w = await h.call("health_model_update", { weights: { usage: 0.1, nps: 0.45 } });
    expect(w.isError, w.text).toBe(false);
    const [c360, cs] = await Promise.all([
      h.call("customer_360", { account_id: top.account_id }),
      h.call("account_health", { account_id: top.account_id }),
    ]);
    expect(cs.isError, cs.text).toBe(false);
    expect(d(cs).meta.method).toMatch(/weights v2/);
    if (d(c360).health) expect(d(c360).health.score).toBe(d(cs).score);
  });
});
