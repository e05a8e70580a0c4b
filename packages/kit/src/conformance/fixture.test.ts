import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import {
  type CallToolResult,
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  type ElicitResult,
  LoggingMessageNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { baseConfigSchema } from "../config";
import { createLogger } from "../logger";
import { KitApp } from "../mcp-server";
import { KitRuntime } from "../runtime";
import { conformanceFixture, PNG_BASE64, WAV_BASE64 } from "./fixture";
import { inputRequiredTools } from "./input-required";
import { statelessTools } from "./stateless";
import { taskTools } from "./tasks";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()?.();
});

/** What the conformance client answers (see @modelcontextprotocol/conformance's server scenarios). */
const ELICIT_REPLIES: Record<string, ElicitResult> = {
  "Please provide your information": {
    action: "accept",
    content: { username: "testuser", email: "test@example.com" },
  },
  "Please review and update the form fields with defaults": {
    action: "accept",
    content: { name: "Jane Smith", age: 25, score: 88, status: "inactive", verified: false },
  },
  "Test all enum schema variants": {
    action: "accept",
    content: {
      untitledSingle: "option1",
      titledSingle: "value1",
      legacyEnum: "opt1",
      untitledMulti: ["option1", "option2"],
      titledMulti: ["value1", "value2"],
    },
  },
};

async function connect(opts: { scopes?: string; capabilities?: boolean } = {}) {
  const config = baseConfigSchema.parse({ REVOPS_PRINCIPAL_SCOPES: opts.scopes ?? "conformance:test" });
  const runtime = new KitRuntime(config, createLogger("silent", "test"));
  const app = new KitApp({ modules: [conformanceFixture], runtime });
  const server = app.createServer();
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(a);
  const withCaps = opts.capabilities ?? true;
  const client = new Client(
    { name: "conformance-test-client", version: "1.0.0" },
    { capabilities: withCaps ? { sampling: {}, elicitation: {} } : {} },
  );
  const elicitations: unknown[] = [];
  const samplings: unknown[] = [];
  const logs: { level: string; data: unknown }[] = [];
  if (withCaps) {
    client.setRequestHandler(ElicitRequestSchema, async (req) => {
      elicitations.push(req.params);
      return ELICIT_REPLIES[req.params.message] ?? { action: "decline" };
    });
    client.setRequestHandler(CreateMessageRequestSchema, async (req) => {
      samplings.push(req.params);
      return {
        role: "assistant",
        content: { type: "text", text: "This is a test response from the client" },
        model: "test-model",
        stopReason: "endTurn",
      };
    });
  }
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
    logs.push({ level: n.params.level, data: n.params.data });
  });
  await client.connect(b);
  closers.push(async () => {
    await client.close();
    await runtime.close(100);
  });
  return { client, app, elicitations, samplings, logs };
}

const call = async (client: Client, name: string, args?: Record<string, unknown>) =>
  (await client.callTool({ name, ...(args && { arguments: args }) })) as CallToolResult;
const firstText = (r: CallToolResult) => {
  const c = r.content[0];
  return c?.type === "text" ? c.text : "";
};

describe("conformance fixture: client capabilities and header parameters", () => {
  it("refuses a tool needing sampling with -32021 naming it, before it runs, and lists x-mcp-header", async () => {
    const { client } = await connect({ capabilities: false });
    await expect(client.callTool({ name: "test_missing_capability", arguments: {} })).rejects.toMatchObject({
      code: -32021,
      data: { requiredCapabilities: { sampling: {} } },
    });
    const withSampling = await connect();
    const ok = await withSampling.client.callTool({ name: "test_missing_capability", arguments: {} });
    expect(ok.isError).toBeFalsy();
    const { tools } = await client.listTools();
    const header = tools.find((t) => t.name === "test_header_param");
    expect(header?.inputSchema.properties?.region).toMatchObject({ "x-mcp-header": "Region" });
  });
});

