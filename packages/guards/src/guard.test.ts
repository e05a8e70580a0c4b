import { afterEach, describe, expect, it } from "vitest";
import { type Setup, setup } from "../test/setup";
import { createGuard, guardConfig } from "./index";
import { approvalIdIn, tokenIn } from "./testing";

let s: Setup;
afterEach(async () => {
  await s?.close();
});

const accept = (confirmation: string) => () => ({ action: "accept" as const, content: { confirmation } });

describe("guard: passing through and previews", () => {
  it("lets tools without a guard run untouched", async () => {
    s = await setup();
    const r = await s.h.call("deals_list");
    expect(r.data?.ids).toEqual(["d1", "d2", "d3"]);
  });

  it("answers a dry run with the exact plan and changes nothing", async () => {
    s = await setup({ elicitation: true });
    const r = await s.h.call("deals_delete", { deal_ids: ["d1", "d2"], dry_run: true });
    expect(r.isError).toBeFalsy();
    expect(r.data).toMatchObject({ dry_run: true, approval_required: expect.any(Array) });
    expect(r.text).toContain("Dry run, nothing was changed");
    expect(r.text).toContain("Acme renewal");
    expect(r.text).toMatch(/Plan hash: [0-9a-f]{64}/);
    expect(s.h.elicited).toHaveLength(0);
    expect(s.ports.deals.size).toBe(3);
    expect(s.decisions.map((d) => d.outcome)).toEqual(["previewed"]);
  });

  it("says in a dry run when the plan will need the approval queue", async () => {
    s = await setup({ config: { GUARD_BULK_APPROVAL_OVER: 1 } });
    const r = await s.h.call("deals_delete", { deal_ids: ["d1", "d2"], dry_run: true });
    expect(r.text).toContain("2 records is over the 1");
  });

  it("refuses to start in token mode without a secret", () => {
    expect(() =>
      createGuard({
        config: guardConfig({ CONFIRMATION_MODE: "token" }),
        sql: async () => {
          throw new Error("unused");
        },
        kv: async () => {
          throw new Error("unused");
        },
      }),
    ).toThrow(/GUARD_TOKEN_SECRET/);
  });
});

describe("guard: elicitation for low-risk plans", () => {
  it("executes exactly the plan the human confirmed with the phrase", async () => {
    s = await setup({ elicitation: true });
    s.h.answerWith(accept("Update Initech pilot "));
    const r = await s.h.call("deal_update", { deal_id: "d3", stage: "won", confirm: true });
    expect(r.isError).toBe(false);
    expect(r.data).toEqual({ id: "d3", stage: "won" });
    expect(s.h.elicited[0]?.message).toContain("To run exactly this plan, type: update Initech pilot");
    expect(s.decisions.map((d) => d.outcome)).toEqual(["confirmed"]);
  });

  it("derives the phrase from the record name or the recipient count", async () => {
    s = await setup({ elicitation: true });
    s.h.answerWith(accept("update Initech pilot"));
    expect((await s.h.call("deal_update", { deal_id: "d3", stage: "won" })).isError).toBe(false);
    s.h.answerWith(accept("send to 2"));
    const sent = await s.h.call("email_send", {
      to: [{ email: "a@example.com" }, { email: "b@example.com" }],
      subject: "Hi",
    });
    expect(sent.data).toEqual({ sent: 2 });
  });

  it("never asks in band for a high-risk plan: deletes, bulk changes, spend, many recipients", async () => {
    s = await setup({ elicitation: true });
    // a client answering its own elicitation with whatever phrase it is shown
    s.h.answerWith((p) => ({
      action: "accept",
      content: { confirmation: /type: (.*)$/.exec(p.message)?.[1] ?? "" },
    }));
    const to = ["a", "b", "c", "d"].map((n) => ({ email: `${n}@example.com` }));
    for (const [tool, args, why] of [
      ["deals_delete", { deal_ids: ["d1"] }, "it is a delete"],
      ["ad_budget_increase", { campaign_id: "cmp_1", amount: 50 }, "it moves money"],
      ["email_send", { to, subject: "Hi" }, "it goes to 4 people"],
    ] as const) {
      const r = await s.h.call(tool, args);
      expect(r.isError).toBe(true);
      expect(r.text).toContain(why);
      expect(approvalIdIn(r.text), tool).toBeDefined();
    }
    expect(s.h.elicited).toHaveLength(0);
    expect(s.ports.deals.size).toBe(3);
    expect(s.ports.outbox).toHaveLength(0);
    s.config.GUARD_HIGH_RISK_TOOLS = ["deal_update"];
    expect((await s.h.call("deal_update", { deal_id: "d3", stage: "won" })).text).toContain(
      "deal_update is configured as high risk",
    );
  });

  it("does nothing on decline, cancel or a wrong phrase, and says so", async () => {
    s = await setup({ elicitation: true });
    const call = () => s.h.call("deal_update", { deal_id: "d1", stage: "won" });
    s.h.answerWith(() => ({ action: "decline" }));
    expect((await call()).text).toContain("the user declined");
    s.h.answerWith(() => ({ action: "cancel" }));
    expect((await call()).text).toContain("cancelled");
    s.h.answerWith(accept("update 2 deals"));
    expect((await call()).text).toContain('did not match "update Acme renewal"');
    expect(s.ports.deals.get("d1")?.stage).not.toBe("won");
    expect(s.decisions.map((d) => d.outcome)).toEqual(["rejected", "rejected", "rejected"]);
  });

  it("refuses a plan that changed while the human was confirming", async () => {
    s = await setup({ elicitation: true });
    s.h.answerWith(() => {
      const d = s.ports.deals.get("d3");
      if (d) d.stage = "lost";
      return { action: "accept", content: { confirmation: "update Initech pilot" } };
    });
    const r = await s.h.call("deal_update", { deal_id: "d3", stage: "won" });
    expect(r.text).toContain("the data changed");
    expect(s.ports.deals.get("d3")?.stage).toBe("lost");
  });

  it("approval and deny modes never confirm in band", async () => {
    s = await setup({ elicitation: true, config: { CONFIRMATION_MODE: "approval" } });
    s.h.answerWith(accept("update Initech pilot"));
    const queued = await s.h.call("deal_update", { deal_id: "d3", stage: "won" });
    expect(approvalIdIn(queued.text)).toBeDefined();
    s.config.CONFIRMATION_MODE = "deny";
    const r = await s.h.call("deal_update", { deal_id: "d3", stage: "won" });
    expect(r.text).toContain("CONFIRMATION_MODE=deny");
    expect(s.h.elicited).toHaveLength(0);
    expect(s.ports.deals.get("d3")?.stage).not.toBe("won");
    expect(s.decisions.at(-1)?.outcome).toBe("denied");
  });
});

