import { afterEach, describe, expect, it } from "vitest";
import { type Setup, setup } from "../test/setup";
import { APPROVE_TOOL, CARD_META, CARD_URI, type CardOffer } from "./card";
import { approvalIdIn } from "./testing";

let s: Setup;
afterEach(async () => {
  await s?.close();
});

const low = { deal_id: "d1", stage: "won" };
const offerIn = (r: { meta: Record<string, unknown> | undefined }) =>
  r.meta?.[CARD_META] as CardOffer | undefined;
const decide = (o: CardOffer, decision: "approve" | "cancel" = "approve", secret = o.secret) =>
  s.h.call(APPROVE_TOOL, { tool: o.tool, arguments: o.arguments, secret, decision });

/** A card for the low-risk plan, from a client that renders views and cannot elicit. */
async function cardFor(args: Record<string, unknown> = low): Promise<CardOffer> {
  const r = await s.h.call("deal_update", args);
  expect(r.isError, r.text).toBe(true);
  const offer = offerIn(r);
  expect(offer).toBeDefined();
  // the model reads the text: the plan, never the secret
  expect(r.text).toContain("confirmation card");
  expect(r.text).not.toContain((offer as CardOffer).secret);
  return offer as CardOffer;
}

describe("confirmation card (MCP Apps)", () => {
  it("lists the card on guarded tools and plan_approve for the app only", async () => {
    s = await setup({ views: true });
    const { tools } = await s.h.client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t._meta as Record<string, unknown>]));
    expect(byName.get("deal_update")).toMatchObject({ ui: { resourceUri: CARD_URI } });
    expect(byName.get(APPROVE_TOOL)).toMatchObject({ ui: { resourceUri: CARD_URI, visibility: ["app"] } });
    expect(byName.get("deals_list")?.ui).toBeUndefined();
    const html = await s.h.client.readResource({ uri: CARD_URI });
    expect((html.contents[0] as { text?: string }).text).toContain("Confirm a plan");
  });

  it("shows a low-risk plan on a card; Approve runs exactly that plan once", async () => {
    s = await setup({ views: true });
    const offer = await cardFor();
    expect(offer).toMatchObject({ tool: "deal_update", arguments: low, approve_tool: APPROVE_TOOL });
    expect(offer.plan).toMatchObject({
      records: [{ id: "d1", changes: { stage: { from: "proposal", to: "won" } } }],
    });
    expect(s.ports.deals.get("d1")?.stage).toBe("proposal");
    const run = await decide(offer);
    expect(run.isError, run.text).toBe(false);
    expect(s.ports.deals.get("d1")?.stage).toBe("won");
    expect(s.ports.writes).toHaveLength(1);
    // replayed: the plan it covered has run (its data moved on) and the secret is spent
    const again = await decide(offer);
    expect(again.isError).toBe(true);
    expect(again.text).toMatch(/already used|different plan/);
    expect(s.ports.writes).toHaveLength(1);
    expect(s.decisions.map((d) => d.detail)).toContain("confirmed in the confirmation card");
  });

  it("executes nothing without the secret, with a forged one, another caller's, or for other arguments", async () => {
    s = await setup({ views: true });
    const offer = await cardFor();
    const missing = await s.h.call(APPROVE_TOOL, {
      tool: "deal_update",
      arguments: low,
      decision: "approve",
    });
    expect(missing.isError).toBe(true);
    expect(missing.text).toContain("secret");
    const [body, sig] = offer.secret.split(".");
    const forged = `${Buffer.from(
      Buffer.from(body as string, "base64url")
        .toString()
        .replace("d1", "d2"),
    ).toString("base64url")}.${sig}`;
    expect((await decide(offer, "approve", forged)).text).toContain("signature is not valid");
    expect((await decide(offer, "approve", "made-up")).isError).toBe(true);
    // the model's own attempt: the approve tool with arguments the card did not show
    const other = await s.h.call(APPROVE_TOOL, {
      tool: "deal_update",
      arguments: { deal_id: "d2", stage: "lost" },
      secret: offer.secret,
      decision: "approve",
    });
    expect(other.text).toContain("different arguments");
    s.h.as("mallory");
    expect((await decide(offer)).text).toMatch(/different caller|no tool/);
    expect(s.ports.writes).toHaveLength(0);
    // none of these used the secret up: the human's Approve still works
    s.h.as("alice");
    expect((await decide(offer)).isError).toBe(false);
    expect(s.ports.writes).toHaveLength(1);
  });

  it("refuses a stale plan, an expired card, control arguments, and unguarded tools", async () => {
    s = await setup({ views: true });
    const offer = await cardFor();
    s.ports.deals.set("d1", { id: "d1", name: "Acme renewal", stage: "negotiation", amount: 12000 });
    expect((await decide(offer)).text).toContain("plan (the data changed");
    const fresh = await cardFor();
    s.clock.ms += (s.config.GUARD_TOKEN_TTL_SECONDS + 1) * 1000;
    expect((await decide(fresh)).text).toContain("expired");
    const third = await cardFor();
    const withId = await s.h.call(APPROVE_TOOL, {
      tool: "deal_update",
      arguments: { ...low, approval_id: "apr_x" },
      secret: third.secret,
      decision: "approve",
    });
    expect(withId.text).toContain("cannot carry approval_id");
    const read = await s.h.call(APPROVE_TOOL, {
      tool: "deals_list",
      arguments: {},
      secret: "x",
      decision: "approve",
    });
    expect(read.text).toContain("not confirmed by a card");
    const itself = await s.h.call(APPROVE_TOOL, {
      tool: APPROVE_TOOL,
      arguments: {},
      secret: "x",
      decision: "approve",
    });
    expect(itself.isError).toBe(true);
    const unknown = await s.h.call(APPROVE_TOOL, {
      tool: "nope",
      arguments: {},
      secret: "x",
      decision: "approve",
    });
    expect(unknown.text).toContain("no tool nope");
    expect(s.ports.writes).toHaveLength(0);
  });

  it("Cancel runs nothing and spends the secret", async () => {
    s = await setup({ views: true });
    const offer = await cardFor();
    expect((await decide(offer, "cancel")).text).toContain("cancelled");
    expect((await decide(offer)).text).toContain("already used");
    expect(s.ports.writes).toHaveLength(0);
    expect(s.decisions.some((d) => d.outcome === "rejected")).toBe(true);
  });

  it("never puts a high-risk plan on a card: it is queued", async () => {
    s = await setup({ views: true });
    const r = await s.h.call("ad_budget_increase", { campaign_id: "cmp_1", amount: 50 });
    expect(offerIn(r)).toBeUndefined();
    expect(approvalIdIn(r.text)).toBeDefined();
    expect(s.ports.budgets.get("cmp_1")).toBe(100);
  });

  it("never offers or honours a card in approval or deny mode", async () => {
    s = await setup({ views: true });
    const offer = await cardFor();
    for (const mode of ["approval", "deny"] as const) {
      s.config.CONFIRMATION_MODE = mode;
      const r = await s.h.call("deal_update", low);
      expect(offerIn(r)).toBeUndefined();
      expect((await decide(offer)).text).toContain(`CONFIRMATION_MODE=${mode}`);
    }
    expect(s.ports.writes).toHaveLength(0);
  });

  it("prefers form elicitation when the client has it, and shows no card to clients without views", async () => {
    s = await setup({ views: true, elicitation: true });
    s.h.answerWith(() => ({ action: "cancel" }));
    const r = await s.h.call("deal_update", low);
    expect(offerIn(r)).toBeUndefined();
    expect(s.h.elicited).toHaveLength(1);
    await s.close();
    s = await setup();
    expect(offerIn(await s.h.call("deal_update", low))).toBeUndefined();
  });
});