describe("conformance fixture: surface", () => {
  it("lists every test_* tool with a description, an object input schema and all four annotations", async () => {
    const { client } = await connect();
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(
      [
        "test_audio_content",
        "test_elicitation",
        "test_elicitation_sep1034_defaults",
        "test_elicitation_sep1330_enums",
        "test_embedded_resource",
        "test_error_handling",
        "test_image_content",
        "test_multiple_content_types",
        "test_sampling",
        "test_simple_text",
        "test_tool_with_logging",
        "test_tool_with_progress",
        ...inputRequiredTools.map((t) => t.name),
        ...statelessTools.map((t) => t.name),
        ...taskTools.map((t) => t.name),
        "json_schema_2020_12_tool",
      ].sort(),
    );
    for (const t of tools) {
      expect(t.description).toBeTruthy();
      expect(t.inputSchema.type).toBe("object");
      // Raw tools return whole CallToolResults: no structured output schema is advertised.
      expect(t.outputSchema).toBeUndefined();
      for (const hint of ["readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"] as const)
        expect(typeof t.annotations?.[hint]).toBe("boolean");
      expect(t._meta?.["revops/scopes"]).toEqual(["conformance:test"]);
    }
    const sampling = tools.find((t) => t.name === "test_sampling");
    expect(sampling?.inputSchema.required).toEqual(["prompt"]);
  });

  it("serves nothing to a principal without the conformance:test scope", async () => {
    const { client } = await connect({ scopes: "sales:read" });
    expect((await client.listTools()).tools).toEqual([]);
    expect((await client.listResources()).resources).toEqual([]);
    expect((await client.listPrompts()).prompts).toEqual([]);
    await expect(call(client, "test_simple_text")).rejects.toThrow(/Unknown tool/);
  });
});

describe("conformance fixture: tool content", () => {
  it("accepts a call without arguments and returns text", async () => {
    const { client } = await connect();
    const r = await call(client, "test_simple_text");
    expect(r).toEqual({ content: [{ type: "text", text: "This is a simple text response for testing." }] });
  });

  it("returns image, audio and embedded-resource content as is", async () => {
    const { client } = await connect();
    expect((await call(client, "test_image_content", {})).content).toEqual([
      { type: "image", data: PNG_BASE64, mimeType: "image/png" },
    ]);
    expect((await call(client, "test_audio_content", {})).content).toEqual([
      { type: "audio", data: WAV_BASE64, mimeType: "audio/wav" },
    ]);
    expect((await call(client, "test_embedded_resource", {})).content).toEqual([
      {
        type: "resource",
        resource: {
          uri: "test://embedded-resource",
          mimeType: "text/plain",
          text: "This is an embedded resource content.",
        },
      },
    ]);
    // The base64 payloads decode to real PNG and WAV files.
    expect(Buffer.from(PNG_BASE64, "base64").subarray(1, 4).toString()).toBe("PNG");
    expect(Buffer.from(WAV_BASE64, "base64").subarray(8, 12).toString()).toBe("WAVE");
  });

  it("mixes text, image and resource content in one result", async () => {
    const { client } = await connect();
    const r = await call(client, "test_multiple_content_types", {});
    expect(r.content.map((c) => c.type)).toEqual(["text", "image", "resource"]);
    const res = r.content[2];
    expect(res?.type === "resource" && "text" in res.resource && JSON.parse(res.resource.text)).toEqual({
      test: "data",
      value: 123,
    });
  });

  it("returns a tool error result, not a protocol error", async () => {
    const { client } = await connect();
    const r = await call(client, "test_error_handling", {});
    expect(r.isError).toBe(true);
    expect(firstText(r)).toBe("This tool intentionally returns an error for testing");
  });
});

describe("conformance fixture: notifications", () => {
  it("sends three log messages during the call, filtered by logging/setLevel", async () => {
    const { client, logs } = await connect();
    await client.setLoggingLevel("debug");
    const r = await call(client, "test_tool_with_logging", {});
    expect(firstText(r)).toMatch(/executed successfully/);
    expect(logs).toEqual([
      { level: "info", data: "Tool execution started" },
      { level: "info", data: "Tool processing data" },
      { level: "info", data: "Tool execution completed" },
    ]);
    logs.length = 0;
    await client.setLoggingLevel("error");
    await call(client, "test_tool_with_logging", {});
    expect(logs).toEqual([]);
  });

  it("reports progress 0, 50 and 100 of 100 before the result", async () => {
    const { client } = await connect();
    const progress: { progress: number; total?: number }[] = [];
    const r = (await client.callTool({ name: "test_tool_with_progress", arguments: {} }, undefined, {
      onprogress: (p) => progress.push({ progress: p.progress, total: p.total }),
    })) as CallToolResult;
    expect(r.isError).toBeFalsy();
    expect(progress).toEqual([
      { progress: 0, total: 100 },
      { progress: 50, total: 100 },
      { progress: 100, total: 100 },
    ]);
  });

  it("sends no progress when the client did not ask for it", async () => {
    const { client } = await connect();
    const r = await call(client, "test_tool_with_progress", {});
    expect(firstText(r)).toMatch(/executed successfully/);
  });
});

