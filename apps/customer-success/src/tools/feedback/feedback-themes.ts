import { AnalyticsMetaSchema, annotations, IsoDateSchema, untrustedText, userError } from "@revops/kit";
import { fromVendor } from "@revops/safety/vendor-errors";
import { z } from "zod";
import {
  FEEDBACK_THEMES_METHOD,
  type FeedbackItem,
  feedbackThemes as themesOf,
} from "../../domain/feedback-themes";
import { csTool, type SupportPort } from "../../ports";
import { feedbackToolset } from "./toolset";

const DAY_MS = 86_400_000;
const daysBefore = (day: string, n: number) =>
  new Date(Date.parse(day) - n * DAY_MS).toISOString().slice(0, 10);
/** Ticket subjects read per call (10 listTickets pages of 100, newest first): a 90-day period at sandbox scale. */
export const MAX_TICKET_SUBJECTS = 1000;

/** Ticket subjects created in [from, to], newest first, up to the cap; `total` says how many exist. */
async function ticketSubjects(support: SupportPort, from: string, to: string) {
  const rows: FeedbackItem[] = [];
  let cursor: string | undefined;
  let total = 0;
  do {
    const page = await support.listTickets({ createdFrom: from, createdTo: to, cursor, limit: 100 });
    total = page.total;
    for (const t of page.rows)
      rows.push({
        source: "ticket",
        id: t.id,
        accountId: t.accountId,
        text: t.subject,
        score: null,
        at: t.createdAt,
      });
    cursor = page.nextCursor ?? undefined;
  } while (cursor && rows.length < MAX_TICKET_SUBJECTS);
  return { rows: rows.slice(0, MAX_TICKET_SUBJECTS), total: Math.max(total, rows.length) };
}

export const feedbackThemes = csTool({
  name: "feedback_themes",
  title: "Feedback themes",
  description: "Themes in NPS comments and ticket subjects: counts, ARR, detractor share, quotes.",
  toolset: feedbackToolset.name,
  scopes: ["cs:read"],
  ports: ["support"],
  annotations: annotations.read,
  input: z
    .object({
      from: IsoDateSchema.optional().describe("Default: 90 days before to"),
      to: IsoDateSchema.optional(),
    })
    .strict(),
  output: z.object({
    period: z.object({ from: z.string(), to: z.string() }),
    themes: z.array(
      z.object({
        theme: z.string(),
        mentions: z.number(),
        nps_comments: z.number(),
        tickets: z.number(),
        accounts: z.number(),
        arr: z.number(),
        detractor_share: z.number().nullable(),
        matched_terms: z.array(z.string()),
        quotes: z.array(untrustedText(z.string(), "feedback comment", 100)),
      }),
    ),
    other: z.object({ mentions: z.number(), share: z.number().nullable() }),
    meta: AnalyticsMetaSchema,
  }),
  example: { from: "2026-01-01" },
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
    const [responses, tickets, signals] = await fromVendor(() =>
      Promise.all([
        ports.support.npsResponses({ from, to }),
        ticketSubjects(ports.support, from, to),
        ports.support.accountSignals(),
      ]),
    );
    const comments: FeedbackItem[] = responses
      .filter((r) => r.comment?.trim())
      .map((r) => ({
        source: "nps",
        id: r.id,
        accountId: r.accountId,
        text: r.comment ?? "",
        score: r.score,
        at: r.respondedAt,
      }));
    const result = themesOf(
      [...comments, ...tickets.rows],
      new Map(signals.map((s) => [s.accountId, s.arr])),
    );
    return {
      period: { from, to },
      ...result,
      meta: {
        method: `${FEEDBACK_THEMES_METHOD}: fixed lexicon matched on whole normalised words/phrases of NPS comments and ticket subjects; an item counts under each theme it matches, none = other; detractor share = scores 0-6 / NPS comments`,
        as_of: today,
        source: ports.source,
        inputs: { nps_comments: comments.length, tickets: tickets.rows.length },
        caveats: [
          "Keyword matching misses negation, sarcasm and unlisted words.",
          "ARR: distinct current customers' ARR; churned accounts add 0.",
          ...(tickets.total > tickets.rows.length
            ? [`Only the newest ${tickets.rows.length} of ${tickets.total} tickets' subjects were read.`]
            : []),
        ],
      },
    };
  },
});
