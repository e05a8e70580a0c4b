import { z } from "zod";
import { definePrompt, defineResource, defineServer, type ElicitFormParams } from "../define";
import { notFound } from "../errors";
import { inputRequiredPrompts, inputRequiredTools } from "./input-required";
import { asksClient, NoArgs, rawTool, readOnly, SCOPES, sleep, TOOLSET, text } from "./shared";
import { statelessTools } from "./stateless";
import { taskTools } from "./tasks";

/**
 * The server the official MCP conformance suite (`@modelcontextprotocol/conformance`, server side, default
 * "active" suite) expects: every `test_*` tool, `test://` resource and `test_*` prompt, built only with the kit's
 * define* functions so the suite exercises the kit's real protocol plumbing. Served only by conformance/bin.ts.
 */

/** A 1×1 PNG and a minimal WAV, as used by the upstream reference server. */
export const PNG_BASE64 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
export const WAV_BASE64 = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=";

export const ELICITATION_SCHEMA: ElicitFormParams["requestedSchema"] = {
  type: "object",
  properties: {
    username: { type: "string", description: "User's response" },
    email: { type: "string", description: "User's email address" },
  },
  required: ["username", "email"],
};

/** SEP-1034: every primitive type with a default value. */
export const SEP1034_SCHEMA: ElicitFormParams["requestedSchema"] = {
  type: "object",
  properties: {
    name: { type: "string", description: "User name", default: "John Doe" },
    age: { type: "integer", description: "User age", default: 30 },
    score: { type: "number", description: "User score", default: 95.5 },
    status: {
      type: "string",
      description: "User status",
      enum: ["active", "inactive", "pending"],
      default: "active",
    },
    verified: { type: "boolean", description: "Verification status", default: true },
  },
  required: [],
};

/** SEP-1330: untitled, titled and legacy enums, single and multi select. */
export const SEP1330_SCHEMA: ElicitFormParams["requestedSchema"] = {
  type: "object",
  properties: {
    untitledSingle: {
      type: "string",
      description: "Choose one option",
      enum: ["option1", "option2", "option3"],
    },
    titledSingle: {
      type: "string",
      description: "Choose one titled option",
      oneOf: [
        { const: "value1", title: "First Option" },
        { const: "value2", title: "Second Option" },
        { const: "value3", title: "Third Option" },
      ],
    },
    legacyEnum: {
      type: "string",
      description: "Choose one (legacy enumNames)",
      enum: ["opt1", "opt2", "opt3"],
      enumNames: ["Option One", "Option Two", "Option Three"],
    },
    untitledMulti: {
      type: "array",
      description: "Choose several options",
      minItems: 1,
      maxItems: 3,
      items: { type: "string", enum: ["option1", "option2", "option3"] },
    },
    titledMulti: {
      type: "array",
      description: "Choose several titled options",
      minItems: 1,
      maxItems: 3,
      items: {
        anyOf: [
          { const: "value1", title: "First Choice" },
          { const: "value2", title: "Second Choice" },
          { const: "value3", title: "Third Choice" },
        ],
      },
    },
  },
  required: [],
};

/** SEP-1613 / SEP-2106: a 2020-12 schema listed as written ($schema, $defs with $anchor, allOf/anyOf, if/then/else). */
const SCHEMA_2020_12 = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object" as const,
  $defs: {
    address: {
      $anchor: "addressDef",
      type: "object",
      properties: { street: { type: "string" }, city: { type: "string" } },
    },
  },
  properties: {
    name: { type: "string" },
    address: { $ref: "#/$defs/address" },
    contactMethod: { type: "string", enum: ["phone", "email"] },
    phone: { type: "string" },
    email: { type: "string" },
  },
  allOf: [{ anyOf: [{ required: ["phone"] }, { required: ["email"] }] }],
  if: { properties: { contactMethod: { const: "phone" } }, required: ["contactMethod"] },
  // biome-ignore lint/suspicious/noThenProperty: the JSON Schema keyword, listed verbatim for the conformance scenario
  then: { required: ["phone"] },
  else: { required: ["email"] },
  additionalProperties: false,
};