describe("conformance fixture: server-to-client requests", () => {
  it("asks the client's model through sampling/createMessage", async () => {
    const { client, samplings } = await connect();
    const r = await call(client, "test_sampling", { prompt: "Test prompt for sampling" });
    expect(samplings).toEqual([
      {
        messages: [{ role: "user", content: { type: "text", text: "Test prompt for sampling" } }],
        maxTokens: 100,
      },
    ]);
    expect(firstText(r)).toBe("LLM response: This is a test response from the client");
  });

  it("asks the user through elicitation/create and reports the answer", async () => {
    const { client, elicitations } = await connect();
    const r = await call(client, "test_elicitation", { message: "Please provide your information" });
    expect(elicitations).toHaveLength(1);
    expect(elicitations[0]).toMatchObject({
      message: "Please provide your information",
      requestedSchema: { type: "object", required: ["username", "email"] },
    });
    expect(firstText(r)).toBe(
      'User response: action=accept, content={"username":"testuser","email":"test@example.com"}',
    );
  });

  it("sends SEP-1034 defaults for every primitive type", async () => {
    const { client, elicitations } = await connect();
    const r = await call(client, "test_elicitation_sep1034_defaults", {});
    const props = (elicitations[0] as { requestedSchema: { properties: Record<string, unknown> } })
      .requestedSchema.properties;
    expect(props).toMatchObject({
      name: { type: "string", default: "John Doe" },
      age: { type: "integer", default: 30 },
      score: { type: "number", default: 95.5 },
      status: { type: "string", enum: ["active", "inactive", "pending"], default: "active" },
      verified: { type: "boolean", default: true },
    });
    expect(firstText(r)).toMatch(/^Elicitation completed: action=accept, content=.*"Jane Smith"/);
  });

  it("sends every SEP-1330 enum variant, and accepts the client's choices", async () => {
    const { client, elicitations } = await connect();
    const r = await call(client, "test_elicitation_sep1330_enums", {});
    const props = (
      elicitations[0] as { requestedSchema: { properties: Record<string, Record<string, unknown>> } }
    ).requestedSchema.properties;
    expect(props.untitledSingle).toMatchObject({ type: "string", enum: ["option1", "option2", "option3"] });
    expect(props.untitledSingle).not.toHaveProperty("oneOf");
    expect(props.titledSingle?.oneOf).toHaveLength(3);
    expect(props.titledSingle).not.toHaveProperty("enum");
    expect(props.legacyEnum?.enumNames).toHaveLength(3);
    expect(props.untitledMulti).toMatchObject({ type: "array", items: { type: "string" } });
    expect(props.titledMulti).toMatchObject({ type: "array", items: { anyOf: expect.any(Array) } });
    expect(r.isError).toBeFalsy();
    expect(firstText(r)).toMatch(/"titledMulti":\["value1","value2"\]/);
  });

  it("turns a client without sampling or elicitation into a tool error, not a hang", async () => {
    const { client } = await connect({ capabilities: false });
    for (const [name, args] of [
      ["test_sampling", { prompt: "x" }],
      ["test_elicitation", { message: "x" }],
    ] as const) {
      const r = await call(client, name, args);
      expect(r.isError).toBe(true);
    }
  });

  it("validates required arguments", async () => {
    const { client } = await connect();
    const r = await call(client, "test_sampling", {});
    expect(r.isError).toBe(true);
    expect(firstText(r)).toMatch(/Invalid arguments for test_sampling: prompt/);
  });
});

