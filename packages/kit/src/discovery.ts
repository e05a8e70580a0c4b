import { z } from "zod";
import { ConfigError } from "./config";
import { defineServer, defineTool, guardKindLabel, type ServerModule, type ToolAnnotations } from "./define";
import { hasScopes, type Registry, type ToolEntry } from "./registry";

/**
 * Progressive discovery (REVOPS_TOOL_DISCOVERY=search): tools/list shows a few core tools plus `tools_search`;
 * every other selected tool stays callable by name, found through the search. Nothing here is per connection:
 * the catalogue is fixed per process, so a found tool is callable without a refreshed tool list, on any replica.
 */
export const TOOLS_SEARCH = "tools_search";

export type DiscoveryMode = "all" | "search";

/** One tool as a search returns it: enough to call it directly, and to know what calling it means. */
export interface FoundTool {
  name: string;
  title: string;
  description: string;
  toolset: string;
  annotations: ToolAnnotations;
  scopes: string[];
  /** destructive | outbound | spend | by-arguments: a human confirms the exact change before it runs. */
  guard?: string;
  input_schema: Record<string, unknown>;
}

/**
 * The tools listed up front in search mode: the configured names, or else the first read-only tool of each
 * module's default toolsets (a module's lead read, e.g. the suite's sales_deals_list). Unknown names stop start-up.
 */
export function coreToolNames(
  registry: Registry,
  selected: readonly ToolEntry[],
  configured: readonly string[] | undefined,
): string[] {
  if (configured?.length) {
    const known = new Set(selected.map((t) => t.name));
    for (const name of configured) {
      if (!known.has(name)) {
        const why = registry.tools.some((t) => t.name === name) ? "is not enabled" : "does not exist";
        throw new ConfigError(
          `Core tool "${name}" (REVOPS_CORE_TOOLS) ${why}. Valid: ${[...known].join(", ")}.`,
        );
      }
    }
    return [...configured];
  }
  const defaults = new Set(registry.toolsets.filter((s) => s.default).map((s) => s.name));
  const core: string[] = [];
  const seen = new Set<ServerModule>();
  for (const t of selected) {
    if (seen.has(t.module) || !defaults.has(t.toolset) || !t.def.annotations.readOnlyHint) continue;
    seen.add(t.module);
    core.push(t.name);
  }
  return core;
}

// --- ranking: token overlap, weighted by field and by rarity (idf); deterministic, no dependency -----------------

const STOP = new Set(
  "a an the to of for in on at by with and or from into my our your me i we it its this that is are be do does can how what which who all some".split(
    " ",
  ),
);

/** Generic verbs people use for the kit's noun_verb names (no domain words here: the kit knows no domain). */
const VERBS: Record<string, string[]> = {
  mov: ["updat"],
  chang: ["updat"],
  edit: ["updat"],
  modify: ["updat"],
  modifi: ["updat"],
  set: ["updat"],
  assign: ["updat"],
  reassign: ["updat"],
  advanc: ["updat"],
  show: ["list", "get"],
  find: ["list", "get"],
  view: ["list", "get"],
  fetch: ["list", "get"],
  see: ["list", "get"],
  look: ["list", "get"],
  search: ["list"],
  remov: ["delet"],
  add: ["creat", "updat"],
  new: ["creat"],
  mail: ["email", "send"],
  email: ["send"],
};

/** Crude, stable stemming: enough that deals/deal's/deal and update/updates/updated meet. */
export function stem(word: string): string {
  const w = word.replace(/'s$/, "");
  for (const suffix of ["ing", "ies", "es", "ed", "s", "e"]) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3) {
      return suffix === "ies" ? `${w.slice(0, -3)}y` : w.slice(0, -suffix.length);
    }
  }
  return w;
}

