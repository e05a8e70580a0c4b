import { guardStateOf } from "@revops/guards";
import {
  annotations,
  hasScopes,
  IsoDateSchema,
  MoneySchema,
  notFound,
  type ToolContext,
  ToolError,
  userError,
  WrittenSchema,
} from "@revops/kit";
import type { CampaignFields } from "@revops/model";
import { z } from "zod";
import { type CampaignRecord, type MarketingPorts, marketingTool } from "../../ports";
import { planOnce } from "../plan-once";
import { CampaignIdSchema, ChannelSchema, StatusSchema } from "../schemas";
import { campaignRecordsToolset } from "./toolset";

const input = z
  .object({
    campaign_id: CampaignIdSchema.optional(),
    name: z.string().trim().min(1).max(200).optional(),
    // a string checked in code: the enum's values cost every turn's context, the error lists them
    channel: z
      .string()
      .optional()
      .refine((c) => c === undefined || ChannelSchema.safeParse(c).success, {
        error: `channel must be one of ${ChannelSchema.options.join(", ")}`,
      }),
    status: StatusSchema.optional(),
    start_date: IsoDateSchema.optional(),
    end_date: IsoDateSchema.optional(),
    budget: z.number().int().min(0).max(10_000_000).optional(),
    owner_id: z.string().min(1).max(64).optional(),
  })
  .strict();

type Input = z.output<typeof input>;

const FIELDS: [keyof Input & string, keyof CampaignFields][] = [
  ["name", "name"],
  ["channel", "channel"],
  ["status", "status"],
  ["start_date", "startDate"],
  ["end_date", "endDate"],
  ["budget", "budget"],
  ["owner_id", "ownerId"],
];

const fix = (message: string, field: string, hint: string) => userError(message, { fields: [field], hint });

const money = (n: number, currency: string) =>
  new Intl.NumberFormat("en-US", { style: "currency", currency, maximumFractionDigits: 2 }).format(n);

interface Derived {
  before: CampaignRecord | undefined;
  fields: CampaignFields;
  changes: { field: string; before: unknown; after: unknown }[];
  plan: Record<string, unknown>;
}

/** The plan from fresh reads: what each field is now and will be, and the budget increase as spend. */
async function derive(i: Input, ctx: ToolContext<MarketingPorts>): Promise<Derived> {
  const ports = ctx.ports;
  const m = ports.marketing;
  const limits = m.campaignWriteLimits ?? {};
  const before = i.campaign_id ? await m.getCampaign(i.campaign_id) : undefined;
  if (i.campaign_id && !before)
    throw notFound(`There is no campaign ${i.campaign_id}.`, {
      fields: ["campaign_id"],
      hint: "Call campaigns_list for ids, or omit campaign_id to create one.",
    });
  if (i.channel && limits.channel) throw fix(limits.channel, "channel", "Call again without channel.");
  if (!before) {
    const missing = ["name", "start_date", "end_date", ...(limits.channel ? [] : ["channel"])].filter(
      (k) => i[k as keyof Input] === undefined,
    );
    if (missing.length)
      throw userError(`A new campaign needs ${missing.join(", ")}.`, {
        fields: missing,
        hint: "Give them, or pass campaign_id to change an existing campaign.",
      });
  }
  if (i.name) {
    const same = (await m.searchCampaigns(i.name, 20)).find(
      (c) => c.name.toLowerCase() === i.name?.toLowerCase() && c.id !== before?.id,
    );
    if (same) throw fix(`Campaign ${same.id} is already named "${same.name}".`, "name", "Pick another name.");
  }
  const owner = i.owner_id ? await m.campaignOwner(i.owner_id) : undefined;
  if (i.owner_id && !owner)
    throw fix(
      `There is no user ${i.owner_id} who can own campaigns.`,
      "owner_id",
      "Use a user id from the CRM.",
    );
  const fields: CampaignFields = before ? {} : { status: "planned", budget: 0 };
  for (const [k, f] of FIELDS) if (i[k] !== undefined) Object.assign(fields, { [f]: i[k] });
  const start = fields.startDate ?? before?.startDate ?? "";
  const end = fields.endDate ?? before?.endDate ?? "";
  if (end < start)
    throw fix(`end_date ${end} is before start_date ${start}.`, "end_date", "Set it on or after the start.");
  const changes = FIELDS.filter(
    ([, f]) => fields[f] !== undefined && fields[f] !== (before?.[f] ?? undefined),
  ).map(([k, f]) => ({ field: k, before: before ? (before[f] ?? null) : null, after: fields[f] }));
  if (before && changes.length === 0)
    throw userError(`Campaign ${before.id} already has these values.`, {
      hint: "Pass only the fields to change, with new values.",
    });
  const increase = (fields.budget ?? before?.budget ?? 0) - (before?.budget ?? 0);
  if (increase < 0 && limits.budgetDecrease)
    throw fix(limits.budgetDecrease, "budget", "Raise it or leave it out.");
  // spend is never implied by write: raising a budget takes the scope budget_allocate takes
  if (increase > 0 && !hasScopes(ctx.principal, ["marketing:spend"]))
    throw new ToolError(
      "denied",
      "Raising a campaign's budget spends money: it needs the marketing:spend scope.",
      {
        fields: ["budget"],
        hint: "Leave budget out, or ask a manager with marketing:spend.",
      },
    );
  const currency = guardStateOf(ctx)?.config.SPEND_CURRENCY ?? "USD";
  const name = fields.name ?? before?.name ?? "";
  const verb = before ? "update" : "create";
  const plan = {
    summary: `${before ? "Change" : "Create"} campaign "${name}"${before ? ` (${before.id})` : ""}: ${changes.map((c) => c.field).join(", ")}${increase > 0 ? `; budget up ${money(increase, currency)}` : ""}`,
    action: verb,
    record_type: "campaign",
    records: [{ id: before?.id ?? "new", name }],
    changes,
    ...(owner && { owner: owner.name }),
    amount: Math.max(0, increase),
    currency,
    campaign_id: before?.id ?? `new:${name.toLowerCase()}`,
    counts_toward_caps: increase > 0,
    side_effects: [
      `Written to ${ports.source}.`,
      ...(increase > 0
        ? ["The budget increase counts toward the per-call, per-campaign, daily and monthly caps."]
        : []),
    ],
  };
  return { before, fields, changes, plan };
}

