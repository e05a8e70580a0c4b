import { capsToolset, capsUpdateTool } from "@revops/guards";
import { defineServer } from "@revops/kit";
import { connectInProcess } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { auditModule, buildCli, safetyConfigSchema, safetyHooks } from "../src/index";

const module = defineServer({
  name: "spend",
  title: "Spend",
  version: "1",
  instructions: "",
  toolsets: [capsToolset],
  tools: [capsUpdateTool],
  resources: [],
  prompts: [],
  ports: async () => ({}),
});

let s: Awaited<ReturnType<typeof connectInProcess>>;
let dataDir: string;
beforeAll(async () => {
  s = await connectInProcess([module, auditModule], {
    hooks: safetyHooks("spend"),
    schema: safetyConfigSchema,
  });
  dataDir = s.app.runtime.config.REVOPS_DATA_DIR;
});
afterAll(async () => s.close());

const cli = async (...args: string[]) => {
  const out: string[] = [];
  await buildCli({ env: { REVOPS_DATA_DIR: dataDir }, print: (l) => out.push(l) }).parseAsync([
    "node",
    "revops",
    ...args,
  ]);
  return out.join("\n");
};

describe("guarded tools through the safety hooks and the approvals CLI", () => {
  it("queues the plan, lets a human approve it once, then runs exactly that plan", async () => {
    const first = await s.call("caps_update", { scope: "per_day", amount: 2500, confirm: true });
    expect(first.isError).toBe(true);
    const pending = await s.call("caps_update", { scope: "per_day", amount: 2500 });
    const id = pending.text.match(/apr_[\w-]+/)?.[0] as string;
    expect(id).toBeDefined();
    expect(await cli("approvals", "list")).toContain(id);
    expect(await cli("approvals", "show", id)).toMatch(
      /Raise the per-day spending cap from \$1,000 to \$2,500/,
    );
    expect(await cli("approvals", "approve", id, "--as", "dana")).toContain(`Approved ${id}`);
    const changed = await s.call("caps_update", { scope: "per_day", amount: 9999, approval_id: id });
    expect(changed.isError).toBe(true);
    const run = await s.call("caps_update", { scope: "per_day", amount: 2500, approval_id: id });
    expect(run.isError, run.text).toBe(false);
    expect(run.data).toMatchObject({ previous: 1000, amount: 2500 });
    const replay = await s.call("caps_update", { scope: "per_day", amount: 2500, approval_id: id });
    expect(replay.isError).toBe(true);
    expect(await cli("approvals", "list", "--status", "executed", "--json")).toContain(id);
  });

  it("records a rejection and refuses the rejected plan", async () => {
    const pending = await s.call("caps_update", { scope: "per_month", amount: 20000 });
    const id = pending.text.match(/apr_[\w-]+/)?.[0] as string;
    expect(await cli("approvals", "reject", id)).toContain(`Rejected ${id}`);
    const run = await s.call("caps_update", { scope: "per_month", amount: 20000, approval_id: id });
    expect(run.isError).toBe(true);
    expect(await cli("approvals", "list", "--status", "nonsense").catch((e: Error) => e.message)).toMatch(
      /--status must be one of/,
    );
    expect(await cli("approvals", "list", "--status", "expired")).toBe("No expired approvals.");
  });

  it("puts every call and every human decision on the audit record, and the chain verifies", async () => {
    const r = await s.call("audit_query", { tool: "caps_update", limit: 100 });
    expect(r.isError, r.text).toBe(false);
    const outcomes = new Set((r.data.records as { outcome: string }[]).map((x) => x.outcome));
    for (const o of ["ok", "denied", "confirmed", "rejected"]) expect(outcomes).toContain(o);
    const confirmed = (r.data.records as { outcome: string; summary?: string; server: string }[]).find(
      (x) => x.outcome === "confirmed" && x.server === "revops-cli",
    );
    expect(confirmed?.summary).toMatch(/approved by dana/);
    const bad = await s.call("audit_query", { since: "yesterday" });
    expect(bad.isError).toBe(true);
    expect(bad.text).toContain("since");
    const resource = await s.client.readResource({ uri: "audit://recent" });
    expect(JSON.parse(String((resource.contents[0] as { text: string }).text)).length).toBeGreaterThan(3);
    const logged: string[] = [];
    const spy = vi.spyOn(console, "log").mockImplementation((l: string) => void logged.push(l));
    await cli("audit", "verify");
    spy.mockRestore();
    expect(logged.join("\n")).toMatch(/ok|verified|valid|intact/i);
  });
});
