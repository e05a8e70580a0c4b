import { ConfigError } from "./config";
import {
  appOnly,
  type Principal,
  type PromptDefinition,
  type ResourceDefinition,
  type ServerModule,
  type ToolDefinition,
} from "./define";
import { withGuardInputs } from "./guard-inputs";
import { viewResource } from "./views";

/** A tool as served: its public (possibly namespaced) name and the module it belongs to. */
export interface ToolEntry {
  name: string;
  toolset: string;
  def: ToolDefinition;
  module: ServerModule;
}
export interface ResourceEntry {
  def: ResourceDefinition;
  module: ServerModule;
}
export interface PromptEntry {
  name: string;
  def: PromptDefinition;
  module: ServerModule;
}

export interface Selection {
  toolsets?: readonly string[] | undefined;
  tools?: readonly string[] | undefined;
  excludeTools?: readonly string[] | undefined;
  readOnly?: boolean | undefined;
}

export interface Registry {
  tools: ToolEntry[];
  resources: ResourceEntry[];
  prompts: PromptEntry[];
  toolsets: { name: string; description: string; default: boolean }[];
}

/** Builds the registry of one server or, with namespacing, of several served as one (the suite). */
export function buildRegistry(modules: readonly ServerModule[], namespace: boolean): Registry {
  const prefix = (m: ServerModule, n: string) => (namespace && !m.shared ? `${m.name}_${n}` : n);
  const tools = modules.flatMap((m) =>
    m.tools.map((def) => ({
      name: prefix(m, def.name),
      toolset: prefix(m, def.toolset),
      def: withGuardInputs(def),
      module: m,
    })),
  );
  const seen = new Set<string>();
  for (const t of tools) {
    if (seen.has(t.name)) throw new Error(`Duplicate tool name ${t.name}`);
    seen.add(t.name);
    if (!/^[a-z][a-z0-9_]{0,63}$/.test(t.name)) throw new Error(`Tool name ${t.name} must be snake_case`);
  }
  return {
    tools,
    resources: [
      ...modules.flatMap((m) => m.resources.map((def) => ({ def, module: m }))),
      ...viewResources(tools),
    ],
    prompts: modules.flatMap((m) => m.prompts.map((def) => ({ name: prefix(m, def.name), def, module: m }))),
    toolsets: modules.flatMap((m) => m.toolsets.map((t) => ({ ...t, name: prefix(m, t.name) }))),
  };
}

/** One `ui://` resource per view, readable with the scopes of the first tool naming it. */
function viewResources(tools: readonly ToolEntry[]): ResourceEntry[] {
  const byUri = new Map<string, ResourceEntry>();
  for (const t of tools) {
    const view = t.def.view;
    if (view && !byUri.has(view.uri))
      byUri.set(view.uri, { def: viewResource(view, t.def.scopes), module: t.module });
  }
  return [...byUri.values()];
}

/** Applies --toolsets / --tools / --exclude-tools / --read-only; unknown names stop start-up with the valid ones. */
export function selectTools(reg: Registry, sel: Selection): ToolEntry[] {
  const toolsetNames = reg.toolsets.map((t) => t.name);
  const toolNames = reg.tools.map((t) => t.name);
  const wanted = sel.toolsets?.includes("all") ? toolsetNames : sel.toolsets;
  for (const ts of wanted ?? []) {
    if (!toolsetNames.includes(ts)) {
      throw new ConfigError(
        `Unknown toolset "${ts}" (REVOPS_TOOLSETS / --toolsets). Valid: all, ${toolsetNames.join(", ")}.`,
      );
    }
  }
  for (const name of [...(sel.tools ?? []), ...(sel.excludeTools ?? [])]) {
    if (!toolNames.includes(name)) {
      throw new ConfigError(
        `Unknown tool "${name}" (REVOPS_TOOLS / REVOPS_EXCLUDE_TOOLS). Valid: ${toolNames.join(", ")}.`,
      );
    }
  }
  const onSets = new Set(wanted ?? reg.toolsets.filter((t) => t.default).map((t) => t.name));
  const explicit = new Set(sel.tools ?? []);
  const chosen = reg.tools.filter(
    (t) =>
      !appOnly(t.def) &&
      (onSets.has(t.toolset) || explicit.has(t.name)) &&
      !sel.excludeTools?.includes(t.name) &&
      !(sel.readOnly && !t.def.annotations.readOnlyHint),
  );
  // an app-only tool goes with the views that call it: served exactly when a chosen tool shows its view
  const shown = new Set(chosen.flatMap((t) => (t.def.view ? [t.def.view.uri] : [])));
  const forViews = reg.tools.filter(
    (t) => appOnly(t.def) && t.def.view && shown.has(t.def.view.uri) && !sel.excludeTools?.includes(t.name),
  );
  return [...chosen, ...forViews];
}

/** Scope check: "*" grants all; "sales:*" grants every sales scope. */
export function hasScopes(principal: Principal, required: readonly string[]): boolean {
  return required.every((scope) =>
    principal.scopes.some(
      (g) => g === "*" || g === scope || (g.endsWith(":*") && scope.startsWith(g.slice(0, -1))),
    ),
  );
}

export function missingScopes(principal: Principal, required: readonly string[]): string[] {
  return required.filter((s) => !hasScopes(principal, [s]));
}
