import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseConfigSchema } from "../config";
import { createLogger } from "../logger";
import { KitApp } from "../mcp-server";
import { type RunningServer, runServer } from "../run";
import { KitRuntime } from "../runtime";
import { conformanceFixture } from "./fixture";

/** The kit's multi-round-trip plumbing through the fixture's input-required tools: raw 2026-07-28 rounds over HTTP. */
let server: RunningServer;
beforeAll(async () => {
  server = await runServer({
    modules: [conformanceFixture],
    defaultPort: 0,
    argv: ["--http", "--port", "0"],
    env: {
      REVOPS_DATA_DIR: mkdtempSync(join(tmpdir(), "kit-rounds-")),
      LOG_LEVEL: "silent",
      REVOPS_PRINCIPAL_SCOPES: "*",
    },
  });
});
afterAll(async () => server?.stop("test"));

type Answer = { result?: Record<string, unknown>; error?: { code: number; message: string } };

async function round(
  method: string,
  params: Record<string, unknown>,
  capabilities: object = { elicitation: {} },
) {
  const r = await fetch(server.url as string, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": "2026-07-28",
      "mcp-method": method,
      "mcp-name": String(params.name),
    },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method,
      params: {
        ...params,
        _meta: {
          "io.modelcontextprotocol/protocolVersion": "2026-07-28",
          "io.modelcontextprotocol/clientCapabilities": capabilities,
          "io.modelcontextprotocol/clientInfo": { name: "t", version: "1" },
        },
      },
    }),
  });
  return (await r.json()) as Answer;
}
const call = (name: string, extra: Record<string, unknown> = {}, caps?: object) =>
  round("tools/call", { name, arguments: {}, ...extra }, caps);
const textOf = (a: Answer) => (a.result?.content as { text: string }[] | undefined)?.[0]?.text;
const accept = (content: object) => ({ action: "accept", content });

describe("input-required results (MCP 2026-07-28)", () => {
  it("asks with an embedded form, and completes when the retry brings the answer", async () => {
    const first = await call("test_input_required_result_elicitation");
    expect(first.result).toMatchObject({
      resultType: "input_required",
      inputRequests: { user_name: { method: "elicitation/create" } },
    });
    const done = await call("test_input_required_result_elicitation", {
      inputResponses: { user_name: accept({ name: "Ann" }) },
    });
    expect(textOf(done)).toBe("Hello, Ann!");
  });

  it("round-trips sealed state over two rounds and refuses it altered, before the tool runs", async () => {
    const one = await call("test_input_required_result_multi_round");
    const state1 = one.result?.requestState as string;
    const two = await call("test_input_required_result_multi_round", {
      inputResponses: { step1: accept({ name: "Ann" }) },
      requestState: state1,
    });
    expect(two.result?.inputRequests).toHaveProperty("step2");
    const three = await call("test_input_required_result_multi_round", {
      inputResponses: { step2: accept({ color: "teal" }) },
      requestState: two.result?.requestState,
    });
    expect(textOf(three)).toBe("Ann's favorite color is teal.");
    const tampered = await call("test_input_required_result_multi_round", {
      inputResponses: { step1: accept({ name: "Ann" }) },
      requestState: `${state1}x`,
    });
    expect(tampered.error).toMatchObject({ code: -32602, message: "Invalid or expired requestState" });
  });

  it("asks only what the request's capabilities allow, and works for prompts too", async () => {
    const sampling = await call("test_input_required_result_capabilities", {}, { sampling: {} });
    expect(Object.keys(sampling.result?.inputRequests as object)).toEqual(["capital_question"]);
    const prompt = await round("prompts/get", { name: "test_input_required_result_prompt" });
    expect(prompt.result?.resultType).toBe("input_required");
    const rendered = await round("prompts/get", {
      name: "test_input_required_result_prompt",
      inputResponses: { user_context: accept({ context: "Q4" }) },
    });
    expect(JSON.stringify(rendered.result?.messages)).toContain("Use this context: Q4");
  });
});

describe("input-required tools toward a 2025 client", () => {
  it("are a tool error saying what they need (no round trips without the new revision)", async () => {
    const config = baseConfigSchema.parse({ REVOPS_PRINCIPAL_SCOPES: "*" });
    const runtime = new KitRuntime(config, createLogger("silent", "test"));
    const app = new KitApp({ modules: [conformanceFixture], runtime });
    const [a, b] = InMemoryTransport.createLinkedPair();
    await app.createServer().connect(a);
    const client = new Client({ name: "t", version: "1" });
    await client.connect(b);
    const r = await client.callTool({ name: "test_input_required_result_elicitation", arguments: {} });
    expect(r.isError).toBe(true);
    expect((r.content as { text: string }[])[0]?.text).toMatch(/needs MCP 2026-07-28/);
    await client.close();
    await runtime.close(100);
  });
});