describe("guard: approval queue", () => {
  it("queues, lets a named human approve, and runs the approved plan once", async () => {
    s = await setup();
    const first = await s.h.call("deals_delete", { deal_ids: ["d2"] });
    const id = approvalIdIn(first.text) as string;
    expect(first.text).toContain(`revops approvals approve ${id}`);
    expect(first.text).toContain(`approval_id: "${id}"`);
    const pending = await s.admin.listApprovals({ status: "pending" });
    expect(pending.map((a) => a.id)).toEqual([id]);
    expect((await s.admin.showApproval(id)).text).toContain("Globex expansion");
    const approved = await s.admin.approve(id, "Bea (sales ops)");
    expect(approved).toMatchObject({ status: "approved", decidedBy: "Bea (sales ops)" });
    const run = await s.h.call("deals_delete", { deal_ids: ["d2"], approval_id: id });
    expect(run.data).toEqual({ deleted: 1 });
    expect((await s.admin.showApproval(id)).status).toBe("executed");
    await expect(s.admin.approve(id, "Bea")).rejects.toThrow(/is executed, not pending/);
    expect(s.decisions.map((d) => [d.outcome, d.approvalId])).toEqual([
      ["previewed", id],
      ["confirmed", id],
      ["confirmed", id],
    ]);
  });

  it("refuses an approved plan whose data changed since", async () => {
    s = await setup();
    const id = approvalIdIn((await s.h.call("deal_update", { deal_id: "d1", stage: "won" })).text) as string;
    await s.admin.approve(id, "Bea");
    const d = s.ports.deals.get("d1");
    if (d) d.stage = "negotiation";
    const r = await s.h.call("deal_update", { deal_id: "d1", stage: "won", approval_id: id });
    expect(r.text).toContain("the data changed since the plan was confirmed");
    expect(s.ports.deals.get("d1")?.stage).toBe("negotiation");
  });

  it("lists expired approvals and refuses to decide them", async () => {
    s = await setup({ config: { GUARD_APPROVAL_TTL_MINUTES: 5 } });
    const id = approvalIdIn((await s.h.call("deals_delete", { deal_ids: ["d3"] })).text) as string;
    s.clock.ms += 6 * 60_000;
    expect((await s.admin.listApprovals({ status: "expired" })).map((a) => a.id)).toEqual([id]);
    await expect(s.admin.reject(id, "Bea")).rejects.toThrow(/expired/);
    await expect(s.admin.showApproval("apr_nope")).rejects.toThrow(/No approval/);
    await expect(s.admin.approve(id, " ")).rejects.toThrow(/Name the human/);
  });
});

describe("guard: plan tokens", () => {
  it("issues a token bound to a low-risk plan and runs it once", async () => {
    s = await setup({ config: { CONFIRMATION_MODE: "token" } });
    const args = { deal_id: "d3", stage: "won" };
    const first = await s.h.call("deal_update", args);
    const token = tokenIn(first.text) as string;
    expect(first.text).toContain("Show the user this plan");
    const run = await s.h.call("deal_update", { ...args, confirmation_token: token });
    expect(run.data).toEqual({ id: "d3", stage: "won" });
    const again = await s.h.call("deal_update", { ...args, confirmation_token: token });
    // The stage moved, so the replay fails on the plan before it would fail on the used token.
    expect(again.text).toContain("Not executed");
    expect(
      tokenIn((await s.h.call("ad_budget_increase", { campaign_id: "cmp_1", amount: 50 })).text),
    ).toBeUndefined();
  });

  it("refuses tokens outside token mode and for plans that need the queue", async () => {
    s = await setup({ config: { CONFIRMATION_MODE: "token" } });
    const args = { deal_id: "d1", stage: "won" };
    const token = tokenIn((await s.h.call("deal_update", args)).text) as string;
    s.config.GUARD_HIGH_RISK_TOOLS = ["deal_update"];
    expect((await s.h.call("deal_update", { ...args, confirmation_token: token })).text).toContain(
      "needs a human's approval, not a token",
    );
    s.config.GUARD_HIGH_RISK_TOOLS = [];
    s.config.CONFIRMATION_MODE = "approval";
    expect((await s.h.call("deal_update", { ...args, confirmation_token: token })).text).toContain(
      "tokens are not accepted",
    );
    expect(s.ports.deals.get("d1")?.stage).not.toBe("won");
  });
});
