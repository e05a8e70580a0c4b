import {
  annotations,
  ConnectionSchema,
  MoneySchema,
  type ToolContext,
  userError,
  WrittenSchema,
} from "@revops/kit";
import { SANDBOX_INDUSTRIES } from "@revops/sandbox";
import { z } from "zod";
import { quarterOf } from "../../domain/period";
import { OPEN_STAGES } from "../../domain/pipeline";
import { planSettings, SettingsError, type SettingsNow } from "../../domain/pipeline-settings";
import { type SalesPorts, salesTool } from "../../ports";
import { QuarterSchema } from "../schemas";
import { planningToolset } from "./toolset";

const names = z.array(z.string().max(80)).max(20).optional();
const input = z
  .object({
    action: z.enum(["view", "update"]).default("view"),
    quarter: QuarterSchema.optional(),
    probabilities: z.record(z.string(), z.number()).optional().describe("Open stage → %"),
    quotas: z
      .array(z.object({ owner: z.string().min(1).max(100), quarter: z.string().max(10), amount: z.number() }))
      .max(100)
      .optional(),
    icp: z.object({ industries: names, size_bands: names, regions: names }).strict().optional(),
    connection: ConnectionSchema.optional(),
  })
  .strict();
type Input = z.output<typeof input>;

const ChangeSchema = z.object({
  field: z.string(),
  before: z.union([z.string(), z.number(), z.null()]),
  after: z.union([z.string(), z.number(), z.null()]),
});

const CHANGEABLE = ["probabilities", "quotas", "icp"] as const;

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
  if (!CHANGEABLE.some((k) => i[k] !== undefined))
    throw userError("No setting to change was given.", {
      fields: [...CHANGEABLE],
      hint: 'Pass probabilities (e.g. {"proposal": 55}), quotas ([{owner, quarter, amount}]) or icp with action "update".',
    });
  const ports = await ctx.ports.using(i.connection);
  const { now, people } = await current(ports, [...new Set((i.quotas ?? []).map((q) => q.quarter))]);
  try {
    const planned = planSettings(
      now,
      {
        ...(i.probabilities && { probabilities: i.probabilities }),
        ...(i.quotas && { quotas: i.quotas }),
        ...(i.icp && { icp: i.icp }),
      },
      people,
      ports.source === "sandbox" ? SANDBOX_INDUSTRIES : undefined,
    );
    if (planned.changes.length === 0)
      throw userError("The settings already have these values; nothing to change.", {
        fields: CHANGEABLE.filter((k) => i[k] !== undefined),
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
  description:
    "View (free) or update (a human confirms) stage probabilities, quotas per rep and quarter, and the ICP.",
  toolset: planningToolset.name,
  scopes: ["sales:write"],
  annotations: annotations.setting,
  input,
  output: z.object({
    stages: z.array(z.object({ stage: z.string(), probability: z.number() })),
    quotas: z.object({
      quarter: z.string(),
      rows: z.array(
        z.object({ owner_id: z.string(), owner: z.string(), amount: MoneySchema, set_by: z.string() }),
      ),
      team_total: MoneySchema,
    }),
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
    readsOnly: (i) => (i as Input).action !== "update",
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
    const ports = await ctx.ports.using(i.connection);
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
    const quarter = i.quarter ?? quarterOf(await ports.today());
    const [settings, quotas, owners] = await Promise.all([
      ports.settings.settings(),
      ports.settings.quotas(quarter),
      ports.crm.listOwners(),
    ]);
    const nameOf = new Map(owners.map((o) => [o.id, o.name]));
    return {
      stages: [
        ...OPEN_STAGES.map((stage) => ({ stage, probability: settings.probabilities[stage] ?? 0 })),
        { stage: "closed_won", probability: 100 },
        { stage: "closed_lost", probability: 0 },
      ],
      quotas: {
        quarter,
        rows: quotas.map((q) => ({
          owner_id: q.ownerId,
          owner: nameOf.get(q.ownerId) ?? q.ownerId,
          amount: q.amount,
          set_by: q.principal,
        })),
        team_total: quotas.reduce((s, q) => s + q.amount, 0),
      },
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
      `Quotas ${o.quotas.quarter} (team $${o.quotas.team_total.toLocaleString("en-US")}): ${o.quotas.rows.map((r) => `${r.owner} $${r.amount.toLocaleString("en-US")}`).join(", ") || "none set"}`,
      `ICP: industries ${o.icp.industries.join(", ") || "any"}; size ${o.icp.size_bands.join(", ") || "any"}; regions ${o.icp.regions.join(", ") || "any"}`,
    ].join("\n"),
  example: { action: "view" },
});
