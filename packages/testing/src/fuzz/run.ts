import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { type FuzzCase, fuzzCases, type IdHints, type JsonSchema } from "./arbitraries";

/** How one answer was counted. */
export type Verdict = "ok" | "user_error" | "other";

export interface ToolCounts {
  cases: number;
  ok: number;
  user_errors: number;
  other: number;
}

export interface FuzzFailure {
  tool: string;
  seed: number;
  index: number;
  kind: FuzzCase["kind"];
  problems: string[];
  /** The arguments, with long strings shortened so the report stays readable (`args` rebuilds them from the seed). */
  args: string;
}

export interface FuzzReport {
  seed: number;
  perTool: Record<string, ToolCounts>;
  failures: FuzzFailure[];
}

/** The longest stretch of any input the answer may repeat (a short prefix of a bad value is fine). */
export const MAX_ECHO = 1024;

const STACK_FRAME = /^\s*at\s+\S.*(\(.*:\d+:\d+\)|:\d+:\d+)\s*$/m;
const FILE_PATH = /\/work\/|node_modules|\.ts:\d|\.ts\)|\.m?js:\d+:\d+/;
/** Error kinds that are the caller's: the input or the permission, not the server. */
const USER_KINDS = new Set(["user", "not_found", "denied", "rate_limited"]);

/** Every string an argument set carries, keys included. */
function stringsOf(v: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 60) return out;
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) for (const x of v) stringsOf(x, out, depth + 1);
  else if (v && typeof v === "object")
    for (const [k, x] of Object.entries(v)) {
      out.push(k);
      stringsOf(x, out, depth + 1);
    }
  return out;
}

/** Whether `answer` repeats more than MAX_ECHO characters of `input` (start, middle or end). */
export function echoes(answer: string, input: string): boolean {
  if (input.length <= MAX_ECHO || answer.length <= MAX_ECHO) return false;
  const w = MAX_ECHO + 1;
  const mid = Math.floor(input.length / 2);
  return [input.slice(0, w), input.slice(mid, mid + w), input.slice(-w)].some((part) =>
    answer.includes(part),
  );
}

/** Shortens long strings for a failure report. */
export function preview(args: unknown, max = 120): string {
  return JSON.stringify(args, (_k, v) =>
    typeof v === "string" && v.length > max ? `${v.slice(0, max)}…(${v.length} chars)` : v,
  ).slice(0, 2_000);
}

/** Problems with one answer to one generated case; none means the server behaved. */
export function checkAnswer(
  c: FuzzCase,
  answer:
    | { isError: boolean; text: string; raw: string }
    | { protocolError: { code: number; message: string } },
): { verdict: Verdict; problems: string[] } {
  const problems: string[] = [];
  const strings = stringsOf(c.args);
  if ("protocolError" in answer) {
    const { code, message } = answer.protocolError;
    if (code === -32603) problems.push(`JSON-RPC internal error: ${message.slice(0, 200)}`);
    if (STACK_FRAME.test(message)) problems.push("stack trace in the protocol error");
    if (FILE_PATH.test(message)) problems.push(`file path in the protocol error: ${message.slice(0, 200)}`);
    for (const s of strings)
      if (echoes(message, s)) problems.push(`protocol error echoes ${s.length} chars of input`);
    return { verdict: code === -32602 ? "user_error" : "other", problems };
  }
  const { isError, text, raw } = answer;
  if (STACK_FRAME.test(raw)) problems.push("stack trace in the answer");
  if (FILE_PATH.test(raw)) problems.push(`file path in the answer: ${FILE_PATH.exec(raw)?.[0]}`);
  for (const s of strings)
    if (echoes(raw, s)) {
      problems.push(`answer echoes more than ${MAX_ECHO} chars of a ${s.length}-char input`);
      break;
    }
  if (!isError) {
    if (c.field) problems.push(`accepted invalid ${c.field} (${c.kind})`);
    return { verdict: "ok", problems };
  }
  const kind = /^Error \((\w+)\)/.exec(text)?.[1];
  if (c.args.dry_run === true && /nothing was changed/i.test(text))
    problems.push("a successful dry run answered with isError: true");
  if (!kind) problems.push(`error without a kind: ${text.slice(0, 200)}`);
  if (kind === "internal" || /bug in the server/i.test(text))
    problems.push(`internal error: ${text.slice(0, 300)}`);
  if (c.field && kind === "user" && !text.includes(c.field))
    problems.push(`error does not name the field ${c.field}: ${text.slice(0, 300)}`);
  if (c.field && kind !== "user")
    problems.push(`invalid ${c.field} (${c.kind}) answered as ${kind}: ${text.slice(0, 200)}`);
  return { verdict: kind && USER_KINDS.has(kind) ? "user_error" : "other", problems };
}