const tools = [
  rawTool({
    name: "json_schema_2020_12_tool",
    title: "JSON Schema 2020-12",
    description: "Tool with JSON Schema 2020-12 features (conformance: json-schema-2020-12).",
    annotations: readOnly,
    input: z
      .object({
        name: z.string().optional(),
        address: z.object({ street: z.string().optional(), city: z.string().optional() }).optional(),
        contactMethod: z.enum(["phone", "email"]).optional(),
        phone: z.string().optional(),
        email: z.string().optional(),
      })
      .strict(),
    listedInputSchema: SCHEMA_2020_12,
    handler: ({ input }) => text(`Received: ${JSON.stringify(input)}`),
  }),
  rawTool({
    name: "test_simple_text",
    title: "Simple text",
    description: "Returns a simple text response (conformance: tools-call-simple-text).",
    annotations: readOnly,
    input: NoArgs,
    handler: () => text("This is a simple text response for testing."),
  }),
  rawTool({
    name: "test_image_content",
    title: "Image content",
    description: "Returns a 1x1 PNG image (conformance: tools-call-image).",
    annotations: readOnly,
    input: NoArgs,
    handler: () => ({ content: [{ type: "image", data: PNG_BASE64, mimeType: "image/png" }] }),
  }),
  rawTool({
    name: "test_audio_content",
    title: "Audio content",
    description: "Returns a minimal WAV clip (conformance: tools-call-audio).",
    annotations: readOnly,
    input: NoArgs,
    handler: () => ({ content: [{ type: "audio", data: WAV_BASE64, mimeType: "audio/wav" }] }),
  }),
  rawTool({
    name: "test_embedded_resource",
    title: "Embedded resource",
    description: "Returns an embedded text resource (conformance: tools-call-embedded-resource).",
    annotations: readOnly,
    input: NoArgs,
    handler: () => ({
      content: [
        {
          type: "resource",
          resource: {
            uri: "test://embedded-resource",
            mimeType: "text/plain",
            text: "This is an embedded resource content.",
          },
        },
      ],
    }),
  }),
  rawTool({
    name: "test_multiple_content_types",
    title: "Mixed content",
    description: "Returns text, an image and a resource together (conformance: tools-call-mixed-content).",
    annotations: readOnly,
    input: NoArgs,
    handler: () => ({
      content: [
        { type: "text", text: "Multiple content types test:" },
        { type: "image", data: PNG_BASE64, mimeType: "image/png" },
        {
          type: "resource",
          resource: {
            uri: "test://mixed-content-resource",
            mimeType: "application/json",
            text: JSON.stringify({ test: "data", value: 123 }),
          },
        },
      ],
    }),
  }),
  rawTool({
    name: "test_tool_with_logging",
    title: "Logging",
    description: "Sends three info log messages while it runs (conformance: tools-call-with-logging).",
    annotations: readOnly,
    input: NoArgs,
    handler: async ({ ctx }) => {
      const steps = ["Tool execution started", "Tool processing data", "Tool execution completed"];
      for (const [i, message] of steps.entries()) {
        if (i > 0) await sleep(50, ctx.signal);
        await ctx.notify("info", message);
      }
      return text("Tool with logging executed successfully");
    },
  }),
  rawTool({
    name: "test_tool_with_progress",
    title: "Progress",
    description: "Reports progress 0, 50 and 100 of 100 (conformance: tools-call-with-progress).",
    annotations: readOnly,
    input: NoArgs,
    handler: async ({ ctx }) => {
      for (const [i, done] of [0, 50, 100].entries()) {
        if (i > 0) await sleep(50, ctx.signal);
        await ctx.progress(done, 100, `${done}% done`);
      }
      return text("Tool with progress executed successfully");
    },
  }),
  rawTool({
    name: "test_error_handling",
    title: "Error handling",
    description: "Always returns a tool error result (conformance: tools-call-error).",
    annotations: readOnly,
    input: NoArgs,
    handler: () => ({
      isError: true,
      content: [{ type: "text", text: "This tool intentionally returns an error for testing" }],
    }),
  }),
  rawTool({
    name: "test_sampling",
    title: "Sampling",
    description: "Asks the client's model to answer a prompt (conformance: tools-call-sampling).",
    annotations: asksClient,
    input: z.object({ prompt: z.string().describe("The prompt to send to the client's model") }),
    handler: async ({ input, ctx }) => {
      const result = await ctx.sample({
        messages: [{ role: "user", content: { type: "text", text: input.prompt } }],
        maxTokens: 100,
      });
      const content = Array.isArray(result.content) ? result.content[0] : result.content;
      const answer = content?.type === "text" ? content.text : JSON.stringify(content);
      return text(`LLM response: ${answer}`);
    },
  }),
  rawTool({
    name: "test_elicitation",
    title: "Elicitation",
    description: "Asks the user for a username and email (conformance: tools-call-elicitation).",
    annotations: asksClient,
    input: z.object({ message: z.string().describe("The message shown to the user") }),
    handler: async ({ input, ctx }) => {
      const r = await ctx.elicit({ message: input.message, requestedSchema: ELICITATION_SCHEMA });
      return text(`User response: action=${r.action}, content=${JSON.stringify(r.content ?? {})}`);
    },
  }),
  rawTool({
    name: "test_elicitation_sep1034_defaults",
    title: "Elicitation defaults",
    description: "Asks the user with a form whose fields have defaults (conformance: SEP-1034).",
    annotations: asksClient,
    input: NoArgs,
    handler: async ({ ctx }) => {
      const r = await ctx.elicit({
        mode: "form",
        message: "Please review and update the form fields with defaults",
        requestedSchema: SEP1034_SCHEMA,
      });
      return text(`Elicitation completed: action=${r.action}, content=${JSON.stringify(r.content ?? {})}`);
    },
  }),
  rawTool({
    name: "test_elicitation_sep1330_enums",
    title: "Elicitation enums",
    description: "Asks the user with every enum variant (conformance: SEP-1330).",
    annotations: asksClient,
    input: NoArgs,
    handler: async ({ ctx }) => {
      const r = await ctx.elicit({
        mode: "form",
        message: "Test all enum schema variants",
        requestedSchema: SEP1330_SCHEMA,
      });
      return text(`Elicitation completed: action=${r.action}, content=${JSON.stringify(r.content ?? {})}`);
    },
  }),
];

