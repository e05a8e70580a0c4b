import { AnalyticsMetaSchema, annotations } from "@revops/kit";
import { z } from "zod";
import { foldWeeks, trafficRow } from "../../domain/web-traffic";
import { marketingTool } from "../../ports";
import { rangeInput, resolveRange } from "./range";
import { webToolset } from "./toolset";

const Rate = z.number().nullable();
const Metrics = {
  sessions: z.number(),
  engaged_sessions: z.number(),
  engagement_rate: Rate,
  conversions: z.number().describe("Key events (form submissions)"),
  conversion_rate: Rate.describe("Conversions per session"),
  users: z.number(),
};

export const webAnalytics = marketingTool({
  name: "web_analytics",
  title: "Web analytics",
  description:
    "Website sessions, engaged sessions, conversions and users from Google Analytics 4, grouped over a date range.",
  toolset: webToolset.name,
  scopes: ["marketing:read"],
  ports: ["web"],
  annotations: annotations.read,
  input: z
    .object({
      ...rangeInput,
      group_by: z.enum(["day", "week", "source_medium", "landing_page"]).default("day"),
      limit: z.number().int().min(1).max(100).default(31),
    })
    .strict(),
  output: z.object({
    rows: z.array(
      z.object({ key: z.string().describe("Day, week's Monday, source / medium or page"), ...Metrics }),
    ),
    totals: z.object(Metrics),
    note: z.string(),
    meta: AnalyticsMetaSchema,
  }),
  example: { group_by: "source_medium" },
  handler: async ({ input, ctx }) => {
    const { web } = ctx.ports;
    const today = await ctx.ports.today();
    const range = resolveRange(input, today);
    const by = input.group_by === "week" ? "day" : input.group_by;
    const report = await web.traffic({ from: range.from, to: range.to, by });
    const all = input.group_by === "week" ? foldWeeks(report.rows) : report.rows;
    const rows = all.slice(0, input.limit);
    const left = all.length - rows.length;
    return {
      rows: rows.map((r) => ({ key: r.key, ...trafficRow(r) })),
      totals: trafficRow(report.totals),
      note: all.length
        ? `Showing ${rows.length} of ${all.length} rows${left ? `; ${left} left out (raise limit or narrow the range)` : ""}; totals cover all.`
        : "No traffic in the range; widen it.",
      meta: {
        method: `web-traffic-v1: sessions, engaged sessions, key events and users per ${input.group_by}; rates per session`,
        as_of: today,
        source: web.source,
        inputs: { from: range.from, to: range.to, days: range.days, group_by: input.group_by },
        caveats: [
          report.through ? `Data through ${report.through}.` : "No data in the range yet.",
          "Users are counted per row: a visitor who returns on another day or from another source counts in each row.",
          ...report.notes,
        ],
      },
    };
  },
});