export interface FuzzOptions {
  seed: number;
  /** Cases per tool. */
  cases: number;
  /** Only these tools (default: every listed tool). */
  tools?: string[];
  /** Field name → prefix of existing record ids (see IdHints). */
  ids?: IdHints;
  /** Per-call timeout in ms (a hang counts as a failure). */
  timeoutMs?: number;
}

/** Lists every tool, following cursors. */
export async function listAllTools(client: Client) {
  const tools: { name: string; inputSchema: JsonSchema }[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor ? { cursor } : {});
    tools.push(...(page.tools as { name: string; inputSchema: JsonSchema }[]));
    cursor = page.nextCursor;
  } while (cursor);
  return tools;
}

/** A seed per tool from the run's seed and the tool's name, so adding a tool does not change the others' cases. */
export const toolSeed = (seed: number, tool: string): number => {
  let h = seed >>> 0;
  for (const ch of tool) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h | 0;
};

/**
 * Drives every tool of a connected server with generated arguments through the official client and checks each
 * answer. The raw request path is used so that the client's own output-schema check does not hide the answer.
 */
export async function fuzzServer(client: Client, opts: FuzzOptions): Promise<FuzzReport> {
  const listed = await listAllTools(client);
  const tools = opts.tools ? listed.filter((t) => opts.tools?.includes(t.name)) : listed;
  const report: FuzzReport = { seed: opts.seed, perTool: {}, failures: [] };
  for (const tool of tools) {
    const seed = toolSeed(opts.seed, tool.name);
    const counts: ToolCounts = { cases: 0, ok: 0, user_errors: 0, other: 0 };
    report.perTool[tool.name] = counts;
    // in batches (a 5,000-case run never holds all its huge strings at once); batch b has seed `seed + b`, so the
    // first 300 cases of a long run are the CI run's, and `fuzzCases(schema, { seed, count: index + 1 })` rebuilds one
    for (let start = 0, b = 0; start < opts.cases; start += BATCH, b++) {
      const batchSeed = (seed + b) | 0;
      const batch = fuzzCases(tool.inputSchema, {
        seed: batchSeed,
        count: Math.min(BATCH, opts.cases - start),
        ...(opts.ids && { ids: opts.ids }),
      });
      for (const [index, c] of batch.entries())
        await runCase(client, tool.name, c, counts, opts.timeoutMs ?? 30_000, (problems) =>
          report.failures.push({
            tool: tool.name,
            seed: batchSeed,
            index,
            kind: c.kind,
            problems,
            args: preview(c.args),
          }),
        );
    }
  }
  return report;
}

/** Cases generated at a time. */
const BATCH = 100;

async function runCase(
  client: Client,
  tool: string,
  c: FuzzCase,
  counts: ToolCounts,
  timeout: number,
  fail: (problems: string[]) => void,
): Promise<void> {
  let answer: Parameters<typeof checkAnswer>[1];
  try {
    const r = await client.request(
      { method: "tools/call", params: { name: tool, arguments: c.args } },
      CallToolResultSchema,
      { timeout },
    );
    const text = (r.content as { type: string; text?: string }[]).map((p) => p.text ?? "").join("\n");
    answer = { isError: Boolean(r.isError), text, raw: JSON.stringify(r) };
  } catch (err) {
    const e = err as { code?: number; message?: string };
    answer = { protocolError: { code: e.code ?? -1, message: String(e.message ?? err) } };
  }
  const { verdict, problems } = checkAnswer(c, answer);
  counts.cases++;
  if (problems.length) counts.other++;
  else if (verdict === "ok") counts.ok++;
  else if (verdict === "user_error") counts.user_errors++;
  else counts.other++;
  if (problems.length) fail(problems);
}

/** One line per tool and a total, for the console. */
export function formatReport(server: string, report: FuzzReport): string {
  const rows = Object.entries(report.perTool);
  const width = Math.max(20, ...rows.map(([n]) => n.length));
  const line = (name: string, c: ToolCounts) =>
    `${name.padEnd(width)} ${String(c.cases).padStart(7)} ${String(c.ok).padStart(7)} ${String(c.user_errors).padStart(11)} ${String(c.other).padStart(7)}`;
  const total = rows.reduce(
    (t, [, c]) => ({
      cases: t.cases + c.cases,
      ok: t.ok + c.ok,
      user_errors: t.user_errors + c.user_errors,
      other: t.other + c.other,
    }),
    { cases: 0, ok: 0, user_errors: 0, other: 0 },
  );
  return [
    `${server} (seed ${report.seed})`,
    `${"tool".padEnd(width)} ${"cases".padStart(7)} ${"ok".padStart(7)} ${"user errors".padStart(11)} ${"other".padStart(7)}`,
    ...rows.map(([n, c]) => line(n, c)),
    line("TOTAL", total),
  ].join("\n");
}

