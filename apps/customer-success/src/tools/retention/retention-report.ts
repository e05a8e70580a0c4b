import { AnalyticsMetaSchema, annotations, IsoDateSchema, MoneySchema, userError } from "@revops/kit";
import { fromVendor } from "@revops/safety/vendor-errors";
import { z } from "zod";
import { retentionReport as bridgeOf, RETENTION_METHOD } from "../../domain/retention";
import { csTool } from "../../ports";
import { retentionToolset } from "./toolset";

const DAY_MS = 86_400_000;
const yearBefore = (day: string) => new Date(Date.parse(day) - 365 * DAY_MS).toISOString().slice(0, 10);
const Ratio = z.number().nullable();

const BridgeSchema = z.object({
  starting_arr: MoneySchema,
  new: MoneySchema,
  expansion: MoneySchema,
  contraction: MoneySchema,
  churn: MoneySchema,
  ending_arr: MoneySchema,
  starting_accounts: z.number(),
  churned_accounts: z.number(),
  grr: Ratio.describe("Gross revenue retention of accounts in force at the start"),
  nrr: Ratio.describe("Net revenue retention of accounts in force at the start"),
});

export const retentionReport = csTool({
  name: "retention_report",
  title: "ARR bridge and revenue retention",
  description:
    "ARR bridge (new, expansion, contraction, churn) and gross/net revenue retention by cohort quarter.",
  toolset: retentionToolset.name,
  scopes: ["cs:read"],
  ports: ["support"],
  annotations: annotations.read,
  input: z
    .object({
      from: IsoDateSchema.optional().describe("Default: a year before to"),
      to: IsoDateSchema.optional().describe("Default: today"),
    })
    .strict(),
  output: z.object({
    period: z.object({ from: z.string(), to: z.string() }),
    total: BridgeSchema,
    cohorts: z.array(
      z.object({ cohort: z.string().describe("Quarter of the first term"), ...BridgeSchema.shape }),
    ),
    new_accounts: z.number(),
    meta: AnalyticsMetaSchema,
  }),
  example: {},
  handler: async ({ input, ctx }) => {
    const ports = ctx.ports;
    const today = await ports.today();
    const to = input.to ?? today;
    const from = input.from ?? yearBefore(to);
    if (to > today)
      throw userError(`to ${to} is after today (${today}): future renewals have no outcome yet.`, {
        fields: ["to"],
        hint: `Use a date on or before ${today}, or omit it.`,
      });
    if (from >= to)
      throw userError(`from ${from} is not before to ${to}.`, {
        fields: ["from"],
        hint: "Give a from date earlier than to.",
      });
    const history = await fromVendor(() => ports.support.subscriptionTerms({ from, to }));
    const complete = history.completeFrom ?? from;
    if (from < complete)
      throw userError(`from ${from} is before the subscription history (complete from ${complete}).`, {
        fields: ["from"],
        hint: `Use a from date on or after ${complete}.`,
      });
    const r = bridgeOf(history.terms, from, to, complete);
    return {
      period: { from, to },
      total: r.total,
      cohorts: r.cohorts.map(({ cohort, ...c }) => ({ cohort, ...c })),
      new_accounts: r.new_accounts,
      meta: {
        method: `${RETENTION_METHOD}: subscription terms; starting/ending ARR = terms in force on from/to; a term starting in the period is new without a predecessor ending that day, else expansion/contraction vs it; a term ending without a successor is churn; GRR = Σ min(end, start) / start and NRR = Σ end / start over accounts in force on from`,
        as_of: today,
        source: ports.source,
        inputs: { terms: history.terms.length, history_complete_from: complete },
        caveats: [
          "ARR moves at renewals: mid-term expansion deals count when the next term carries them.",
          "New includes returning accounts (no term ending the day theirs started).",
          `Accounts that became customers before ${complete} share one cohort: their first term is older than the history kept.`,
        ],
      },
    };
  },
});
