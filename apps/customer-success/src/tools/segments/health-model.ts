import { annotations } from "@revops/kit";
import { fromVendor } from "@revops/safety/vendor-errors";
import { z } from "zod";
import {
  DEFAULT_HEALTH_WEIGHTS,
  HEALTH_METHOD,
  type HealthComponent,
  healthScore,
} from "../../domain/health";
import { COMPONENT_NAMES } from "../../domain/health-model";
import { csTool } from "../../ports";
import { segmentsToolset } from "./toolset";

/** What each component measures, in the words a CSM would use. */
export const COMPONENT_MEANING: Record<HealthComponent, string> = {
  usage: "product events last 30 days vs the 30 before (full points at no decline, none at −50%)",
  adoption: "monthly active users per paid seat (full points at 70%)",
  support: "tickets + 2×urgent + 3×bad CSAT in 90 days (none at 30)",
  nps: "average NPS score in 180 days (60% of the points without responses)",
};
export const BANDS_RULE = "high risk < 45, medium < 65, medium renewing within 90 days counts high";
const VERSIONS_SHOWN = 5;

export const healthModel = csTool({
  name: "health_model",
  title: "Health score model",
  description: "The health score's components, active weights, risk bands and weight versions.",
  toolset: segmentsToolset.name,
  scopes: ["cs:read"],
  ports: ["support"],
  annotations: annotations.read,
  input: z.object({}).strict(),
  output: z.object({
    method: z.string(),
    version: z.number(),
    components: z.array(
      z.object({ component: z.string(), weight: z.number(), max_points: z.number(), measures: z.string() }),
    ),
    bands: z.string(),
    accounts_by_band: z.record(z.string(), z.number()),
    versions: z.array(
      z.object({
        version: z.number(),
        weights: z.record(z.string(), z.number()),
        note: z.string().nullable(),
        by: z.string().nullable(),
        at: z.string().nullable(),
      }),
    ),
  }),
  example: {},
  handler: async ({ ctx }) => {
    const [versions, today, signals] = await Promise.all([
      ctx.ports.healthModel.versions(DEFAULT_HEALTH_WEIGHTS),
      ctx.ports.today(),
      fromVendor(() => ctx.ports.support.accountSignals()),
    ]);
    const active = versions[0] as (typeof versions)[number];
    const weights = { ...DEFAULT_HEALTH_WEIGHTS, ...active.weights };
    const byBand: Record<string, number> = { high: 0, medium: 0, low: 0 };
    for (const s of signals) {
      const risk = healthScore(s, today, weights).risk;
      byBand[risk] = (byBand[risk] ?? 0) + 1;
    }
    return {
      method: HEALTH_METHOD,
      version: active.version,
      components: COMPONENT_NAMES.map((c) => ({
        component: c,
        weight: weights[c],
        max_points: Math.round(weights[c] * 1000) / 10,
        measures: COMPONENT_MEANING[c],
      })),
      bands: BANDS_RULE,
      accounts_by_band: byBand,
      versions: versions.slice(0, VERSIONS_SHOWN).map((v) => ({
        version: v.version,
        weights: v.weights,
        note: v.note,
        by: v.principal,
        at: v.createdAt,
      })),
    };
  },
  render: (o) =>
    `${o.method} weights v${o.version}: ${o.components.map((c) => `${c.component} ${c.weight}`).join(", ")}. Bands: ${o.bands}. Customers by band: ${JSON.stringify(o.accounts_by_band)}.`,
});
