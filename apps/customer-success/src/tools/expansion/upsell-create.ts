import { annotations, IsoDateSchema, MoneySchema, notFound, userError, WrittenSchema } from "@revops/kit";
import type { NewDeal } from "@revops/model";
import { fromVendor } from "@revops/safety/vendor-errors";
import { z } from "zod";
import { EXPANSION_METHOD, type ExpansionRow, expansionBook } from "../../domain/expansion";
import { type CsPorts, csTool } from "../../ports";
import { AccountNameSchema } from "../schemas";
import { expansionToolset } from "./toolset";

const input = z
  .object({
    account_id: z.string().min(1).max(64),
    close_date: IsoDateSchema,
    amount: z.number().int().min(1).max(1e9).optional().describe("Default: the potential"),
  })
  .strict();
type Input = z.output<typeof input>;

/** Why this account: the signal's figures, as expansion_signals states them. */
function because(x: ExpansionRow): string {
  const parts = [
    ...(x.extraSeats > 0 ? [`+${x.extraSeats} seats ($${x.seatUsd.toLocaleString("en-US")})`] : []),
    ...(x.upgradeTo ? [`upgrade to ${x.upgradeTo} ($${x.upgradeUsd.toLocaleString("en-US")})`] : []),
  ];
  return parts.join(" and ");
}

/** The deal the arguments create, from the account's expansion signal and its CRM owner. */
async function draftOf(ports: CsPorts, a: Input) {
  const [signals, use] = await Promise.all([
    fromVendor(() => ports.support.accountSignals()),
    fromVendor(() => ports.support.featureUse()),
  ]);
  const row = expansionBook(signals, use).rows.find((x) => x.s.accountId === a.account_id);
  if (!row)
    throw notFound(`account_id: no current customer ${a.account_id}.`, {
      fields: ["account_id"],
      hint: "Take an id from expansion_signals.",
    });
  if (row.potential <= 0)
    throw userError(`account_id: ${row.s.accountName} shows no expansion signal now.`, {
      fields: ["account_id"],
      hint: "Pick an account expansion_signals lists.",
    });
  const account = await fromVendor(() => ports.crm.getAccount(a.account_id));
  if (!account)
    throw notFound(`account_id: ${a.account_id} is not in the CRM (${ports.crm.source}).`, {
      fields: ["account_id"],
    });
  const deal: NewDeal = {
    name: `${row.s.accountName} expansion`,
    accountId: account.id,
    amount: a.amount ?? row.potential,
    stage: "prospecting",
    closeDate: a.close_date,
    type: "expansion",
    ownerId: account.ownerId,
  };
  return { row, account, deal, signal: because(row) };
}

export const upsellCreate = csTool({
  name: "upsell_create",
  title: "Create an expansion deal",
  description: "Creates an expansion deal in the CRM from an account's expansion signal.",
  toolset: expansionToolset.name,
  scopes: ["cs:write"],
  ports: ["support"],
  annotations: annotations.update,
  input,
  output: z.object({
    deal_id: z.string(),
    name: AccountNameSchema,
    account_id: z.string(),
    amount: MoneySchema,
    stage: z.string(),
    close_date: z.string(),
    owner: z.string(),
    signal: z.string(),
    recovered: z.boolean(),
    written: WrittenSchema,
  }),
  guard: {
    kind: "destructive",
    preview: async (a, ctx) => {
      const d = await draftOf(ctx.ports, a);
      return {
        summary: `Create expansion deal "${d.deal.name}" on ${d.account.name} in ${ctx.ports.crm.source}: $${d.deal.amount.toLocaleString("en-US")}, prospecting, closing ${d.deal.closeDate}, owner ${d.account.ownerName}; signal: ${d.signal}`,
        action: "create",
        record_type: "deal",
        records: [{ id: "(new)", name: d.deal.name }],
        record: { ...d.deal, owner: d.account.ownerName },
        signal: { method: EXPANSION_METHOD, evidence: d.signal, potential: d.row.potential },
        system: ctx.ports.crm.source,
      };
    },
  },
  example: { account_id: "acc_0030", close_date: "2026-12-31" },
  handler: async ({ input: a, ctx }) => {
    const d = await draftOf(ctx.ports, a);
    let w: Awaited<ReturnType<CsPorts["crm"]["createDeal"]>>;
    try {
      w = await ctx.ports.crm.createDeal(d.deal, {
        principal: ctx.principal.id,
        ...(ctx.write && { planHash: ctx.write.planHash, idempotencyKey: ctx.write.idempotencyKey }),
      });
    } catch (err) {
      if (err instanceof RangeError) throw userError(err.message, { cause: err });
      throw err;
    }
    return {
      deal_id: w.id,
      name: w.deal.name,
      account_id: a.account_id,
      amount: w.deal.amount,
      stage: w.deal.stage,
      close_date: w.deal.closeDate,
      owner: w.deal.ownerName,
      signal: d.signal,
      recovered: w.recovered ?? false,
      written: { system: w.system, id: w.id },
    };
  },
  render: (o) =>
    `Created ${o.name} (${o.written.system}:${o.deal_id}), $${o.amount.toLocaleString("en-US")} closing ${o.close_date}, owner ${o.owner}${o.recovered ? " (found: an earlier attempt of this plan had created it)" : ""}.`,
});
