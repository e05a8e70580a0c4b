import { annotations, MoneySchema, type ToolContext, userError, WrittenSchema } from "@revops/kit";
import { SANDBOX_INDUSTRIES } from "@revops/sandbox";
import { z } from "zod";
import { quarterOf } from "../../domain/period";
import { OPEN_STAGES } from "../../domain/pipeline";
import {
  parseSet,
  planSettings,
  SET_HINT,
  SettingsError,
  type SettingsNow,
} from "../../domain/pipeline-settings";
import { type SalesPorts, salesTool } from "../../ports";
import { planningToolset } from "./toolset";

const input = z
  .object({
    action: z.enum(["view", "update"]).default("view"),
    set: z
      .record(z.string().max(120), z.unknown())
      .optional()
      .describe('e.g. {"probabilities.proposal":55,"quota.usr_02.2026-Q4":250000,"icp.regions":["NA"]}'),
  })
  .strict();
type Input = z.output<typeof input>;

const ChangeSchema = z.object({
  field: z.string(),
  before: z.union([z.string(), z.number(), z.null()]),
  after: z.union([z.string(), z.number(), z.null()]),
});

/** Everything the plan starts from, fresh from our store (and the CRM's reps). */
async function current(ports: SalesPorts, quarters: string[]) {
  const [settings, quotas, people] = await Promise.all([
    ports.settings.settings(),
    Promise.all(quarters.map((q) => ports.settings.quotas(q))),
    ports.crm.listOwners(),
  ]);
  const now: SettingsNow = {
    probabilities: settings.probabilities,
    icp: {
      industries: settings.icp.industries,
      size_bands: settings.icp.sizeBands,
      regions: settings.icp.regions,
    },
    quotas: new Map(quotas.flat().map((q) => [`${q.ownerId}|${q.quarter}`, q.amount])),
  };
  return { now, people };
}

/** The validated changes of an update; a SettingsError becomes a user error naming the argument and the fix. */
async function planOf(i: Input, ctx: ToolContext<SalesPorts>) {
  if (i.action !== "update")
    throw userError("action view changes nothing and needs no confirmation.", {
      fields: ["action"],
      hint: 'Call pipeline_settings with action "view" and without dry_run, approval_id or confirmation_token.',
    });
  if (!i.set || Object.keys(i.set).length === 0)
    throw userError("No setting to change was given.", { fields: ["set"], hint: SET_HINT });
  const ports = ctx.ports;
  try {
    const asked = parseSet(i.set);
    const { now, people } = await current(ports, [...new Set((asked.quotas ?? []).map((q) => q.quarter))]);
    const planned = planSettings(
      now,
      asked,
      people,
      ports.source === "sandbox" ? SANDBOX_INDUSTRIES : undefined,
    );
    if (planned.changes.length === 0)
      throw userError("The settings already have these values; nothing to change.", {
        fields: ["set"],
        hint: 'Call with action "view" to see the current values, then pass only those that should change.',
      });
    return { ports, planned };
  } catch (err) {
    if (!(err instanceof SettingsError)) throw err;
    throw userError(err.message, { fields: [err.field], hint: err.hint, cause: err });
  }
}

const show = (v: string | number | null) => (v === null ? "(none)" : String(v));

