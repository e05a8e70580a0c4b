import {
  annotations,
  IsoDateSchema,
  MoneySchema,
  notFound,
  ToolError,
  untrustedName,
  userError,
  WrittenSchema,
} from "@revops/kit";
import { isVendorError } from "@revops/resilience";
import { z } from "zod";
import type { CrmPort, NewDeal } from "../../ports";
import { salesTool } from "../../ports";
import { DealTypeSchema } from "../schemas";
import { ownerLabel, resolveOwner } from "./owner";
import { dealsWriteToolset } from "./toolset";

const FIELDS = ["name", "account_id", "amount", "stage", "close_date", "type", "owner"] as const;

const OPEN_STAGES = ["prospecting", "qualification", "proposal", "negotiation"] as const;
const DEAL_TYPES = DealTypeSchema.options;
/** A value of a fixed list, validated here but listed only in errors (every enum costs tokens on every turn). */
const oneOf = <T extends string>(field: string, values: readonly T[], fallback: T) =>
  z
    .string()
    .default(fallback)
    .refine((v) => (values as readonly string[]).includes(v), `${field}: one of ${values.join(", ")}`)
    .transform((v) => v as T);

const input = z
  .object({
    name: z.string().trim().min(1, "name: give the deal a name").max(120),
    account_id: z.string().min(1).max(64),
    amount: z.number().int("amount: whole US dollars, e.g. 25000").min(0).max(1e12),
    close_date: IsoDateSchema,
    stage: oneOf("stage", OPEN_STAGES, "prospecting"),
    type: oneOf("type", DEAL_TYPES, "new_business"),
    owner: z.string().min(1).max(100).optional(),
  })
  .strict();
type Input = z.output<typeof input>;

/** The account fresh enough to name in a plan; an outage refuses the plan instead of guessing. */
async function accountOf(crm: CrmPort, id: string, source: string) {
  let account: Awaited<ReturnType<CrmPort["getAccount"]>>;
  try {
    account = await crm.getAccount(id);
  } catch (err) {
    throw new ToolError(
      "retryable",
      `Could not read account ${id} from ${source} just now, so no plan was made.${isVendorError(err) ? ` ${err.message}` : ""}`,
      { hint: "Nothing was created. Retry in a minute.", cause: err },
    );
  }
  if (!account)
    throw notFound(`account_id: no account ${id}.`, {
      fields: ["account_id"],
      hint: "Find the account with accounts_search and pass its id.",
    });
  return account;
}

/** The record the arguments create, with the account and owner named. */
async function recordOf(crm: CrmPort, a: Input, source: string) {
  const account = await accountOf(crm, a.account_id, source);
  const owner = a.owner ? await resolveOwner(crm, a.owner) : { id: account.ownerId, name: account.ownerName };
  const deal: NewDeal = {
    name: a.name,
    accountId: account.id,
    amount: a.amount,
    stage: a.stage,
    closeDate: a.close_date,
    type: a.type,
    ownerId: owner.id,
  };
  const shown = {
    name: a.name,
    account_id: account.id,
    account: account.name,
    amount: a.amount,
    stage: a.stage,
    close_date: a.close_date,
    type: a.type,
    owner_id: owner.id,
    owner: owner.name,
  };
  return { deal, shown };
}

/** An adapter's RangeError "field: what is wrong" → a user error naming that field. */
function refusal(err: unknown): unknown {
  if (!(err instanceof RangeError)) return err;
  const field = FIELDS.find((f) => err.message.startsWith(`${f}:`));
  return userError(err.message, { ...(field && { fields: [field] }), cause: err });
}

const RecordSchema = z.object({
  name: untrustedName(z.string(), "deal name"),
  account_id: z.string(),
  account: untrustedName(z.string(), "account name"),
  amount: MoneySchema,
  stage: z.string(),
  close_date: z.string(),
  type: z.string(),
  owner_id: z.string(),
  owner: z.string(),
});

export const dealCreate = salesTool({
  name: "deal_create",
  title: "Create a deal",
  description: "Creates a deal; a human confirms it.",
  toolset: dealsWriteToolset.name,
  scopes: ["sales:write"],
  ports: ["crm"],
  annotations: annotations.update,
  input,
  output: z.object({
    deal: RecordSchema.extend({ id: z.string(), probability: z.number(), forecast_category: z.string() }),
    written: WrittenSchema,
    note: z.string(),
  }),
  guard: {
    kind: "destructive",
    preview: async (a, ctx) => {
      const { shown } = await recordOf(ctx.ports.crm, a, ctx.ports.source);
      return {
        summary: `Create deal "${shown.name}" on ${shown.account}: $${shown.amount.toLocaleString("en-US")}, ${shown.stage}, closing ${shown.close_date}, ${shown.type}, owner ${ownerLabel(shown.owner, shown.owner_id)}`,
        action: "create",
        record_type: "deal",
        records: [{ id: "(new)", name: shown.name }],
        record: shown,
        system: ctx.ports.source,
      };
    },
  },
  handler: async ({ input: a, ctx }) => {
    const { crm, source } = ctx.ports;
    const { deal, shown } = await recordOf(crm, a, source);
    const origin = {
      principal: ctx.principal.id,
      ...(ctx.write && { planHash: ctx.write.planHash, idempotencyKey: ctx.write.idempotencyKey }),
    };
    let written: Awaited<ReturnType<CrmPort["createDeal"]>>;
    try {
      written = await crm.createDeal(deal, origin);
    } catch (err) {
      throw refusal(err);
    }
    const d = written.deal;
    return {
      deal: {
        ...shown,
        id: written.id,
        name: d.name,
        amount: d.amount,
        stage: d.stage,
        close_date: d.closeDate,
        type: d.type,
        owner_id: d.ownerId,
        owner: d.ownerName,
        probability: d.probability,
        forecast_category: d.forecastCategory,
      },
      written: { system: written.system, id: written.id },
      note: written.recovered
        ? "This plan had already created the deal (an earlier attempt landed); it was found, not created again."
        : `Created in ${written.system}.`,
    };
  },
  render: (o) => `Created ${o.deal.name} (${o.written.system}:${o.written.id}) on ${o.deal.account}.`,
  example: { name: "Pilot", account_id: "acc_0001", amount: 25000, close_date: "2026-12-31" },
});
