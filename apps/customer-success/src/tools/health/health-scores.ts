import {
  AnalyticsMetaSchema,
  annotations,
  CursorSchema,
  defineView,
  MoneySchema,
  NextCursorSchema,
} from "@revops/kit";
import type { AccountSignals } from "@revops/model";
import { fromVendor } from "@revops/safety/vendor-errors";
import { decodeCursor, encodeCursor } from "@revops/sandbox";
import { z } from "zod";
import {
  bookAt,
  HEALTH_METHOD,
  type Health,
  healthScore,
  pastScore,
  topDriver,
  weightsLabel,
} from "../../domain/health";
import { activeHealthWeights } from "../../health-weights";
import { csTool } from "../../ports";
import { AccountNameSchema } from "../schemas";
import { healthToolset } from "./toolset";
import { monthEndSignals } from "./trend-books";

const DAY_MS = 86_400_000;
const minusDays = (day: string, n: number) =>
  new Date(Date.parse(day) - n * DAY_MS).toISOString().slice(0, 10);
const BANDS = ["high", "medium", "low"] as const;
const sameText = (a: string | null | undefined, b: string) => (a ?? "").toLowerCase() === b.toLowerCase();

export const healthScores = csTool({
  name: "health_scores",
  title: "Health scores of every customer",
  description:
    "Every customer's health score, band, 30/90-day trend and top driver, by segment or owner; totals by band.",
  toolset: healthToolset.name,
  scopes: ["cs:read"],
  ports: ["support"],
  annotations: annotations.read,
  input: z
    .object({
      size_band: z.string().max(20).optional().describe("e.g. 51-200"),
      industry: z.string().max(60).optional(),
      plan: z.string().max(30).optional(),
      owner: z.string().max(80).optional(),
      band: z.enum(BANDS).optional(),
      order: z.enum(["worst", "best", "arr"]).default("worst"),
      cursor: CursorSchema.optional(),
      limit: z.number().int().min(1).max(100).default(10),
    })
    .strict(),
  output: z.object({
    accounts: z.array(
      z.object({
        account_id: z.string(),
        account_name: AccountNameSchema,
        owner: z.string(),
        segment: z.string().describe("size band · industry · plan"),
        arr: MoneySchema,
        score: z.number(),
        band: z.enum(BANDS),
        score_30d_ago: z.number().nullable(),
        score_90d_ago: z.number().nullable(),
        top_driver: z.string().describe("Component losing most points"),
        points_lost: z.number(),
      }),
    ),
    totals: z.object({
      accounts: z.number(),
      arr: MoneySchema,
      average_score: z.number().nullable(),
      by_band: z.record(z.enum(BANDS), z.object({ accounts: z.number(), arr: MoneySchema })),
    }),
    trend: z
      .object({
        month_end: z.array(z.string()),
        average_score: z.array(z.number().nullable()),
        by_band: z.record(z.enum(BANDS), z.array(z.number())),
      })
      .nullable()
      .describe("The same accounts at past month ends, those scorable then"),
    next_cursor: NextCursorSchema,
    meta: AnalyticsMetaSchema,
  }),
  example: { size_band: "201-1000", limit: 5 },
  view: defineView({
    uri: "ui://cs/health",
    title: "Health chart",
    description: "Customers by risk band, month by month, and the scores shown with their 90-day-old score.",
    html: async () => (await import("../../views/health.view.ts?view")).default,
  }),
  handler: async ({ input, ctx }) => {
    const ports = ctx.ports;
    const today = await ports.today();
    const signals = await fromVendor(() => ports.support.accountSignals());
    const weights = await activeHealthWeights(ports);
    const w = weights.weights;
    const scored = signals
      .filter(
        (s) =>
          (!input.size_band || sameText(s.sizeBand, input.size_band)) &&
          (!input.industry || sameText(s.industry, input.industry)) &&
          (!input.plan || sameText(s.plan, input.plan)) &&
          (!input.owner || s.ownerName.toLowerCase().includes(input.owner.toLowerCase())),
      )
      .map((s) => ({ s, h: healthScore(s, today, w) }));
    const matching = input.band ? scored.filter((x) => x.h.risk === input.band) : scored;
    const key = (x: { s: AccountSignals; h: Health }) =>
      input.order === "arr" ? -x.s.arr : input.order === "best" ? -x.h.score : x.h.score;
    matching.sort((a, b) => key(a) - key(b) || a.s.accountId.localeCompare(b.s.accountId));
    const tag = `health-scores:${input.order}`;
    let start = 0;
    if (input.cursor) {
      const [k, id] = decodeCursor(tag, input.cursor);
      const at = matching.findIndex(
        (x) => key(x) > Number(k) || (key(x) === Number(k) && x.s.accountId > String(id)),
      );
      start = at === -1 ? matching.length : at;
    }
    const page = matching.slice(start, start + input.limit);
    const last = page[page.length - 1];
    // a past day is computable from the sandbox's history only (vendors serve today's windows)
    const trend = ports.source === "sandbox" && page.length > 0;
    const ids = page.map((x) => x.s.accountId);
    const [d30, d90] = [minusDays(today, 30), minusDays(today, 90)];
    const [then30, then90] = trend
      ? await Promise.all(
          [d30, d90].map((asOf) => fromVendor(() => ports.support.accountSignals({ accountIds: ids, asOf }))),
        )
      : [[], []];
    // the book month by month: today's matching accounts as they stood at each past month end
    const pastBooks =
      ports.source === "sandbox" && matching.length > 0 ? await monthEndSignals(ports.support, today) : [];
    // every customer matches unless a filter is set (both lists are today's customers)
    const wanted = matching.length < signals.length ? new Set(matching.map((x) => x.s.accountId)) : undefined;
    const monthEnds = pastBooks.map((b) => b.asOf);
    const books = pastBooks.map(({ asOf, signals: then }) =>
      bookAt(wanted ? then.filter((s) => wanted.has(s.accountId)) : then, asOf, w),
    );
    const byId = (rows: AccountSignals[]) => new Map(rows.map((r) => [r.accountId, r]));
    const [m30, m90] = [byId(then30 ?? []), byId(then90 ?? [])];
    const byBand = Object.fromEntries(
      BANDS.map((b) => {
        const inBand = matching.filter((x) => x.h.risk === b);
        return [b, { accounts: inBand.length, arr: inBand.reduce((t, x) => t + x.s.arr, 0) }];
      }),
    ) as Record<(typeof BANDS)[number], { accounts: number; arr: number }>;
    return {
      accounts: page.map(({ s, h }) => {
        const d = topDriver(h);
        return {
          account_id: s.accountId,
          account_name: s.accountName,
          owner: s.ownerName,
          segment: [s.sizeBand, s.industry, s.plan].map((v) => v ?? "?").join(" · "),
          arr: s.arr,
          score: h.score,
          band: h.risk,
          score_30d_ago: trend ? pastScore(m30.get(s.accountId), d30, w) : null,
          score_90d_ago: trend ? pastScore(m90.get(s.accountId), d90, w) : null,
          top_driver: d.component,
          points_lost: d.points_lost,
        };
      }),
      totals: {
        accounts: matching.length,
        arr: matching.reduce((t, x) => t + x.s.arr, 0),
        average_score: matching.length
          ? Math.round((matching.reduce((t, x) => t + x.h.score, 0) / matching.length) * 10) / 10
          : null,
        by_band: byBand,
      },
      trend: monthEnds.length
        ? {
            month_end: monthEnds,
            average_score: books.map((b) => b.average),
            by_band: Object.fromEntries(BANDS.map((b) => [b, books.map((x) => x.bands[b])])) as Record<
              (typeof BANDS)[number],
              number[]
            >,
          }
        : null,
      next_cursor:
        start + input.limit < matching.length && last
          ? encodeCursor(tag, [key(last), last.s.accountId])
          : null,
      meta: {
        method: `${HEALTH_METHOD} weights v${weights.version} (as accounts_at_risk): ${weightsLabel(w)}; band high < 45, medium < 65, medium renewing ≤ 90 days counts high; past scores = the same windows ending 30/90 days ago; trend = the matching accounts scored at month ends`,
        as_of: today,
        source: ports.source,
        inputs: {
          customers: signals.length,
          matching: matching.length,
          ...(trend ? { trend_days: `${d90}, ${d30}` } : {}),
        },
        caveats: [
          trend
            ? "Past scores use the term in force then and today's customer list; null when the account was under 60 days old or had no term."
            : "Trend not computable here: vendor usage and support data are today's windows only.",
        ],
      },
    };
  },
});
