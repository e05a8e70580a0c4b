import { z } from "zod";
import {
  type GuardKind,
  guardKindLabel,
  type ServerModule,
  type ToolAnnotations,
  type ToolDefinition,
  type ToolsetDefinition,
} from "./define";
import { withGuardInputs } from "./guard-inputs";
import { listedSchemas } from "./listed-schemas";
import { toolConnectionNames } from "./tool-connections";

type ObjectSchema = { type: "object" } & Record<string, unknown>;

/**
 * A tool as a server's generated tool index keeps it (ADR 0053): what listing, selection, scopes, guards and views
 * need before its module is loaded, and the JSON Schemas it is listed with.
 */
export interface IndexedTool {
  name: string;
  title: string;
  description: string;
  toolset: string;
  scopes: string[];
  annotations: ToolAnnotations;
  /** A planned guard's kind as listed ("by-arguments" when the arguments decide), or why it needs none. */
  guard?: { kind: string } | { none: string };
  ports?: string[];
  raw?: boolean;
  clientCapabilities?: ToolDefinition["clientCapabilities"];
  visibility?: ToolDefinition["visibility"];
  task?: ToolDefinition["task"];
  view?: { uri: string; title: string; description: string };
  inputSchema: ObjectSchema;
  outputSchema?: ObjectSchema;
}

/** A server's tool index: its toolsets and every tool's facts, generated from the definitions and checked by a test. */
export interface ToolIndexFile {
  toolsets: ToolsetDefinition[];
  tools: IndexedTool[];
}

/** The tool index of a server's tools, as JSON (the committed file is this, and a test keeps it equal). */
export function toolIndexOf(
  tools: readonly ToolDefinition[],
  toolsets: readonly ToolsetDefinition[],
): ToolIndexFile {
  return JSON.parse(JSON.stringify({ toolsets, tools: tools.map(indexedTool) }));
}

function indexedTool(def: ToolDefinition): IndexedTool {
  const g = def.guard;
  return {
    name: def.name,
    title: def.title,
    description: def.description,
    toolset: def.toolset,
    scopes: [...def.scopes],
    annotations: def.annotations,
    ...(g && { guard: "kind" in g ? { kind: guardKindLabel(def) as string } : { none: g.none } }),
    ...(def.ports && { ports: [...def.ports] }),
    ...(def.raw && { raw: def.raw }),
    ...(def.clientCapabilities && { clientCapabilities: def.clientCapabilities }),
    ...(def.visibility && { visibility: def.visibility }),
    ...(def.task && { task: def.task }),
    ...(def.view && {
      view: { uri: def.view.uri, title: def.view.title, description: def.view.description },
    }),
    // listed as the registry serves it: a planned guard's control arguments joined to the input
    ...listedSchemas(withGuardInputs(def)),
  };
}

/**
 * The tools of a server known by its index until one is called: `load` (a dynamic import of the server's tools)
 * runs on the first call of any of them, so a start that only lists never builds their zod schemas or handlers.
 */
export function lazyTools(
  index: ToolIndexFile,
  load: () => Promise<readonly ToolDefinition[]>,
): ToolDefinition[] {
  let loaded: Promise<Map<string, ToolDefinition>> | undefined;
  const definition = async (name: string): Promise<ToolDefinition> => {
    loaded ??= load().then((tools) => new Map(tools.map((t) => [t.name, t])));
    // a failed import is tried again by the next call
    const byName = await loaded.catch((err: unknown) => {
      loaded = undefined;
      throw err;
    });
    const def = byName.get(name);
    if (!def) throw new Error(`${name} is in the tool index but not in its module: regenerate the index`);
    return def;
  };
  return index.tools.map((t) => stubOf(t, () => definition(t.name)));
}

/** Its placeholder input: no call validates against it (the kit loads the tool first). */
const UNLOADED_INPUT = z.object({});

/** A definition with the index's facts, whose behaviour (input, output, guard, handler) is its module's, loaded on use. */
function stubOf(t: IndexedTool, load: () => Promise<ToolDefinition>): ToolDefinition {
  const { inputSchema, outputSchema, guard, view, ...facts } = t;
  const notLoaded = (): never => {
    throw new Error(`${t.name} is not loaded yet: the kit loads a lazy tool before it runs`);
  };
  return {
    ...facts,
    input: UNLOADED_INPUT,
    output: UNLOADED_INPUT,
    handler: notLoaded,
    ...(guard && {
      guard:
        "none" in guard
          ? guard
          : {
              kind: guard.kind === "by-arguments" ? notLoaded : (guard.kind as GuardKind),
              preview: notLoaded,
            },
    }),
    ...(view && { view: { ...view, html: async () => (await load()).view?.html() ?? notLoaded() } }),
    lazy: { inputSchema, ...(outputSchema && { outputSchema }), load },
  } as ToolDefinition;
}

/**
 * A tool's full definition: its module's behaviour under the facts it is served with (a transformation such as the
 * confirmation card's view applies to the facts, which stay). An eager definition is returned as it is.
 */
export async function loadTool(def: ToolDefinition): Promise<ToolDefinition> {
  if (!def.lazy) return def;
  const full = await def.lazy.load();
  const { lazy: _index, input: _i, output: _o, handler: _h, guard: _g, view, ...facts } = def;
  const { input, output, handler, guard, render, example, listedInputSchema } = full;
  return {
    ...facts,
    input,
    output,
    handler,
    ...(guard && { guard }),
    ...(render && { render }),
    ...(example && { example }),
    ...(listedInputSchema && { listedInputSchema }),
    ...(view && { view: full.view?.uri === view.uri ? full.view : view }),
  };
}

/**
 * Where a lazy tool's port has named connections, its module's tools load at start: the `connection` argument they
 * then take is listed from their live schemas (the index holds each tool without it).
 */
export async function eagerWhereConnected(
  modules: readonly ServerModule[],
  env: Record<string, string | undefined>,
): Promise<ServerModule[]> {
  return Promise.all(
    modules.map(async (m) =>
      m.tools.some((t) => t.lazy && toolConnectionNames(t.ports, m.connections, env).length > 0)
        ? { ...m, tools: await Promise.all(m.tools.map(loadTool)) }
        : m,
    ),
  );
}
