import { createHash } from "node:crypto";
import { AnalyticsMetaSchema, annotations, type ToolContext, userError, WrittenSchema } from "@revops/kit";
import { z } from "zod";
import { modelChanges, SCORING_MODEL } from "../../domain/lead-scoring";
import { type MarketingPorts, marketingTool } from "../../ports";
import { modelState, modelView, updatedModel } from "./model-state";
import { scoringToolset } from "./toolset";

const input = z
  .object({
    action: z.enum(["view", "fit", "update"]).default("view"),
    set: z.record(z.string().max(40), z.number()).optional().describe("Weights or threshold; none: refit"),
  })
  .strict();
type Input = z.output<typeof input>;

const HeldOut = z
  .object({
    from: z.string(),
    to: z.string(),
    leads: z.number(),
    converted: z.number(),
    auc: z.number(),
    brier: z.number(),
    brier_base_rate: z.number().describe("Brier of always predicting the training conversion rate"),
    calibration: z
      .array(
        z.object({
          bin: z.number(),
          leads: z.number(),
          predicted: z.number(),
          observed: z.number(),
          converted: z.number(),
        }),
      )
      .describe("Held-out leads in 5 equal bins by predicted probability"),
    at_threshold: z.object({
      flagged: z.number(),
      converted: z.number(),
      precision: z.number().nullable(),
      recall: z.number().nullable(),
    }),
    in_training: z.number().describe("Held-out leads inside this model's training window"),
  })
  .nullable()
  .describe("Newest 25% of leads with a known outcome; null without both outcomes");
const ModelSchema = z.object({
  version: z.number().describe("0 = today's fit, not saved"),
  origin: z.string(),
  intercept: z.number(),
  threshold: z.number().describe("MQL at or above this conversion probability"),
  training: z.object({ from: z.string(), to: z.string(), leads: z.number() }),
  features: z.array(
    z.object({ feature: z.string(), weight: z.number().describe("log-odds per SD"), meaning: z.string() }),
  ),
  held_out: HeldOut,
  open_leads: z.object({ total: z.number(), at_or_over_threshold: z.number() }),
});
const ChangeSchema = z.object({ field: z.string(), before: z.number(), after: z.number() });

/** The update's draft: the active model, what it becomes, before → after per field. */
async function draftOf(i: Input, ctx: ToolContext<MarketingPorts>) {
  if (i.action !== "update")
    throw userError(`action ${i.action} changes nothing and needs no confirmation.`, {
      fields: ["action"],
      hint: `Call lead_scoring_model with action "${i.action}" and without dry_run, approval_id or confirmation_token.`,
    });
  const ports = ctx.ports;
  const s = await modelState(ports);
  const next = updatedModel(s, i.set);
  const changes = modelChanges(s.current, next);
  // saving today's fit pins the default (which refits daily), so it is a change even with equal weights
  if (s.saved && changes.length === 0)
    throw userError(`The active model (version ${s.version}) already has these values; nothing to change.`, {
      fields: ["set"],
      hint: 'Call with action "fit" or "view" to see the current and proposed weights.',
    });
  const before = modelView(s.current, s.version, s);
  const after = modelView(next, s.version + 1, s);
  return { ports, s, next, changes, before, after };
}

const auc = (m: { held_out: { auc: number } | null }) => m.held_out?.auc ?? null;

