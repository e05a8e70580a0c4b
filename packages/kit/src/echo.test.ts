import { CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineResource, defineServer, defineTool } from "./define";
import { capEchoes, notFound, quoteInput, ToolError, userError, withoutEchoes } from "./errors";
import { closeInMemoryClients, inMemoryClient } from "./testing/in-memory";

// Found by fuzzing (packages/testing/src/fuzz): a 900 KB argument came back whole in the answer.

describe("quoteInput", () => {
  it("quotes a short input whole and a long one as a prefix with its length", () => {
    expect(quoteInput("acc_0042")).toBe('"acc_0042"');
    const q = quoteInput("x".repeat(900_000));
    expect(q).toBe(`"${"x".repeat(80)}…" (900,000 chars)`);
  });

  it("never splits a surrogate pair and quotes non-strings as JSON", () => {
    const q = quoteInput(`${"a".repeat(79)}🚀${"b".repeat(200)}`);
    expect(q).toBe(`"${"a".repeat(79)}…" (281 chars)`);
    expect(quoteInput(42)).toBe('"42"');
  });
});

describe("capEchoes / withoutEchoes", () => {
  const huge = "o:1".repeat(300_000);

  it("replaces every repeat of a long input, keys and nested values included", () => {
    const text = `Invalid cursor "${huge}". Also ${huge}.`;
    const capped = capEchoes(text, { filters: [{ cursor: huge }] });
    expect(capped.length).toBeLessThan(700);
    expect(capped).toContain("(900,000 chars)");
    expect(capEchoes(`bad key ${huge}`, { [huge]: 1 })).toContain("(900,000 chars)");
  });

  it("leaves inputs up to 1,000 chars whole (a plan shown for confirmation keeps its reply)", () => {
    const reply = "Thanks! ".repeat(100);
    expect(capEchoes(`Reply: ${reply}`, { body: reply })).toBe(`Reply: ${reply}`);
  });

  it("keeps kind, fields, hint and cause; returns the same error when nothing is repeated", () => {
    const err = new ToolError("user", `No owner ${huge}`, {
      fields: ["owner"],
      hint: `Try ${huge}`,
      cause: 1,
    });
    const out = withoutEchoes(err, { owner: huge });
    expect(out.kind).toBe("user");
    expect(out.fields).toEqual(["owner"]);
    expect(out.message.length).toBeLessThan(400);
    expect(out.hint?.length).toBeLessThan(400);
    expect(out.cause).toBe(1);
    const plain = userError("short");
    expect(withoutEchoes(plain, { owner: huge })).toBe(plain);
  });
});

const ro = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
const parrot = defineServer({
  name: "parrot",
  title: "Parrot",
  version: "1.0.0",
  instructions: "Repeats.",
  toolsets: [{ name: "basic", description: "Basic", default: true }],
  ports: async () => ({}),
  tools: [
    defineTool({
      name: "owner_find",
      title: "Find owner",
      description: "Fails naming the owner.",
      toolset: "basic",
      scopes: [],
      annotations: ro,
      input: z.object({ owner: z.string() }),
      output: z.object({ note: z.string() }),
      handler: ({ input }) => {
        if (input.owner.startsWith("ok")) return { note: `No deals for "${input.owner}".` };
        throw userError(`No owner named "${input.owner}".`, { fields: ["owner"] });
      },
    }),
  ],
  resources: [
    defineResource({
      name: "owner",
      title: "Owner",
      description: "An owner by id.",
      mimeType: "application/json",
      scopes: [],
      uriTemplate: "parrot://owners/{id}",
      read: async ({ params }) => {
        if (params.id === "bad") throw userError(`Owner ids look like usr_01, not "${params.id}".`);
        throw notFound(`No owner ${params.id}.`);
      },
    }),
  ],
  prompts: [],
});

afterEach(closeInMemoryClients);

const connect = () => inMemoryClient({ modules: [parrot], selection: { toolsets: ["all"] } });