/** Groups failures by tool and first problem, with the first reproducing case of each. */
export function summarizeFailures(failures: FuzzFailure[], max = 20): string {
  const groups = new Map<string, { count: number; first: FuzzFailure }>();
  for (const f of failures) {
    const key = `${f.tool}: ${f.problems[0]?.replace(/\d[\d,]*/g, "N").slice(0, 120)}`;
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, { count: 1, first: f });
  }
  return [...groups]
    .slice(0, max)
    .map(
      ([key, { count, first }]) =>
        `${count}× ${key}\n    seed ${first.seed} case ${first.index} (${first.kind}): ${first.problems.join(" | ").slice(0, 400)}\n    args: ${first.args}`,
    )
    .join("\n");
}

/** A value as a URI part; a lone surrogate as the bytes a careless encoder would send. */
const uriPart = (v: string): string => {
  try {
    return encodeURIComponent(v);
  } catch {
    return "%ED%A0%80";
  }
};

/** Malformed protocol requests (the SDK's own schemas refuse them): each must be -32602/-32601/-32002, never -32603. */
export async function fuzzProtocol(client: Client, toolName: string): Promise<FuzzFailure[]> {
  const huge = "o".repeat(900_000);
  const requests: { method: string; params?: unknown }[] = [
    { method: "tools/call", params: { name: toolName, arguments: [1, 2] } },
    { method: "tools/call", params: { name: 5, arguments: {} } },
    { method: "tools/call", params: { arguments: {} } },
    { method: "tools/call", params: { name: toolName, arguments: "x" } },
    { method: "tools/call", params: { name: huge, arguments: {} } },
    { method: "tools/call", params: { name: "no_such_tool\u0000🚀", arguments: {} } },
    { method: "tools/list", params: { cursor: "garbage" } },
    { method: "tools/list", params: { cursor: huge } },
    { method: "tools/list", params: { cursor: 42 } },
    { method: "resources/list", params: { cursor: "%%%" } },
    { method: "resources/templates/list", params: { cursor: Buffer.from("o:-5").toString("base64url") } },
    { method: "prompts/list", params: { cursor: Buffer.from("o:1e9").toString("base64url") } },
    { method: "resources/read", params: { uri: huge } },
    { method: "resources/read", params: { uri: 7 } },
    { method: "prompts/get", params: { name: huge } },
    { method: "prompts/get", params: { name: ["x"] } },
    { method: "completion/complete", params: { ref: { type: "ref/prompt", name: 1 }, argument: {} } },
    { method: "logging/setLevel", params: { level: "loudest" } },
  ];
  // prompts and resource templates with adversarial values in every argument / variable
  const values = [
    "\ud800",
    "'; DROP TABLE sb_deals; --",
    "🚀".repeat(50_000),
    "__proto__",
    "",
    "../x",
    "%00",
  ];
  const prompts = await client.listPrompts().catch(() => ({ prompts: [] }));
  for (const p of prompts.prompts)
    for (const v of values)
      requests.push({
        method: "prompts/get",
        params: { name: p.name, arguments: Object.fromEntries((p.arguments ?? []).map((a) => [a.name, v])) },
      });
  const templates = await client.listResourceTemplates().catch(() => ({ resourceTemplates: [] }));
  for (const t of templates.resourceTemplates)
    for (const v of values)
      requests.push({
        method: "resources/read",
        params: { uri: t.uriTemplate.replace(/\{[^}]+\}/g, uriPart(v)) },
      });
  const failures: FuzzFailure[] = [];
  for (const [index, req] of requests.entries()) {
    const problems: string[] = [];
    try {
      // biome-ignore lint/suspicious/noExplicitAny: deliberately malformed requests
      await client.request(req as any, CallToolResultSchema.passthrough().partial(), { timeout: 30_000 });
    } catch (err) {
      const e = err as { code?: number; message?: string };
      const message = String(e.message ?? err);
      if (e.code === -32603 || e.code === undefined)
        problems.push(`${req.method} answered ${e.code}: ${message.slice(0, 200)}`);
      if (message.length > 2 * MAX_ECHO) problems.push(`${req.method} error is ${message.length} chars long`);
      if (STACK_FRAME.test(message) || FILE_PATH.test(message))
        problems.push(`${req.method}: internals in ${message.slice(0, 200)}`);
    }
    if (problems.length)
      failures.push({
        tool: req.method,
        seed: 0,
        index,
        kind: "wrong_type",
        problems,
        args: preview(req.params),
      });
  }
  return failures;
}