export const leadScoringModel = marketingTool({
  name: "lead_scoring_model",
  title: "Lead scoring model",
  description:
    "Lead conversion model with held-out AUC and calibration; fit proposes a refit, update saves one.",
  toolset: scoringToolset.name,
  scopes: ["marketing:write"],
  ports: ["leadScoring"],
  annotations: annotations.setting,
  input,
  output: z.object({
    model: ModelSchema.describe("The active model (after an update: the saved one)"),
    proposal: ModelSchema.nullable().describe("fit: the refit from current data"),
    changes: z.array(ChangeSchema).describe("Proposed or saved model vs the active one"),
    written: WrittenSchema.nullable(),
    meta: AnalyticsMetaSchema,
  }),
  guard: {
    kind: "destructive",
    // view and fit read only: no plan, no human
    needed: (i) => (i as Input).action === "update",
    preview: async (i, ctx) => {
      const d = await draftOf(i, ctx);
      const show = (c: { field: string; before: number; after: number }) =>
        `${c.field} ${c.before} → ${c.after}`;
      return {
        summary: `Lead scoring model v${d.s.version} → v${d.s.version + 1}: ${d.changes.map(show).join(", ") || "today's fit saved unchanged"}; held-out AUC ${auc(d.before)} → ${auc(d.after)}`,
        action: "update",
        record_type: "lead scoring model",
        records: [{ id: "lead_scoring_model", name: `lead scoring model v${d.s.version + 1}` }],
        changes: d.changes,
        held_out_auc: { before: auc(d.before), after: auc(d.after) },
        from_version: d.s.version,
        side_effects: [
          "The new version becomes the active model at once; leads and the CRM's own scores are not changed.",
        ],
      };
    },
  },
  handler: async ({ input: i, ctx }) => {
    const ports = ctx.ports;
    let written: z.infer<typeof WrittenSchema> | null = null;
    let changes: z.infer<typeof ChangeSchema>[] = [];
    if (i.action === "update") {
      const d = await draftOf(i, ctx);
      const key =
        ctx.write?.idempotencyKey ??
        `lead_scoring_model:${createHash("sha256").update(JSON.stringify(d.next)).digest("hex").slice(0, 24)}`;
      try {
        const saved = await ports.leadScoring.models.save(
          d.next as unknown as Record<string, unknown>,
          d.changes,
          d.s.version,
          { principal: ctx.principal.id, ...ctx.write, idempotencyKey: key },
        );
        written = {
          system: ports.source === "sandbox" ? "sandbox" : "revops",
          id: `lead_scoring_model:v${saved.version}`,
        };
      } catch (err) {
        if (err instanceof RangeError) throw userError(err.message, { cause: err });
        throw err;
      }
      changes = d.changes;
    }
    const s = await modelState(ports);
    const model = modelView(s.current, s.version, s);
    const proposal = i.action === "fit" && s.proposal ? modelView(s.proposal, s.version + 1, s) : null;
    if (proposal) changes = modelChanges(s.current, s.proposal as NonNullable<typeof s.proposal>);
    return {
      model,
      proposal,
      changes,
      written,
      meta: {
        method: `${SCORING_MODEL}: L2 logistic regression (lead_score's recipe plus company size) on standardised features, fitted on the older 75% of leads created more than 90 days ago; held out: the newest 25% by creation time; threshold by Youden's J on the training leads`,
        as_of: s.today,
        source: ports.source,
        inputs: {
          leads: s.leads.length,
          training_leads: s.current.trainLeads,
          held_out_leads: model.held_out?.leads ?? 0,
          active_version: s.version,
        },
        caveats: [
          "Status and a matching account are not features: they record the outcome.",
          "Weights are log-odds per standard deviation of the feature over the training leads.",
          ...(ports.leadScoring.note ? [ports.leadScoring.note] : []),
          ...(model.held_out?.in_training
            ? [
                `${model.held_out.in_training} held-out leads fall inside this model's training window: its AUC there reads optimistic.`,
              ]
            : []),
          ...(model.held_out && model.held_out.converted < 30
            ? [`Only ${model.held_out.converted} held-out conversions: AUC and calibration are rough.`]
            : []),
        ],
      },
    };
  },
  render: (o) =>
    [
      `Lead scoring model v${o.model.version} (${o.model.origin}): intercept ${o.model.intercept}, MQL threshold ${o.model.threshold}; held-out AUC ${o.model.held_out?.auc ?? "–"}, Brier ${o.model.held_out?.brier ?? "–"} (base rate ${o.model.held_out?.brier_base_rate ?? "–"})`,
      `Weights: ${o.model.features.map((f) => `${f.feature} ${f.weight}`).join(", ")}`,
      `Calibration (predicted/observed): ${(o.model.held_out?.calibration ?? []).map((b) => `${b.predicted}/${b.observed} (n=${b.leads})`).join(", ")}`,
      ...(o.proposal
        ? [
            `Refit: held-out AUC ${o.proposal.held_out?.auc ?? "–"}; changes ${o.changes.map((c) => `${c.field} ${c.before} → ${c.after}`).join(", ") || "none"}`,
          ]
        : []),
      ...(o.written
        ? [
            `Saved ${o.written.id}: ${o.changes.map((c) => `${c.field} ${c.before} → ${c.after}`).join(", ") || "today's fit pinned"}`,
          ]
        : []),
    ].join("\n"),
  example: { action: "update", set: { crm_score: 0.9, threshold: 0.2 } },
});
