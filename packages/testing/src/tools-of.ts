import { appOnly, type ServerModule } from "@revops/kit";

/** Every tool a server serves, with its public name as the kit names it (shared modules keep theirs). */
export function toolsOf(modules: readonly ServerModule[], namespace = false) {
  const tools = modules.flatMap((m) => {
    const prefix = (n: string) => (namespace && !m.shared ? `${m.name}_${n}` : n);
    const defaults = new Set(m.toolsets.filter((t) => t.default).map((t) => t.name));
    return m.tools.map((def) => ({
      publicName: prefix(def.name),
      def,
      defaultOn: defaults.has(def.toolset),
      toolset: prefix(def.toolset),
    }));
  });
  // an app-only tool is served with the views that call it (the kit's selectTools)
  const shownByDefault = new Set(
    tools.flatMap((t) => (t.defaultOn && !appOnly(t.def) && t.def.view ? [t.def.view.uri] : [])),
  );
  return tools.map((t) =>
    appOnly(t.def) ? { ...t, defaultOn: Boolean(t.def.view && shownByDefault.has(t.def.view.uri)) } : t,
  );
}

/** Listed for views only (MCP Apps visibility ["app"]). */
export const listedAppOnly = (t: { _meta?: Record<string, unknown> | undefined }): boolean => {
  const visibility = (t._meta?.ui as { visibility?: string[] } | undefined)?.visibility;
  return visibility !== undefined && !visibility.includes("model");
};
