import { AnalyticsMetaSchema, annotations, untrustedName, userError } from "@revops/kit";
import {
  LEAD_MODEL,
  type LeadPart,
  type LeadScore,
  OUTCOME_DAYS,
  scoreLead,
} from "@revops/sandbox/lead-model";
import { z } from "zod";
import { salesTool } from "../../ports";
import { leadModelFor } from "./lead-model";
import { leadsToolset } from "./toolset";

const r2 = (v: number) => Math.round(v * 100) / 100;
const CLOSED = new Set(["converted", "disqualified"]);
/** One part's log-odds and its two largest drivers ("crm_score +0.62"). */
const partOf = (s: LeadScore, p: LeadPart) => ({
  log_odds: r2(s.parts[p].logOdds),
  drivers: s.parts[p].drivers
    .filter((d) => Math.abs(d.logOdds) >= 0.05)
    .slice(0, 2)
    .map((d) => `${d.feature} ${d.logOdds >= 0 ? "+" : ""}${r2(d.logOdds)}`),
});

const PartSchema = z.object({
  log_odds: z.number().describe("vs an average lead; + raises the odds"),
  drivers: z.array(z.string()).describe("feature and its log-odds, largest first"),
});

export const leadScore = salesTool({
  name: "lead_score",
  title: "Score leads",
  description:
    "Conversion probability per lead as fit + engagement + intent, learned from past leads' outcomes, with held-out accuracy.",
  toolset: leadsToolset.name,
  scopes: ["sales:read"],
  ports: ["crm"],
  annotations: annotations.read,
  input: z
    .object({
      lead_ids: z.array(z.string().min(1).max(64)).min(1).max(50).optional().describe("Default: open leads"),
      limit: z.number().int().min(1).max(50).default(5),
    })
    .strict(),
  output: z.object({
    leads: z.array(
      z.object({
        id: z.string(),
        name: untrustedName(z.string(), "lead name"),
        company: untrustedName(z.string(), "company name"),
        title: untrustedName(z.string(), "job title"),
        source: z.string(),
        status: z.string(),
        score: z.number().describe("Conversion probability × 100"),
        fit: PartSchema,
        engagement: PartSchema,
        intent: PartSchema,
      }),
    ),
    total: z.number().describe("Leads that matched"),
    meta: AnalyticsMetaSchema,
  }),
  example: { limit: 5 },
  handler: async ({ input, ctx }) => {
    const ports = ctx.ports;
    const today = await ports.today();
    const { model, leads } = await leadModelFor(ports.crm, today);
    const baseMeta = { as_of: today, source: ports.source };
    if (!model) {
      return {
        leads: [],
        total: 0,
        meta: {
          ...baseMeta,
          method: `${LEAD_MODEL}: not trained`,
          inputs: { leads: leads.length } as Record<string, number | string>,
          caveats: [`No model: it needs leads older than ${OUTCOME_DAYS} days, some converted and some not.`],
        },
      };
    }
    let wanted = leads.filter((l) => !CLOSED.has(l.status));
    if (input.lead_ids) {
      const byId = new Map(leads.map((l) => [l.id, l]));
      const missing = input.lead_ids.filter((id) => !byId.has(id));
      if (missing.length)
        throw userError(`lead_ids: no lead ${missing.slice(0, 3).join(", ")}.`, {
          fields: ["lead_ids"],
          hint: "Take ids from leads_list, or leave lead_ids out to score open leads.",
        });
      wanted = input.lead_ids.map((id) => byId.get(id) as (typeof leads)[number]);
    }
    const scored = wanted
      .map((l) => ({ l, s: scoreLead(model.fitted, l) }))
      .sort((a, b) => b.s.probability - a.s.probability || a.l.id.localeCompare(b.l.id));
    const ev = model.evaluation;
    return {
      leads: scored.slice(0, input.limit).map(({ l, s }) => ({
        id: l.id,
        name: l.name,
        company: l.company,
        title: l.title,
        source: l.source,
        status: l.status,
        score: Math.round(s.probability * 100),
        fit: partOf(s, "fit"),
        engagement: partOf(s, "engagement"),
        intent: partOf(s, "intent"),
      })),
      total: scored.length,
      meta: {
        ...baseMeta,
        method: `${model.version}: L2 logistic regression, p = sigmoid(base + fit + engagement + intent); leads created before ${model.matureBefore}; held out: newest 25%, trained on the older; served: refit on all`,
        inputs: {
          leads_learned_from: model.mature,
          converted: model.converted,
          ...(ev
            ? {
                held_out: `${ev.testFrom}..${ev.testTo}`,
                n_train: ev.nTrain,
                n_test: ev.nTest,
                test_converted: ev.convertedTest,
                auc: ev.auc,
                brier: ev.brier,
                brier_base_rate: ev.brierBaseline,
                ece: ev.ece,
              }
            : { held_out: "none: the newest leads lack converted or unconverted ones" }),
        },
        caveats: [
          "Status and a matching account are not features: they record the outcome.",
          "crm_score is the CRM's own lead score; the model weighs it against outcomes.",
          `Leads younger than ${OUTCOME_DAYS} days are scored, not learned from.`,
        ],
      },
    };
  },
});
