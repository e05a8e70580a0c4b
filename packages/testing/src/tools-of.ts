import type { ServerModule } from "@revops/kit";

/** Every tool a server serves, with its public name as the kit names it (shared modules keep theirs). */
export function toolsOf(modules: readonly ServerModule[], namespace = false) {
  return modules.flatMap((m) => {
    const prefix = (n: string) => (namespace && !m.shared ? `${m.name}_${n}` : n);
    const defaults = new Set(m.toolsets.filter((t) => t.default).map((t) => t.name));
    return m.tools.map((def) => ({
      publicName: prefix(def.name),
      def,
      defaultOn: defaults.has(def.toolset),
      toolset: prefix(def.toolset),
    }));
  });
}
