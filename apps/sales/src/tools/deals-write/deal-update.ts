import {
  annotations,
  IsoDateSchema,
  MoneySchema,
  notFound,
  type ToolContext,
  ToolError,
  userError,
  WrittenSchema,
} from "@revops/kit";
import { isVendorError } from "@revops/resilience";
import { z } from "zod";
import type { CrmPort, DealChanges, DealDetail, SalesPorts } from "../../ports";
import { salesTool } from "../../ports";
import { StageSchema } from "../schemas";
import { ownerLabel, resolveOwner } from "./owner";
import { dealsWriteToolset } from "./toolset";

const FIELDS = ["stage", "amount", "close_date", "next_step", "owner"] as const;
type Field = (typeof FIELDS)[number];

const input = z
  .object({
    deal_id: z.string().min(1).max(64).describe("Deal id from deals_list"),
    stage: StageSchema.optional(),
    amount: z
      .number()
      .int("amount: whole US dollars, e.g. 25000")
      .min(0, "amount: 0 or more, in US dollars, e.g. 25000")
      .max(1e12)
      .optional()
      .describe("USD"),
    close_date: IsoDateSchema.optional(),
    next_step: z.string().max(255).optional().describe("Empty clears it"),
    owner: z.string().min(1).max(100).optional().describe("Rep id, name or email"),
  })
  .strict();
type Input = z.output<typeof input>;

const ChangeSchema = z.object({
  field: z.enum(FIELDS),
  before: z.union([z.string(), z.number(), z.null()]),
  after: z.union([z.string(), z.number(), z.null()]),
});
type Change = z.output<typeof ChangeSchema>;

const DealSchema = z.object({
  id: z.string(),
  name: z.string(),
  stage: z.string(),
  amount: MoneySchema,
  close_date: z.string(),
  next_step: z.string().nullable(),
  owner_id: z.string(),
  owner: z.string(),
  probability: z.number(),
  forecast_category: z.string(),
});

/** The deal fresh from its system; an outage refuses the plan instead of showing a cached "before". */
async function freshDeal(crm: CrmPort, id: string, source: string): Promise<DealDetail | undefined> {
  try {
    return await crm.getDeal(id);
  } catch (err) {
    if (err instanceof ToolError) throw err;
    throw new ToolError(
      "retryable",
      `Could not read deal ${id} from ${source} just now, so no plan was made: a cached copy could show old values as "before".${isVendorError(err) ? ` ${err.message}` : ""}`,
      { hint: "Nothing was changed. Retry in a minute.", cause: err },
    );
  }
}

/** An adapter's RangeError "field: what is wrong" → a user error naming that field. */
function refusal(err: unknown): unknown {
  if (!(err instanceof RangeError)) return err;
  if (err.message.startsWith("conflict:"))
    return userError(`Not executed: ${err.message.slice(9).trim()} Nothing was written.`, {
      hint: "Call deal_update with dry_run: true to see the current plan, then get it confirmed again.",
      cause: err,
    });
  const field = FIELDS.find((f) => err.message.startsWith(`${f}:`));
  return userError(err.message, { ...(field && { fields: [field] }), cause: err });
}

/** The deal as it is now and the exact changes the arguments make to it. */
async function planOf(crm: CrmPort, a: Input, source: string) {
  if (!FIELDS.some((f) => a[f] !== undefined))
    throw userError("No field to change was given.", {
      fields: [...FIELDS],
      hint: `Pass at least one of ${FIELDS.join(", ")} with deal_id.`,
    });
  const deal = await freshDeal(crm, a.deal_id, source);
  if (!deal)
    throw notFound(`deal_id: no deal ${a.deal_id}.`, {
      fields: ["deal_id"],
      hint: "Find the deal with deals_list and pass its id.",
    });
  const owner = a.owner === undefined ? undefined : await resolveOwner(crm, a.owner);
  const nextStep = a.next_step === undefined ? undefined : a.next_step.trim() || null;
  const wanted: Record<Field, [before: string | number | null, after: string | number | null] | undefined> = {
    stage: a.stage === undefined ? undefined : [deal.stage, a.stage],
    amount: a.amount === undefined ? undefined : [deal.amount, a.amount],
    close_date: a.close_date === undefined ? undefined : [deal.closeDate, a.close_date],
    next_step: nextStep === undefined ? undefined : [deal.nextStep, nextStep],
    owner: owner && [ownerLabel(deal.ownerName, deal.ownerId), ownerLabel(owner.name, owner.id)],
  };
  const changes: Change[] = [];
  for (const field of FIELDS) {
    const pair = wanted[field];
    if (pair && pair[0] !== pair[1] && !(field === "owner" && owner?.id === deal.ownerId))
      changes.push({ field, before: pair[0], after: pair[1] });
  }
  // the confirmed "before" of every field being written: the adapter writes only while the deal still holds it
  const expected: DealChanges = {
    ...(a.stage !== undefined && { stage: deal.stage }),
    ...(a.amount !== undefined && { amount: deal.amount }),
    ...(a.close_date !== undefined && { closeDate: deal.closeDate }),
    ...(nextStep !== undefined && { nextStep: deal.nextStep }),
    ...(owner && { ownerId: deal.ownerId }),
  };
  const update: DealChanges = {
    ...(a.stage !== undefined && { stage: a.stage }),
    ...(a.amount !== undefined && { amount: a.amount }),
    ...(a.close_date !== undefined && { closeDate: a.close_date }),
    ...(nextStep !== undefined && { nextStep }),
    ...(owner && { ownerId: owner.id }),
  };
  return { deal, changes, update, expected };
}