const textOf = (r: unknown) => (r as { content: { text: string }[] }).content[0]?.text ?? "";

describe("answers never repeat a huge input", () => {
  const huge = "é".repeat(900_000);

  it("a tool error quotes the input as a prefix and its length", async () => {
    const client = await connect();
    const r = await client.callTool({ name: "owner_find", arguments: { owner: huge } });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/^Error \(user\): No owner named "é+…" \(900,000 chars\)\./);
    expect(textOf(r).length).toBeLessThan(500);
  });

  it("a successful result's text is capped too (structuredContent stays the declared output)", async () => {
    const client = await connect();
    const r = await client.callTool({ name: "owner_find", arguments: { owner: `ok${huge}` } });
    expect(r.isError).toBeFalsy();
    expect(textOf(r).length).toBeLessThan(500);
  });

  // SDK v2 sends a missing resource as -32602 with data.uri in every revision (SDK 1.x sent -32002 under 2025)
  it("unknown tools, resources and prompts are -32602 with a short message", async () => {
    const client = await connect();
    const tool = client.request(
      { method: "tools/call", params: { name: huge, arguments: {} } },
      CallToolResultSchema,
    );
    await expect(tool).rejects.toMatchObject({ code: -32602 });
    await expect(tool).rejects.toThrow(/Unknown tool: "é+…" \(900,000 chars\)/);
    const resource = client.readResource({ uri: `x://${huge}` });
    await expect(resource).rejects.toMatchObject({ code: -32602 });
    expect(String(await resource.catch((e: Error) => e.message)).length).toBeLessThan(500);
    const prompt = client.getPrompt({ name: huge });
    await expect(prompt).rejects.toMatchObject({ code: -32602 });
    expect(String(await prompt.catch((e: Error) => e.message)).length).toBeLessThan(500);
  });

  it("a bad or 900 KB list cursor is -32602 with a fixed message, never -32603", async () => {
    const client = await connect();
    for (const cursor of ["garbage", "o:1".repeat(300_000), Buffer.from("o:-1").toString("base64url")]) {
      const list = client.listTools({ cursor });
      await expect(list).rejects.toMatchObject({ code: -32602 });
      expect(String(await list.catch((e: Error) => e.message)).length).toBeLessThan(200);
    }
  });

  it("a resource read the caller got wrong is -32602 (was -32603), a missing one -32602 with data.uri", async () => {
    const client = await connect();
    await expect(client.readResource({ uri: "parrot://owners/bad" })).rejects.toMatchObject({ code: -32602 });
    await expect(client.readResource({ uri: "parrot://owners/usr_09" })).rejects.toMatchObject({
      code: -32602,
      data: { uri: "parrot://owners/usr_09" },
    });
  });

  it("a short unknown tool name is named as is", async () => {
    const client = await connect();
    await expect(client.callTool({ name: "nope", arguments: {} })).rejects.toThrow(/Unknown tool: nope\./);
  });
});

describe("text that is not well-formed Unicode", () => {
  it("finds the first lone surrogate in values and keys", async () => {
    const { illFormedTextPath } = await import("./pipeline");
    expect(illFormedTextPath({ a: "ok 🚀", b: ["x", "\ud800"] })).toBe("b.1");
    expect(illFormedTextPath({ c: { "\udfff": 1 } })).toBe("c.(key)");
    expect(illFormedTextPath("\udfff\ud800")).toBe("(arguments)");
    expect(illFormedTextPath({ a: "مرحبا", b: "\u0000", c: "👩‍👩‍👧‍👦" })).toBeUndefined();
  });

  it("is the caller's error naming the field, before any stage can trip on it (found by fuzzing)", async () => {
    const client = await connect();
    const r = await client.callTool({ name: "owner_find", arguments: { owner: "\ud800" } });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(
      /^Error \(user\): Invalid arguments for owner_find: owner: text is not well-formed/,
    );
    expect(textOf(r)).toMatch(/Fields: owner/);
  });
});
