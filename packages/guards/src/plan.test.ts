import { GUARD_CONTROL_INPUTS } from "@revops/kit";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  canonicalJson,
  confirmationPhrase,
  describePlan,
  formatMoney,
  guardConfigSchema,
  planFacts,
  planHash,
  splitControl,
} from "./index";
import { samePhrase } from "./plan";

describe("plans", () => {
  it("hashes the canonical form: key order and Dates do not matter, values do", () => {
    const a = planHash({ tool: "t", principal: "p", args: { b: 1, a: 2 }, plan: { at: new Date(0) } });
    const b = planHash({
      tool: "t",
      principal: "p",
      args: { a: 2, b: 1 },
      plan: { at: "1970-01-01T00:00:00.000Z" },
    });
    expect(a).toBe(b);
    expect(planHash({ tool: "t", principal: "q", args: { a: 2, b: 1 }, plan: {} })).not.toBe(a);
    expect(canonicalJson(undefined)).toBe("null");
  });

  it("derives confirmation phrases", () => {
    expect(
      confirmationPhrase("destructive", {
        records: [{ id: "1" }, { id: "2" }, { id: "3" }],
        record_type: "deal",
      }),
    ).toBe("delete 3 deals");
    expect(confirmationPhrase("destructive", { records: [{ id: "1", name: "Acme" }] })).toBe("delete Acme");
    expect(confirmationPhrase("destructive", { count: 1, action: "merge" })).toBe("merge 1 record");
    expect(confirmationPhrase("outbound", { recipients: Array(42).fill({ email: "a@b.c" }) })).toBe(
      "send to 42",
    );
    expect(confirmationPhrase("outbound", { count: 3 })).toBe("send 3 records");
    expect(confirmationPhrase("spend", { amount: 1500 })).toBe("$1,500");
    expect(confirmationPhrase("spend", { amount: 99.5, currency: "EUR" })).toBe("€99.5");
    expect(formatMoney(1234.567)).toBe("$1,234.57");
    expect(samePhrase("  DELETE   3 deals", "delete 3 deals")).toBe(true);
    expect(samePhrase(3, "3")).toBe(false);
  });

  it("reads the known facts of a plan and ignores the rest", () => {
    expect(planFacts("not an object")).toEqual({});
    expect(planFacts({ amount: "12" })).toEqual({});
    expect(planFacts({ amount: 12, extra: true })).toMatchObject({ amount: 12, extra: true });
  });

  it("describes and truncates plans", () => {
    expect(describePlan("t", { summary: "Do it", n: 1 })).toBe("t: Do it\nsummary: Do it\nn: 1");
    expect(describePlan("t", { long: "x".repeat(100) }, 50)).toContain("(plan truncated)");
  });
});

describe("guard inputs and config", () => {
  it("splits the guard's arguments from the tool's", () => {
    const schema = z.object({ id: z.string(), ...GUARD_CONTROL_INPUTS });
    const input = schema.parse({ id: "d1", dry_run: true, approval_id: "apr_1" });
    expect(splitControl(input)).toEqual({
      control: { dry_run: true, approval_id: "apr_1" },
      args: { id: "d1" },
    });
    expect(splitControl(null)).toEqual({ control: {}, args: {} });
  });

  it("parses the environment with defaults and clear errors", () => {
    const cfg = guardConfigSchema.parse({
      GUARD_OWN_DOMAINS: "OurCo.com, ourco.de",
      SPEND_CAP_PER_DAY: "250",
    });
    expect(cfg).toMatchObject({
      CONFIRMATION_MODE: "inband",
      GUARD_INBAND_MAX_RECORDS: 1,
      GUARD_HIGH_RISK_TOOLS: [],
      GUARD_OWN_DOMAINS: ["ourco.com", "ourco.de"],
      SPEND_CAP_PER_DAY: 250,
      GUARD_QUIET_HOURS: "20-8",
    });
    expect(guardConfigSchema.safeParse({ GUARD_QUIET_HOURS: "late" }).success).toBe(false);
    expect(guardConfigSchema.safeParse({ GUARD_TOKEN_SECRET: "short" }).success).toBe(false);
  });
});

describe("a guard whose kind the arguments decide", () => {
  it("plans a ticket update with a public reply as outbound and one without as destructive", async () => {
    const { computePlan } = await import("./planned");
    const spec = {
      kind: (input: { reply?: string }) => (input.reply ? ("outbound" as const) : ("destructive" as const)),
      preview: () => ({ summary: "update" }),
    };
    const call = (input: unknown) =>
      ({ entry: { name: "ticket_update" }, ctx: { principal: { id: "p" } }, input }) as never;
    expect((await computePlan(call({ reply: "hi" }), spec as never)).kind).toBe("outbound");
    expect((await computePlan(call({ status: "open" }), spec as never)).kind).toBe("destructive");
  });
});