const toOutput = (d: DealDetail) => ({
  id: d.id,
  name: d.name,
  stage: d.stage,
  amount: d.amount,
  close_date: d.closeDate,
  next_step: d.nextStep,
  owner_id: d.ownerId,
  owner: d.ownerName,
  probability: d.probability,
  forecast_category: d.forecastCategory,
});

const portsOf = (ctx: ToolContext<SalesPorts>) => ctx.ports;

export const dealUpdate = salesTool({
  name: "deal_update",
  title: "Update or move a deal",
  description:
    "Changes a deal's stage, amount, close date, next step or owner; a human confirms the exact change.",
  toolset: dealsWriteToolset.name,
  scopes: ["sales:write"],
  ports: ["crm"],
  annotations: annotations.update,
  input,
  output: z.object({
    deal: DealSchema,
    changes: z.array(ChangeSchema),
    written: WrittenSchema,
    note: z.string(),
  }),
  guard: {
    kind: "destructive",
    preview: async (a, ctx) => {
      const { deal, changes } = await planOf(portsOf(ctx).crm, a, portsOf(ctx).source);
      if (changes.length === 0)
        throw userError(`Deal ${deal.id} already has these values; nothing to change.`, {
          fields: FIELDS.filter((f) => a[f] !== undefined),
          hint: "Pass only the fields whose values should change.",
        });
      return {
        summary: `Update deal "${deal.name}": ${changes.map((c) => `${c.field} ${c.before ?? "(none)"} → ${c.after ?? "(none)"}`).join("; ")}`,
        action: "update",
        record_type: "deal",
        records: [{ id: deal.id, name: deal.name }],
        changes,
        system: portsOf(ctx).source,
        ...(a.stage !== undefined &&
          changes.some((c) => c.field === "stage") && {
            side_effects: ["Probability and forecast category follow the new stage."],
          }),
      };
    },
  },
  handler: async ({ input: a, ctx }) => {
    const { crm, source } = ctx.ports;
    const { changes, update, expected } = await planOf(crm, a, source);
    const origin = {
      principal: ctx.principal.id,
      // the key, and whether an interrupted execution under it may have landed
      ...ctx.write,
    };
    let written: Awaited<ReturnType<CrmPort["updateDeal"]>>;
    try {
      written = await crm.updateDeal(a.deal_id, update, origin, expected);
    } catch (err) {
      throw refusal(err);
    }
    if (!written)
      throw notFound(`deal_id: no deal ${a.deal_id}.`, {
        fields: ["deal_id"],
        hint: "Find the deal with deals_list and pass its id.",
      });
    return {
      deal: toOutput(written.deal),
      changes,
      written: { system: written.system, id: written.id },
      note: written.recovered
        ? "The CRM answered with an error after applying the update; it was found applied and not sent again."
        : `Updated in ${written.system}.`,
    };
  },
  render: (o) =>
    `${o.deal.name} (${o.written.system}:${o.written.id}): ${o.changes.map((c) => `${c.field} ${c.before ?? "(none)"} → ${c.after ?? "(none)"}`).join("; ")}`,
  example: { deal_id: "deal_0001", next_step: "Send the revised proposal" },
});
