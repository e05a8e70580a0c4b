import {
  AnalyticsMetaSchema,
  annotations,
  IsoDateSchema,
  MoneySchema,
  untrustedText,
  userError,
} from "@revops/kit";
import { fromVendor } from "@revops/safety/vendor-errors";
import { z } from "zod";
import { kbGaps as gapsOf, HANDLING_TAGS, KB_GAPS_METHOD } from "../../domain/kb-gaps";
import { csTool } from "../../ports";
import { knowledgeToolset } from "./toolset";

const DAY_MS = 86_400_000;
const daysBefore = (day: string, n: number) =>
  new Date(Date.parse(day) - n * DAY_MS).toISOString().slice(0, 10);

export const kbGaps = csTool({
  name: "kb_gaps",
  title: "Knowledge-base gaps",
  description: "Ticket topics (tags) with many tickets and no Help Center article: counts, ARR, examples.",
  toolset: knowledgeToolset.name,
  scopes: ["cs:read"],
  ports: ["support"],
  annotations: annotations.read,
  input: z
    .object({
      from: IsoDateSchema.optional().describe("Default: 90 days before to"),
      to: IsoDateSchema.optional(),
      min_tickets: z.number().int().min(1).max(10_000).default(10),
    })
    .strict(),
  output: z.object({
    period: z.object({ from: z.string(), to: z.string() }),
    gaps: z.array(
      z.object({
        topic: z.string(),
        tickets: z.number(),
        accounts: z.number(),
        arr: MoneySchema,
        examples: z.array(untrustedText(z.string(), "ticket subject", 120)),
      }),
    ),
    covered: z.array(z.object({ topic: z.string(), tickets: z.number(), articles: z.number() })),
    meta: AnalyticsMetaSchema,
  }),
  example: { from: "2026-08-25", to: "2026-11-23" },
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
    const [facts, articles, signals] = await fromVendor(() =>
      Promise.all([
        ports.support.ticketFacts({ from, to }),
        ports.support.articles(),
        ports.support.accountSignals(),
      ]),
    );
    const result = gapsOf(
      facts.created,
      articles,
      new Map(signals.map((s) => [s.accountId, s.arr])),
      input.min_tickets,
    );
    return {
      period: { from, to },
      ...result,
      meta: {
        method: `${KB_GAPS_METHOD}: tickets created in the period grouped by tag (a ticket counts under each tag; ${[...HANDLING_TAGS].join(", ")} are handling tags, not topics); a topic with at least min_tickets is covered when a published article is labelled with the tag or has its words in its title`,
        as_of: today,
        source: ports.source,
        inputs: { tickets: facts.created.length, articles: articles.length, min_tickets: input.min_tickets },
        caveats: [
          "Topics are tags: untagged tickets and topics tagged inconsistently are not seen.",
          "An article counts as cover by its labels or title, not by whether it answers the tickets.",
          "ARR: distinct current customers' ARR; churned accounts add 0.",
        ],
      },
    };
  },
});
