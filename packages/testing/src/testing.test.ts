import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineServer, defineTool } from "@revops/kit";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { connectInProcess } from "./in-process";
import { undeclaredPortReads } from "./registry-contract";
import { startUntilExit } from "./start-exit";
import { renderToolDocs } from "./tool-docs";
import { checkToolSnapshots } from "./toolsnaps";

const hello = defineTool({
  name: "hello_get",
  title: "Hello",
  description: "Says hello.",
  toolset: "main",
  scopes: ["t:read"],
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  input: z.object({ name: z.string().default("world") }),
  output: z.object({ greeting: z.string() }),
  example: { name: "ann" },
  handler: ({ input }) => ({ greeting: `hello ${input.name}` }),
});
const mod = defineServer({
  name: "t",
  title: "T",
  version: "1",
  instructions: "test",
  toolsets: [{ name: "main", description: "", default: true }],
  tools: [hello],
  resources: [],
  prompts: [],
  ports: async () => ({}),
});

describe("testing helpers", () => {
  it("serves a module in process and renders its tool docs from real calls", async () => {
    const s = await connectInProcess([mod]);
    expect((await s.call("hello_get", { name: "bo" })).data).toEqual({ greeting: "hello bo" });
    const doc = await renderToolDocs(s.client, "T", [{ publicName: "hello_get", def: hello }]);
    await s.close();
    expect(doc).toContain(
      "| [`hello_get`](#hello_get) | Hello | main | t:read | true | false | true | false |",
    );
    expect(doc).toContain("greeting: hello ann");
  });

  it("fails on missing or changed snapshots until accepted", () => {
    const dir = mkdtempSync(join(tmpdir(), "snaps-"));
    expect(checkToolSnapshots(dir, [{ name: "a" }])).toEqual([
      "a: no snapshot (run with UPDATE_TOOLSNAPS=1 to accept)",
    ]);
    process.env.UPDATE_TOOLSNAPS = "1";
    checkToolSnapshots(dir, [{ name: "a" }]);
    delete process.env.UPDATE_TOOLSNAPS;
    expect(checkToolSnapshots(dir, [{ name: "a" }])).toEqual([]);
    writeFileSync(join(dir, "a.json"), readFileSync(join(dir, "a.json"), "utf8").replace('"a"', '"b"'));
    expect(checkToolSnapshots(dir, [{ name: "a" }])[0]).toMatch(/definition changed/);
  });
});

describe("undeclared port reads", () => {
  type Ports = { crm: { deals: () => number }; mail: { send: () => number } };
  type Handler = (args: { ctx: { ports: Ports } }) => { n: number };
  const reader = (name: string, ports: (keyof Ports)[], handler: Handler) =>
    defineTool<Record<string, never>, { n: number }, Ports>({
      name,
      title: name,
      description: "Reads.",
      toolset: "main",
      scopes: ["t:read"],
      annotations: hello.annotations,
      ports,
      input: z.object({}),
      output: z.object({ n: z.number() }),
      handler,
    });
  const server = (tools: ReturnType<typeof reader>[]) =>
    defineServer<Ports>({
      ...mod,
      tools,
      ports: async () => ({ crm: { deals: () => 1 }, mail: { send: () => 2 } }),
      connections: { crm: ["SALES_CRM"], mail: ["GOOGLE_ACCESS_TOKEN"] },
    });

  it("names a tool whose own code reads a vendor port it does not declare", () => {
    const direct = reader("direct", ["crm"], ({ ctx }) => ({
      n: ctx.ports.crm.deals() + ctx.ports.mail.send(),
    }));
    const destructured = reader("destructured", [], ({ ctx }) => {
      const { crm } = ctx.ports;
      return { n: crm.deals() };
    });
    const fine = reader("fine", ["crm", "mail"], ({ ctx }) => ({
      n: ctx.ports.crm.deals() + ctx.ports.mail.send(),
    }));
    expect(undeclaredPortReads([server([direct, destructured, fine])])).toEqual([
      'direct: reads port "mail" without declaring it',
      'destructured: reads port "crm" without declaring it',
    ]);
  });
});

describe("startUntilExit", () => {
  it("gives the exit code and stderr of a process that stops at start-up", async () => {
    const dir = mkdtempSync(join(tmpdir(), "start-exit-"));
    const bin = join(dir, "bad-setting.mjs");
    writeFileSync(
      bin,
      'process.stderr.write("X_TOKEN: is required (" + process.env.X_MODE + ")"); process.exit(2);',
    );
    expect(await startUntilExit(bin, { X_MODE: "vendor" })).toEqual({
      code: 2,
      stderr: "X_TOKEN: is required (vendor)",
    });
  });
});
