import {
  AnalyticsMetaSchema,
  annotations,
  IsoDateSchema,
  MoneySchema,
  untrustedName,
  userError,
} from "@revops/kit";
import { daysBetween } from "@revops/sandbox";
import { z } from "zod";
import { CHANGE_BUCKETS, classifyDeal, type DealChange } from "../../domain/pipeline-changes";
import { salesTool } from "../../ports";
import { DealTypeSchema } from "../schemas";
import { dealsToolset } from "./toolset";

const TYPES = DealTypeSchema.options;
const Tally = z.object({ deals: z.number(), dollars: MoneySchema });
const shift = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

const tally = (rows: DealChange[]) => ({
  deals: rows.length,
  dollars: rows.reduce((t, r) => t + r.dollars, 0),
});

export const pipelineChanges = salesTool({
  name: "pipeline_changes",
  title: "Pipeline changes",
  description:
    "What changed in a period (default: last 7 days): new, advanced, slipped, won, lost, amount changes.",
  toolset: dealsToolset.name,
  scopes: ["sales:read"],
  ports: ["crm"],
  annotations: annotations.read,
  input: z
    .object({
      from: IsoDateSchema.optional(),
      to: IsoDateSchema.optional().describe("Default today"),
      type: DealTypeSchema.optional(),
      examples: z.number().int().min(0).max(10).default(3).describe("Per bucket"),
    })
    .strict(),
  output: z.object({
    from: z.string(),
    to: z.string(),
    buckets: z.array(
      z.object({
        bucket: z.enum(CHANGE_BUCKETS),
        ...Tally.shape,
        by_type: z.record(z.string(), Tally),
        examples: z.array(
          z.object({
            id: z.string(),
            name: untrustedName(z.string(), "deal name"),
            type: z.string(),
            amount: MoneySchema,
            detail: z.string(),
          }),
        ),
      }),
    ),
    meta: AnalyticsMetaSchema,
  }),
  example: { examples: 2 },
  handler: async ({ input, ctx }) => {
    const ports = ctx.ports;
    const today = await ports.today();
    const to = input.to ?? today;
    const from = input.from ?? shift(to, -6);
    if (from > to)
      throw userError(`from (${from}) is after to (${to}).`, {
        fields: ["from", "to"],
        hint: "Pass from on or before to, e.g. from: 2026-11-01, to: 2026-11-07.",
      });
    if (daysBetween(from, to) > 366)
      throw userError("The period is longer than a year.", {
        fields: ["from"],
        hint: "Pass a period of at most 366 days.",
      });
    const t = await ports.crm.dealTimelines(from, to);
    const changes = t.deals
      .filter((d) => !input.type || d.type === input.type)
      .flatMap((d) => classifyDeal(d, from, to, today));
    return {
      from,
      to,
      buckets: CHANGE_BUCKETS.map((bucket) => {
        const rows = changes.filter((c) => c.bucket === bucket);
        return {
          bucket,
          ...tally(rows),
          by_type: Object.fromEntries(
            TYPES.map((type) => [type, tally(rows.filter((r) => r.deal.type === type))]),
          ),
          examples: [...rows]
            .sort((a, b) => Math.abs(b.dollars) - Math.abs(a.dollars) || a.deal.id.localeCompare(b.deal.id))
            .slice(0, input.examples)
            .map((r) => ({
              id: r.deal.id,
              name: r.deal.name,
              type: r.deal.type,
              amount: r.deal.amount,
              detail: r.detail,
            })),
        };
      }),
      meta: {
        method:
          "pipeline-changes-v1: each deal's stage just before from and at the end of to, from its stage history; new = created in the period; advanced = later open stage; won/lost = closed in it; slipped = close date pushed from inside the period to after it, or passed in it while open; amount_changed = net change (dollars = after − before); other buckets count today's amount",
        as_of: today,
        source: ports.source,
        inputs: {
          from,
          to,
          deals_touched: t.deals.length,
          ...(input.type && { type: input.type }),
        },
        caveats: t.caveats,
      },
    };
  },
});