describe("conformance fixture: resources", () => {
  it("lists the static resources and the template", async () => {
    const { client } = await connect();
    const { resources } = await client.listResources();
    expect(resources.map((r) => [r.uri, r.mimeType])).toEqual([
      ["test://static-text", "text/plain"],
      ["test://static-binary", "image/png"],
      ["test://watched-resource", "text/plain"],
    ]);
    for (const r of resources) expect(r.description).toBeTruthy();
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates).toEqual([
      expect.objectContaining({ uriTemplate: "test://template/{id}/data", mimeType: "application/json" }),
    ]);
  });

  it("reads text, binary and templated resources", async () => {
    const { client } = await connect();
    expect((await client.readResource({ uri: "test://static-text" })).contents).toEqual([
      {
        uri: "test://static-text",
        mimeType: "text/plain",
        text: "This is the content of the static text resource.",
      },
    ]);
    expect((await client.readResource({ uri: "test://static-binary" })).contents).toEqual([
      { uri: "test://static-binary", mimeType: "image/png", blob: PNG_BASE64 },
    ]);
    const [templated] = (await client.readResource({ uri: "test://template/123/data" })).contents;
    expect(templated?.uri).toBe("test://template/123/data");
    expect(JSON.parse((templated as { text: string }).text)).toEqual({
      id: "123",
      templateTest: true,
      data: "Data for ID: 123",
    });
    await expect(client.readResource({ uri: "test://nothing-here" })).rejects.toThrow(/Resource not found/);
  });

  it("accepts subscribe and unsubscribe", async () => {
    const { client } = await connect();
    expect(await client.subscribeResource({ uri: "test://watched-resource" })).toEqual({});
    expect(await client.unsubscribeResource({ uri: "test://watched-resource" })).toEqual({});
  });

  it("completes the template's id", async () => {
    const { client } = await connect();
    const r = await client.complete({
      ref: { type: "ref/resource", uri: "test://template/{id}/data" },
      argument: { name: "id", value: "1" },
    });
    expect(r.completion.values).toEqual(["123"]);
  });
});

describe("conformance fixture: prompts", () => {
  it("lists the five prompts with descriptions and declared arguments", async () => {
    const { client } = await connect();
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual([
      "test_simple_prompt",
      "test_prompt_with_arguments",
      "test_prompt_with_embedded_resource",
      "test_prompt_with_image",
      "test_input_required_result_prompt",
    ]);
    for (const p of prompts) expect(p.description).toBeTruthy();
    expect(prompts[1]?.arguments).toEqual([
      { name: "arg1", description: "First test argument", required: true },
      { name: "arg2", description: "Second test argument", required: true },
    ]);
  });

  it("renders the simple prompt and substitutes arguments", async () => {
    const { client } = await connect();
    expect((await client.getPrompt({ name: "test_simple_prompt" })).messages).toEqual([
      { role: "user", content: { type: "text", text: "This is a simple prompt for testing." } },
    ]);
    const r = await client.getPrompt({
      name: "test_prompt_with_arguments",
      arguments: { arg1: "testValue1", arg2: "testValue2" },
    });
    expect(r.messages[0]?.content).toEqual({
      type: "text",
      text: "Prompt with arguments: arg1='testValue1', arg2='testValue2'",
    });
    await expect(
      client.getPrompt({ name: "test_prompt_with_arguments", arguments: { arg1: "x" } }),
    ).rejects.toThrow(/needs the argument\(s\): arg2/);
  });

  it("embeds a resource and an image in prompt messages", async () => {
    const { client } = await connect();
    const embedded = await client.getPrompt({
      name: "test_prompt_with_embedded_resource",
      arguments: { resourceUri: "test://example-resource" },
    });
    expect(embedded.messages[0]?.content).toEqual({
      type: "resource",
      resource: {
        uri: "test://example-resource",
        mimeType: "text/plain",
        text: "Embedded resource content for testing.",
      },
    });
    const image = await client.getPrompt({ name: "test_prompt_with_image" });
    expect(image.messages.map((m) => m.content.type)).toEqual(["image", "text"]);
    expect(image.messages[0]?.content).toEqual({ type: "image", data: PNG_BASE64, mimeType: "image/png" });
  });

  it("completes arg1 of test_prompt_with_arguments", async () => {
    const { client } = await connect();
    const r = await client.complete({
      ref: { type: "ref/prompt", name: "test_prompt_with_arguments" },
      argument: { name: "arg1", value: "test" },
    });
    expect(r.completion.values).toEqual(["test", "testValue1"]);
    const none = await client.complete({
      ref: { type: "ref/prompt", name: "test_simple_prompt" },
      argument: { name: "x", value: "" },
    });
    expect(none.completion.values).toEqual([]);
  });
});