export const pipelineSettings = salesTool({
  name: "pipeline_settings",
  title: "Pipeline settings",
  description: "Stage probabilities, quotas and ICP: view, or update once a human confirms.",
  toolset: planningToolset.name,
  scopes: ["sales:write"],
  ports: ["crm"],
  annotations: annotations.setting,
  input,
  output: z.object({
    stages: z.array(z.object({ stage: z.string(), probability: z.number() })),
    quotas: z
      .array(
        z.object({
          quarter: z.string(),
          owner_id: z.string(),
          owner: z.string(),
          amount: MoneySchema,
          set_by: z.string(),
        }),
      )
      .describe("This quarter's and later ones"),
    team_quota: z.record(z.string(), MoneySchema).describe("Quarter → sum of rep quotas"),
    icp: z.object({
      industries: z.array(z.string()),
      size_bands: z.array(z.string()),
      regions: z.array(z.string()),
    }),
    updated_at: z.string().nullable(),
    updated_by: z.string().nullable(),
    changes: z.array(ChangeSchema),
    written: WrittenSchema.nullable(),
  }),
  guard: {
    kind: "destructive",
    // a view reads only: no plan, no human
    needed: (i) => (i as Input).action === "update",
    preview: async (i, ctx) => {
      const { planned, ports } = await planOf(i, ctx);
      return {
        summary: `Change pipeline settings: ${planned.changes.map((c) => `${c.field} ${show(c.before)} → ${show(c.after)}`).join("; ")}`,
        action: "update",
        record_type: "pipeline settings",
        records: [{ id: "pipeline", name: "Pipeline settings" }],
        changes: planned.changes,
        system: ports.source === "sandbox" ? "sandbox" : "revops",
        side_effects: [
          "quota_attainment uses the new quotas and probabilities at once; deals in the CRM are not changed.",
        ],
      };
    },
  },
  handler: async ({ input: i, ctx }) => {
    let changes: z.infer<typeof ChangeSchema>[] = [];
    let written: z.infer<typeof WrittenSchema> | null = null;
    const ports = ctx.ports;
    if (i.action === "update") {
      const { planned } = await planOf(i, ctx);
      await ports.settings.update(
        {
          ...(planned.probabilities && { probabilities: planned.probabilities }),
          ...(planned.icp && {
            icp: {
              industries: planned.icp.industries,
              sizeBands: planned.icp.size_bands,
              regions: planned.icp.regions,
            },
          }),
          quotas: planned.quotas,
        },
        planned.changes,
        { principal: ctx.principal.id, ...ctx.write },
      );
      changes = planned.changes;
      written = { system: ports.source === "sandbox" ? "sandbox" : "revops", id: "pipeline_settings" };
    }
    const quarter = quarterOf(await ports.today());
    const [settings, all, owners] = await Promise.all([
      ports.settings.settings(),
      ports.settings.quotas(),
      ports.crm.listOwners(),
    ]);
    const quotas = all.filter((q) => q.quarter >= quarter);
    const team: Record<string, number> = {};
    for (const q of quotas) team[q.quarter] = (team[q.quarter] ?? 0) + q.amount;
    const nameOf = new Map(owners.map((o) => [o.id, o.name]));
    return {
      stages: [
        ...OPEN_STAGES.map((stage) => ({ stage, probability: settings.probabilities[stage] ?? 0 })),
        { stage: "closed_won", probability: 100 },
        { stage: "closed_lost", probability: 0 },
      ],
      quotas: quotas.map((q) => ({
        quarter: q.quarter,
        owner_id: q.ownerId,
        owner: nameOf.get(q.ownerId) ?? q.ownerId,
        amount: q.amount,
        set_by: q.principal,
      })),
      team_quota: team,
      icp: {
        industries: settings.icp.industries,
        size_bands: settings.icp.sizeBands,
        regions: settings.icp.regions,
      },
      updated_at: settings.updatedAt,
      updated_by: settings.updatedBy,
      changes,
      written,
    };
  },
  render: (o) =>
    [
      ...(o.changes.length
        ? [`Changed: ${o.changes.map((c) => `${c.field} ${show(c.before)} → ${show(c.after)}`).join("; ")}`]
        : []),
      `Stages: ${o.stages.map((s) => `${s.stage} ${s.probability}%`).join(", ")}`,
      ...Object.entries(o.team_quota).map(
        ([q, total]) =>
          `Quotas ${q} (team $${total.toLocaleString("en-US")}): ${o.quotas
            .filter((r) => r.quarter === q)
            .map((r) => `${r.owner} $${r.amount.toLocaleString("en-US")}`)
            .join(", ")}`,
      ),
      ...(o.quotas.length ? [] : ["Quotas: none set for this quarter or later."]),
      `ICP: industries ${o.icp.industries.join(", ") || "any"}; size ${o.icp.size_bands.join(", ") || "any"}; regions ${o.icp.regions.join(", ") || "any"}`,
    ].join("\n"),
  example: { action: "update", set: { "probabilities.proposal": 55 } },
});