export const terms = (text: string): string[] =>
  text
    .toLowerCase()
    .split(/[^a-z0-9']+/)
    .map((w) => w.replace(/^'+|'+$/g, ""))
    .filter((w) => w && !STOP.has(w))
    .map(stem);

/** Property names, enum values and descriptions of an input schema: "negotiation" finds the deal tools. */
function schemaWords(schema: unknown, out: string[] = []): string[] {
  if (Array.isArray(schema)) for (const v of schema) schemaWords(v, out);
  else if (schema && typeof schema === "object") {
    for (const [k, v] of Object.entries(schema)) {
      if (k === "properties" && v && typeof v === "object") out.push(...Object.keys(v));
      if (k === "enum" && Array.isArray(v)) out.push(...v.map(String));
      if (k === "description" && typeof v === "string") out.push(v);
      schemaWords(v, out);
    }
  }
  return out;
}

interface Indexed {
  entry: ToolEntry;
  fields: { weight: number; terms: Set<string> }[];
}

/** A search index over a fixed catalogue; built once per process. */
export class ToolIndex {
  private readonly docs: Indexed[];
  private readonly df = new Map<string, number>();

  constructor(entries: readonly ToolEntry[], schemaOf: (t: ToolEntry) => Record<string, unknown>) {
    this.docs = entries.map((entry) => ({
      entry,
      fields: [
        { weight: 3, terms: new Set(terms(entry.name.replace(/_/g, " "))) },
        { weight: 2, terms: new Set(terms(entry.def.title)) },
        { weight: 1.5, terms: new Set(terms(entry.toolset.replace(/_/g, " "))) },
        { weight: 1, terms: new Set(terms(entry.def.description)) },
        { weight: 0.5, terms: new Set(terms(schemaWords(schemaOf(entry)).join(" "))) },
      ],
    }));
    for (const d of this.docs) {
      for (const t of new Set(d.fields.flatMap((f) => [...f.terms])))
        this.df.set(t, (this.df.get(t) ?? 0) + 1);
    }
  }

  /** Tools matching the query, best first (ties by name); `allowed` filters before ranking. */
  search(query: string, allowed: (t: ToolEntry) => boolean, limit: number): ToolEntry[] {
    const words = [...new Set(terms(query))];
    const weighted = new Map<string, number>();
    for (const w of words) {
      weighted.set(w, Math.max(weighted.get(w) ?? 0, 1));
      for (const s of VERBS[w] ?? []) weighted.set(s, Math.max(weighted.get(s) ?? 0, 0.8));
    }
    const n = this.docs.length;
    const scored: { entry: ToolEntry; score: number }[] = [];
    for (const d of this.docs) {
      if (!allowed(d.entry)) continue;
      let score = 0;
      for (const [term, boost] of weighted) {
        const best = Math.max(0, ...d.fields.filter((f) => f.terms.has(term)).map((f) => f.weight));
        if (best) score += best * boost * Math.log(1 + n / (this.df.get(term) ?? 1));
      }
      if (score > 0) scored.push({ entry: d.entry, score });
    }
    scored.sort((a, b) => b.score - a.score || a.entry.name.localeCompare(b.entry.name));
    return scored.slice(0, limit).map((s) => s.entry);
  }
}

// --- the tools_search tool ---------------------------------------------------------------------------------------

const FoundSchema = z.object({
  name: z.string(),
  title: z.string(),
  description: z.string(),
  toolset: z.string(),
  annotations: z.object({
    readOnlyHint: z.boolean(),
    destructiveHint: z.boolean(),
    idempotentHint: z.boolean(),
    openWorldHint: z.boolean(),
  }),
  scopes: z.array(z.string()),
  guard: z.string().optional(),
  input_schema: z.record(z.string(), z.unknown()),
});

const SearchOutput = z.object({ tools: z.array(FoundSchema), summary: z.string() });
type SearchOutput = z.output<typeof SearchOutput>;

const flag = (t: FoundTool) =>
  t.guard
    ? `writes; a human confirms (${t.guard})`
    : t.annotations.readOnlyHint
      ? "read-only"
      : "writes, no confirmation";

/** One block per tool: name, what it does, what calling it means, and the schema to call it with. */
function renderFound(out: SearchOutput): string {
  if (!out.tools.length) return out.summary;
  const blocks = out.tools.map(
    (t) =>
      `${t.name}: ${t.description} [${flag(t)}; scopes ${t.scopes.join(", ")}]\n  input: ${JSON.stringify(t.input_schema)}`,
  );
  return `${out.summary}\n${blocks.join("\n")}`;
}

/** The kit's own module: tools_search, kept out of namespacing (one search for the whole suite). */
export function discoveryModule(opts: {
  index: () => ToolIndex;
  found: (t: ToolEntry) => FoundTool;
  toolsets: () => string[];
}): ServerModule {
  const toolsSearch = defineTool({
    name: TOOLS_SEARCH,
    title: "Search tools",
    description:
      "Finds more tools by what you want done, in plain words; call a found tool by its name with its input schema.",
    toolset: "discovery",
    scopes: [],
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    input: z
      .object({
        query: z.string().trim().min(1).max(200).describe("what you want to do"),
        limit: z.number().int().min(1).max(10).default(5),
      })
      .strict(),
    output: SearchOutput,
    render: renderFound,
    handler: ({ input, ctx }): SearchOutput => {
      const hits = opts
        .index()
        .search(
          input.query,
          (t) => t.name !== TOOLS_SEARCH && hasScopes(ctx.principal, t.def.scopes),
          input.limit,
        );
      const tools = hits.map(opts.found);
      const summary = tools.length
        ? `${tools.length} tool(s); call one by name with arguments matching its input schema.`
        : `No tool matches "${input.query.slice(0, 80)}". Try other words; toolsets: ${opts.toolsets().join(", ")}.`;
      return { tools, summary };
    },
  });
  return defineServer({
    name: "discovery",
    shared: true,
    title: "Tool discovery",
    version: "1.0.0",
    instructions: "",
    toolsets: [{ name: "discovery", description: "Search over every enabled tool", default: false }],
    tools: [toolsSearch],
    resources: [],
    prompts: [],
    ports: async () => ({}),
  });
}

/** What a search returns for one tool: its listing, minus the output schema, plus scopes and guard in plain fields. */
export function foundTool(
  t: ToolEntry,
  listed: { description?: string; inputSchema: Record<string, unknown> },
): FoundTool {
  const guard = guardKindLabel(t.def);
  return {
    name: t.name,
    title: t.def.title,
    description: listed.description ?? t.def.description,
    toolset: t.toolset,
    annotations: { ...t.def.annotations },
    scopes: [...t.def.scopes],
    ...(guard && { guard }),
    input_schema: listed.inputSchema,
  };
}
