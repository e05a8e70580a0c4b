import { afterEach, describe, expect, it } from "vitest";
import { type Setup, setup } from "../test/setup";
import { approvalIdIn } from "./testing";

let s: Setup;
afterEach(async () => {
  await s?.close();
});

const spend = (amount: number, campaign_id = "cmp_1") => ({ campaign_id, amount });
/** A client that answers its own elicitation with the phrase it was shown (the red-team client). */
const answerOwnElicitation = (s: Setup) =>
  s.h.answerWith((p) => ({
    action: "accept",
    content: { confirmation: /type: (.*)$/.exec(p.message)?.[1] ?? "" },
  }));
/** Spend is high risk: a human approves it in the queue, then the call runs with the approval. */
const viaQueue = async (tool: string, args: Record<string, unknown>) => {
  const first = await s.h.call(tool, args);
  const id = approvalIdIn(first.text);
  if (!id) return first; // refused before anyone was asked (caps, rules)
  await s.admin.approve(id, "Bea");
  return s.h.call(tool, { ...args, approval_id: id });
};

describe("money caps", () => {
  it("refuses a call over the per-call cap and says what remains", async () => {
    s = await setup({ elicitation: true, config: { SPEND_CAP_PER_CALL: 200 } });
    const r = await s.h.call("ad_budget_increase", spend(250));
    expect(r.text).toContain("This plan spends $250, over the per-call cap $200: $0 used, $200 remaining");
    expect(s.h.elicited).toHaveLength(0);
    expect(s.decisions[0]?.outcome).toBe("denied");
  });

  it("counts spend per campaign, per day and per month, only after success", async () => {
    s = await setup({
      elicitation: true,
      config: { SPEND_CAP_PER_CAMPAIGN: 300, SPEND_CAP_PER_DAY: 400, SPEND_CAP_PER_MONTH: 450 },
    });
    s.ports.failNext = true;
    expect((await viaQueue("ad_budget_increase", spend(200))).isError).toBe(true);
    expect(await s.state.caps.spent()).toBe(0);
    expect((await viaQueue("ad_budget_increase", spend(200))).isError).toBe(false);
    expect(await s.state.caps.spent("cmp_1")).toBe(200);
    expect((await viaQueue("ad_budget_increase", spend(150))).text).toContain(
      "per-campaign cap $300: $200 used, $100 remaining",
    );
    expect((await viaQueue("ad_budget_increase", spend(150, "cmp_2"))).isError).toBe(false);
    expect((await viaQueue("ad_budget_increase", spend(60, "cmp_3"))).text).toContain(
      "daily cap (UTC day) $400",
    );
    s.clock.ms += 86_400_000;
    const nextDay = await viaQueue("ad_budget_increase", spend(120, "cmp_3"));
    // Same month unless the clock crossed into the next one.
    if (new Date(s.clock.ms).getUTCDate() !== 1)
      expect(nextDay.text).toContain("monthly cap (UTC month) $450");
  });

  it("refuses a spend tool whose plan does not state the amount", async () => {
    s = await setup();
    const brokenPlan = { kind: "spend" as const, preview: () => ({ summary: "no amount" }) };
    const tool = s.h.app.tools.find((t) => t.name === "ad_budget_increase");
    // A copy: the definition itself is shared by every test server.
    if (tool) tool.def = { ...tool.def, guard: brokenPlan };
    expect((await s.h.call("ad_budget_increase", spend(10))).text).toContain(
      "does not state amount and campaign_id",
    );
  });

  it("re-checks caps atomically at execution", async () => {
    s = await setup({ config: { SPEND_CAP_PER_CAMPAIGN: 300 } });
    const a = (await s.h.call("ad_budget_increase", spend(200))).text;
    const b = (await s.h.call("ad_budget_increase", spend(200))).text;
    const [ida, idb] = [a, b].map((t) => /apr_[\w-]+/.exec(t)?.[0] as string);
    await s.admin.approve(ida as string, "Bea");
    await s.admin.approve(idb as string, "Bea");
    const runs = await Promise.all([
      s.h.call("ad_budget_increase", { ...spend(200), approval_id: ida }),
      s.h.call("ad_budget_increase", { ...spend(200), approval_id: idb }),
    ]);
    expect(runs.filter((r) => !r.isError)).toHaveLength(1);
    expect(runs.find((r) => r.isError)?.text).toContain("per-campaign cap");
    expect(await s.state.caps.spent("cmp_1")).toBe(200);
  });

  it("raises a cap only when a human approves it out of band, never by a client answering itself", async () => {
    s = await setup({ elicitation: true, config: { SPEND_CAP_PER_CALL: 100 } });
    answerOwnElicitation(s);
    expect((await viaQueue("ad_budget_increase", spend(150))).isError).toBe(true);
    const plan = await s.h.call("caps_update", { scope: "per_call", amount: 2000, dry_run: true });
    expect(plan.text).toContain("Raise the per-call spending cap from $100 to $2,000");
    expect(plan.text).toContain("high risk: it moves money or a spending limit");
    // the red-team case: an SDK client that answers its own elicitation, phrase included, in every mode
    for (const mode of ["inband", "token", "approval", "deny"] as const) {
      s.config.CONFIRMATION_MODE = mode;
      const self = await s.h.call("caps_update", { scope: "per_call", amount: 4242 });
      expect(self.isError, mode).toBe(true);
    }
    expect(s.h.elicited).toHaveLength(0);
    expect((await s.state.caps.caps()).per_call).toBe(100);
    s.config.CONFIRMATION_MODE = "inband";
    const r = await viaQueue("caps_update", { scope: "per_call", amount: 2000 });
    expect(r.data).toEqual({ scope: "per_call", previous: 100, amount: 2000, currency: "USD" });
    expect((await viaQueue("ad_budget_increase", spend(150))).isError).toBe(false);
  });
});
