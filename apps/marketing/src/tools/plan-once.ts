import type { ToolContext } from "@revops/kit";
import type { MarketingPorts } from "../ports";

/**
 * A guarded write's plan derived once per call: the guard's preview keeps its fresh reads, and the handler of the
 * same call reuses them when the input is the same, so it writes exactly what was confirmed.
 */
export function planOnce<I, D extends { plan: unknown }>(
  derive: (i: I, ctx: ToolContext<MarketingPorts>) => Promise<D>,
  keyOf: (i: I) => string,
) {
  const kept = new WeakMap<object, { key: string; derived: D }>();
  return {
    preview: async (i: I, ctx: ToolContext<MarketingPorts>) => {
      const derived = await derive(i, ctx);
      kept.set(ctx, { key: keyOf(i), derived });
      return derived.plan;
    },
    derived: async (i: I, ctx: ToolContext<MarketingPorts>): Promise<D> => {
      const k = kept.get(ctx);
      return k?.key === keyOf(i) ? k.derived : derive(i, ctx);
    },
  };
}