const resources = [
  defineResource({
    name: "static-text",
    title: "Static text",
    description: "A static text resource (conformance: resources-read-text).",
    mimeType: "text/plain",
    scopes: SCOPES,
    uri: "test://static-text",
    read: async ({ uri }) => [
      { uri, mimeType: "text/plain", text: "This is the content of the static text resource." },
    ],
  }),
  defineResource({
    name: "static-binary",
    title: "Static binary",
    description: "A static PNG resource (conformance: resources-read-binary).",
    mimeType: "image/png",
    scopes: SCOPES,
    uri: "test://static-binary",
    read: async ({ uri }) => [{ uri, mimeType: "image/png", blob: PNG_BASE64 }],
  }),
  defineResource({
    name: "watched-resource",
    title: "Watched resource",
    description: "A resource clients may subscribe to (conformance: resources-subscribe).",
    mimeType: "text/plain",
    scopes: SCOPES,
    uri: "test://watched-resource",
    read: async ({ uri }) => [{ uri, mimeType: "text/plain", text: "Watched resource content" }],
  }),
  defineResource({
    name: "template",
    title: "Templated data",
    description: "JSON data for an id (conformance: resources-templates-read).",
    mimeType: "application/json",
    scopes: SCOPES,
    uriTemplate: "test://template/{id}/data",
    read: async ({ uri, params }) => {
      const id = params.id;
      if (!id) throw notFound(`No id in ${uri}.`, { hint: "Read test://template/{id}/data." });
      return [
        {
          uri,
          mimeType: "application/json",
          text: JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` }),
        },
      ];
    },
    complete: { id: async (value) => ["123", "456", "789"].filter((v) => v.startsWith(value)) },
  }),
];

const ARG1_VALUES = ["test", "testValue1", "example"];

const prompts = [
  definePrompt({
    name: "test_simple_prompt",
    title: "Simple prompt",
    description: "A prompt without arguments (conformance: prompts-get-simple).",
    scopes: SCOPES,
    args: {},
    render: () => [{ role: "user", content: { type: "text", text: "This is a simple prompt for testing." } }],
  }),
  definePrompt({
    name: "test_prompt_with_arguments",
    title: "Prompt with arguments",
    description: "A prompt with two required arguments (conformance: prompts-get-with-args).",
    scopes: SCOPES,
    args: {
      arg1: { description: "First test argument", required: true },
      arg2: { description: "Second test argument", required: true },
    },
    complete: { arg1: async (value) => ARG1_VALUES.filter((v) => v.startsWith(value)) },
    render: (args) => [
      {
        role: "user",
        content: { type: "text", text: `Prompt with arguments: arg1='${args.arg1}', arg2='${args.arg2}'` },
      },
    ],
  }),
  definePrompt({
    name: "test_prompt_with_embedded_resource",
    title: "Prompt with embedded resource",
    description: "A prompt that embeds a resource (conformance: prompts-get-embedded-resource).",
    scopes: SCOPES,
    args: { resourceUri: { description: "URI of the resource to embed", required: true } },
    render: (args) => [
      {
        role: "user",
        content: {
          type: "resource",
          resource: {
            uri: args.resourceUri ?? "test://example-resource",
            mimeType: "text/plain",
            text: "Embedded resource content for testing.",
          },
        },
      },
      { role: "user", content: { type: "text", text: "Please process the embedded resource above." } },
    ],
  }),
  definePrompt({
    name: "test_prompt_with_image",
    title: "Prompt with image",
    description: "A prompt that contains an image (conformance: prompts-get-with-image).",
    scopes: SCOPES,
    args: {},
    render: () => [
      { role: "user", content: { type: "image", data: PNG_BASE64, mimeType: "image/png" } },
      { role: "user", content: { type: "text", text: "Please analyze the image above." } },
    ],
  }),
];

/** The conformance fixture: never part of a normal start (see conformance/bin.ts). */
export const conformanceFixture = defineServer({
  name: "conformance-fixture",
  title: "MCP conformance fixture",
  version: "1.0.0",
  instructions:
    "Test fixture for the official MCP conformance suite: test_* tools, test:// resources and test_* prompts.",
  toolsets: [
    { name: TOOLSET, description: "Every tool the MCP conformance server suite calls.", default: true },
  ],
  tools: [...tools, ...inputRequiredTools, ...statelessTools, ...taskTools],
  resources,
  prompts: [...prompts, ...inputRequiredPrompts],
  ports: async () => ({}),
});
