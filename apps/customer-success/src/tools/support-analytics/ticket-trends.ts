import { AnalyticsMetaSchema, annotations, IsoDateSchema, userError } from "@revops/kit";
import { fromVendor } from "@revops/safety/vendor-errors";
import { z } from "zod";
import { AGE_BUCKETS, TICKET_TRENDS_METHOD, ticketTrends as trendsOf } from "../../domain/support-trends";
import { csTool } from "../../ports";
import { supportAnalyticsToolset } from "./toolset";

const DAY_MS = 86_400_000;
const daysBefore = (day: string, n: number) =>
  new Date(Date.parse(day) - n * DAY_MS).toISOString().slice(0, 10);
const Share = z.number().nullable().describe("Good / rated");
const SpreadSchema = z.object({ p50: z.number().nullable(), p90: z.number().nullable() });

export const ticketTrends = csTool({
  name: "ticket_trends",
  title: "Support ticket trends",
  description:
    "Ticket volume and CSAT by tag and month, reply/resolution percentiles by priority, backlog age.",
  toolset: supportAnalyticsToolset.name,
  scopes: ["cs:read"],
  ports: ["support", "messages"],
  annotations: annotations.read,
  input: z
    .object({
      from: IsoDateSchema.optional().describe("Default: 90 days before to"),
      to: IsoDateSchema.optional().describe("Default: today"),
      tags: z.number().int().min(1).max(50).default(10).describe("How many tags to list"),
    })
    .strict(),
  output: z.object({
    period: z.object({ from: z.string(), to: z.string() }),
    totals: z.object({
      created: z.number(),
      solved: z.number(),
      csat_rated: z.number(),
      csat_good: Share,
      first_reply_minutes: SpreadSchema,
      resolution_hours: SpreadSchema,
    }),
    by_priority: z.array(
      z.object({
        priority: z.string(),
        tickets: z.number(),
        first_reply_minutes: SpreadSchema,
        resolution_hours: SpreadSchema,
      }),
    ),
    by_tag: z.array(
      z.object({ tag: z.string(), tickets: z.number(), csat_rated: z.number(), csat_good: Share }),
    ),
    other_tags: z.number(),
    by_month: z.array(z.object({ month: z.string(), tickets: z.number(), csat_good: Share })),
    backlog: z.object({
      unsolved: z.number(),
      by_age: z.record(z.string(), z.number()).describe("Unsolved tickets by days since creation"),
      oldest_days: z.number().nullable(),
    }),
    survey_csat: z
      .object({ responses: z.number(), average: z.number().nullable(), satisfied: Share })
      .describe("CSAT survey answers (1-5) in the period; satisfied = 4-5 / answers"),
    meta: AnalyticsMetaSchema,
  }),
  example: { tags: 5 },
  handler: async ({ input, ctx }) => {
    const ports = ctx.ports;
    const today = await ports.today();
    const to = input.to ?? today;
    const from = input.from ?? daysBefore(to, 90);
    if (from > to)
      throw userError(`from ${from} is after to ${to}.`, {
        fields: ["from"],
        hint: "Give a from date on or before to.",
      });
    if (to > today)
      throw userError(`to ${to} is after today (${today}).`, {
        fields: ["to"],
        hint: `Use ${today} or earlier, or omit it.`,
      });
    const facts = await fromVendor(() => ports.support.ticketFacts({ from, to }));
    // answers from our survey page, whichever system holds the tickets
    const survey = await ports.messages.csatStats({ from, to });
    return {
      period: { from, to },
      ...trendsOf(facts, today, input.tags),
      survey_csat: survey,
      meta: {
        method: `${TICKET_TRENDS_METHOD}: tickets created in [from, to]; percentiles nearest-rank over tickets with a first reply / a resolution (calendar time); CSAT = good / rated; survey CSAT = answers 1-5 from the survey page, satisfied = 4-5; a ticket counts once under each of its tags; backlog = unsolved now, age in days (${AGE_BUCKETS.map((b) => b.name).join(", ")})`,
        as_of: today,
        source: ports.source,
        inputs: {
          tickets: facts.created.length,
          unsolved: facts.backlog.length,
          csat_survey_answers: survey.responses,
        },
        caveats: [
          "Resolution percentiles cover solved tickets only: recent unsolved ones would lengthen them.",
          "Backlog is today's, whatever the period.",
        ],
      },
    };
  },
});
