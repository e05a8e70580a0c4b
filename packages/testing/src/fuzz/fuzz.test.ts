import { defineServer, defineTool, type ToolDefinition, userError } from "@revops/kit";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { connectInProcess } from "../in-process";
import { fuzzCases, type JsonSchema, nested } from "./arbitraries";
import { checkAnswer, echoes, formatReport, fuzzServer, summarizeFailures, toolSeed } from "./run";
import { describeServerFuzz } from "./suite";

const ro = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
const listTool = defineTool({
  name: "things_list",
  title: "Things",
  description: "Lists things.",
  toolset: "main",
  scopes: [],
  annotations: ro,
  input: z.object({
    kind: z.enum(["a", "b"]).optional(),
    owner_id: z.string().max(64).optional().describe("e.g. usr_0042"),
    since: z.string().date().optional(),
    limit: z.number().int().min(1).max(100).default(25),
    tags: z.array(z.string().max(40)).max(5).optional(),
    cursor: z.string().max(512).optional(),
  }),
  output: z.object({ count: z.number() }),
  handler: ({ input }) => {
    if (input.cursor && input.cursor !== "ok") throw userError("Invalid cursor.", { fields: ["cursor"] });
    return { count: input.limit };
  },
});
const sloppy = defineTool({
  name: "sloppy_get",
  title: "Sloppy",
  description: "Crashes on emoji and repeats its input whole.",
  toolset: "main",
  scopes: [],
  annotations: ro,
  input: z.object({ q: z.string() }),
  output: z.object({ note: z.string() }),
  handler: ({ input }) => {
    if (/\p{Extended_Pictographic}/u.test(input.q)) throw new Error("boom at /work/main/x.ts:1:1");
    return { note: `You asked for ${input.q}` };
  },
});
const server = (tools: ToolDefinition[]) =>
  defineServer({
    name: "fz",
    title: "Fuzz",
    version: "1",
    instructions: "test",
    toolsets: [{ name: "main", description: "", default: true }],
    tools,
    resources: [],
    prompts: [],
    ports: async () => ({}),
  });

const schema: JsonSchema = {
  type: "object",
  properties: {
    id: { type: "string", description: "e.g. acc_0042" },
    day: { type: "string", format: "date" },
    n: { type: "integer", minimum: 1, maximum: 5 },
    mode: { type: "string", enum: ["x", "y"] },
    cursor: { type: "string" },
    tags: { type: "array", items: { type: "string" }, maxItems: 3 },
  },
  required: ["id"],
};

describe("fuzzCases", () => {
  it("is deterministic per seed and mixes valid and adversarial cases", () => {
    const a = fuzzCases(schema, { seed: 7, count: 300 });
    const b = fuzzCases(schema, { seed: 7, count: 300 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(fuzzCases(schema, { seed: 8, count: 300 }))).not.toBe(JSON.stringify(a));
    const kinds = new Set(a.map((c) => c.kind));
    for (const k of ["valid", "wrong_type", "missing_required", "huge_string", "unicode", "bogus_cursor"])
      expect(kinds).toContain(k);
    for (const c of a.filter((x) => x.kind === "valid")) {
      expect(typeof c.args.id).toBe("string");
      if (c.args.day !== undefined) expect(c.args.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      if (c.args.n !== undefined) expect(c.args.n).toBeGreaterThanOrEqual(1);
      if (c.args.mode !== undefined) expect(["x", "y"]).toContain(c.args.mode);
    }
    expect(a.some((c) => c.kind === "missing_required" && !("id" in c.args))).toBe(true);
    expect(
      a.some((c) => Object.values(c.args).some((v) => typeof v === "string" && v.length >= 100_000)),
    ).toBe(true);
  });

  it("uses id hints and builds deep values", () => {
    const cases = fuzzCases(schema, { seed: 1, count: 100, ids: { id: "acc" } });
    expect(cases.some((c) => /^acc_\d{4}$/.test(String(c.args.id)))).toBe(true);
    expect(JSON.stringify(nested(3))).toBe('{"a":[{"a":"x"}]}');
  });
});

describe("checkAnswer", () => {
  const c = { kind: "wrong_type" as const, args: { limit: "x" }, field: "limit" };
  it("counts a named user error as the caller's", () => {
    const text = "Error (user): Invalid arguments for t: limit: expected number.";
    expect(checkAnswer(c, { isError: true, text, raw: text })).toEqual({
      verdict: "user_error",
      problems: [],
    });
  });

  it("flags internals, unnamed fields, accepted invalid input and -32603", () => {
    const internal =
      "Error (internal): x\nNext: This is a bug in the server\n    at run (/work/main/a.ts:1:2)";
    const r = checkAnswer(c, { isError: true, text: internal, raw: internal });
    expect(r.verdict).toBe("other");
    expect(r.problems.join("|")).toMatch(/stack trace.*file path.*internal error/);
    expect(checkAnswer(c, { isError: true, text: "Error (user): bad", raw: "" }).problems[0]).toMatch(
      /name the field/,
    );
    expect(checkAnswer(c, { isError: false, text: "ok", raw: "ok" }).problems[0]).toMatch(
      /accepted invalid limit/,
    );
    expect(checkAnswer(c, { protocolError: { code: -32603, message: "x" } }).problems[0]).toMatch(/internal/);
    const dry = { kind: "valid" as const, args: { dry_run: true } };
    const text = "Error (user): Dry run, nothing was changed.";
    expect(checkAnswer(dry, { isError: true, text, raw: text }).problems).toHaveLength(1);
  });

  it("sees an echo of more than 1 KB of an input, not a short prefix", () => {
    const big = "q".repeat(5_000);
    expect(echoes(`a ${big}`, big)).toBe(true);
    expect(echoes(`a "${big.slice(0, 80)}…" (5,000 chars) ${"z".repeat(2000)}`, big)).toBe(false);
  });
});

describe("fuzzServer", () => {
  it("finds a crash and an echo in a sloppy tool, and prints the seed and the arguments", async () => {
    const s = await connectInProcess([server([listTool, sloppy])]);
    try {
      const report = await fuzzServer(s.client, { seed: 3, cases: 150 });
      expect(report.perTool.things_list?.other).toBe(0);
      expect(report.perTool.sloppy_get?.cases).toBe(150);
      const problems = report.failures.filter((f) => f.tool === "sloppy_get").flatMap((f) => f.problems);
      expect(problems.some((p) => /internal error/.test(p))).toBe(true);
      expect(problems.some((p) => /echoes more than/.test(p))).toBe(true);
      expect(formatReport("fz", report)).toMatch(/TOTAL\s+300/);
      expect(summarizeFailures(report.failures)).toMatch(/seed -?\d+ case \d+/);
      expect(toolSeed(3, "a")).not.toBe(toolSeed(3, "b"));
    } finally {
      await s.close();
    }
  }, 60_000);
});

// the same suite the apps run, on a well-behaved server
describeServerFuzz("fz", async () => {
  const s = await connectInProcess([server([listTool])]);
  return { client: s.client, journal: async () => 0, close: s.close };
});