const planned = planOnce(derive, (i: Input) => JSON.stringify(i));

export const campaignSave = marketingTool({
  name: "campaign_save",
  title: "Create or change a campaign",
  description:
    "Creates a campaign, or changes the one given; raising its budget is capped spend. Human-approved.",
  toolset: campaignRecordsToolset.name,
  scopes: ["marketing:write"],
  ports: ["marketing"],
  annotations: { ...annotations.update, idempotentHint: false },
  input,
  output: z.object({
    campaign_id: z.string(),
    action: z.enum(["created", "updated"]),
    changes: z.array(z.object({ field: z.string(), before: z.unknown(), after: z.unknown() })),
    budget: MoneySchema,
    recovered: z.boolean().describe("An earlier attempt had already written it"),
    written: WrittenSchema,
  }),
  guard: {
    kind: (i) => (i.budget !== undefined ? "spend" : "destructive"),
    preview: planned.preview,
  },
  handler: async ({ input: i, ctx }) => {
    const d = await planned.derived(i, ctx);
    const ports = ctx.ports;
    const r = await ports.marketing
      .saveCampaign(
        { ...(d.before && { id: d.before.id }), fields: d.fields },
        { principal: ctx.principal.id, ...ctx.write },
      )
      .catch((err: unknown) => {
        if (err instanceof Error && err.name === "CampaignWriteError") {
          const e = err as Error & { field: string; hint: string };
          throw new ToolError("user", e.message, { fields: [e.field], hint: e.hint, cause: err });
        }
        throw err;
      });
    const c = r.campaign;
    return {
      campaign_id: c.id,
      action: r.created ? ("created" as const) : ("updated" as const),
      // after = the record as read back from the source once written
      changes: d.changes.map((x) => {
        const f = FIELDS.find(([k]) => k === x.field)?.[1];
        return { ...x, after: f ? (c[f] ?? x.after) : x.after };
      }),
      budget: c.budget,
      recovered: r.recovered,
      written: { system: ports.source, id: c.id },
    };
  },
  render: (o) =>
    `Campaign ${o.campaign_id} ${o.action}${o.recovered ? " (found from an earlier attempt)" : ""}: ${o.changes.map((c) => `${c.field} ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`).join("; ")}.`,
  example: { campaign_id: "cmp_0027", name: "Relaunch: customer webinar series" },
});
