import { safetyConfigSchema, safetyHooks, safetyModules } from "@revops/safety";
import { connectInProcess } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMarketingServer } from "../src/server";

let s: Awaited<ReturnType<typeof connectInProcess>>;

beforeAll(async () => {
  // the whole safety stack as the bins run it: audit log, guards (token mode), vendor metering
  s = await connectInProcess([createMarketingServer(), ...safetyModules], {
    hooks: safetyHooks("marketing"),
    schema: safetyConfigSchema,
    env: {
      CONFIRMATION_MODE: "token",
      GUARD_TOKEN_SECRET: "audit-secret-audit-secret-audit-secret",
      SANDBOX_SCALE: "0.2",
    },
  });
}, 120_000);

afterAll(async () => s?.close());

describe("list_members_update in the audit log", () => {
  it("the executed write's record carries its plan hash and the list it wrote", async () => {
    const args = { list_id: "lst_0001", add: ["con_0003"] };
    const first = await s.call("list_members_update", args);
    const token = /confirmation_token: "([^"]+)"/.exec(first.text)?.[1];
    expect(token, first.text).toBeDefined();
    const done = await s.call("list_members_update", { ...args, confirmation_token: token });
    expect(done.isError, done.text).toBe(false);
    expect(done.data.written).toEqual({ system: "sandbox", id: "lst_0001" });
    const audit = await s.call("audit_query", { tool: "list_members_update", outcome: "ok" });
    const records = audit.data.records as { summary?: string; plan_hash?: string }[];
    expect(records).toHaveLength(1);
    expect(records[0]?.summary).toBe("written sandbox:lst_0001");
    expect(records[0]?.plan_hash).toMatch(/^[0-9a-f]{16,}$/);
  });
});
