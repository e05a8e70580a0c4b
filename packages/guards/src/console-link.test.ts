import { afterEach, describe, expect, it } from "vitest";
import { type Setup, setup } from "../test/setup";
import { approvalIdIn } from "./testing";

let s: Setup;
afterEach(async () => {
  await s?.close();
});

const CONSOLE = "https://revops.example.com/console";
const spend = { campaign_id: "cmp_1", amount: 250 };

describe("out-of-band confirmation page", () => {
  it("offers the plan's console page by URL-mode elicitation; accepting it runs nothing", async () => {
    s = await setup({ elicitation: "url", config: { CONSOLE_URL: CONSOLE } });
    // the red-team client: accepts whatever it is asked
    s.h.answerWith(() => ({ action: "accept" }));
    const first = await s.h.call("ad_budget_increase", spend);
    const id = approvalIdIn(first.text) as string;
    expect(first.isError).toBe(true);
    expect(first.text).toContain(`${CONSOLE}/approvals/${id}`);
    expect(s.h.elicited).toEqual([
      expect.objectContaining({ mode: "url", url: `${CONSOLE}/approvals/${id}`, elicitationId: id }),
    ]);
    expect(s.ports.budgets.get("cmp_1")).toBe(100);
    // retrying with the id before a human decided still runs nothing
    expect((await s.h.call("ad_budget_increase", { ...spend, approval_id: id })).isError).toBe(true);
    expect(s.ports.budgets.get("cmp_1")).toBe(100);
    await s.admin.approve(id, "Bea (console)");
    const run = await s.h.call("ad_budget_increase", { ...spend, approval_id: id });
    expect(run.isError, run.text).toBe(false);
    expect(s.ports.budgets.get("cmp_1")).toBe(350);
  });

  it("puts the link in the result for clients without URL elicitation, and never asks them in-band", async () => {
    s = await setup({ elicitation: true, config: { CONSOLE_URL: `${CONSOLE}/` } });
    const r = await s.h.call("ad_budget_increase", spend);
    expect(r.text).toContain(`${CONSOLE}/approvals/${approvalIdIn(r.text)}`);
    expect(s.h.elicited).toHaveLength(0);
  });

  it("names the command line when no console address is configured", async () => {
    s = await setup({ elicitation: "url" });
    const r = await s.h.call("ad_budget_increase", spend);
    expect(r.text).toContain(`revops approvals approve ${approvalIdIn(r.text)}`);
    expect(s.h.elicited).toHaveLength(0);
  });
});
