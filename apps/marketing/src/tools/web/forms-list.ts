import { AnalyticsMetaSchema, annotations, untrustedName } from "@revops/kit";
import { z } from "zod";
import { rate } from "../../domain/web-traffic";
import { marketingTool } from "../../ports";
import { rangeInput, resolveRange } from "./range";
import { webToolset } from "./toolset";

const Counts = {
  submissions: z.number(),
  views: z.number().nullable().describe("null when the source does not know them"),
  conversion_rate: z.number().nullable().describe("Submissions per view"),
};

export const formsList = marketingTool({
  name: "forms_list",
  title: "Marketing forms",
  description:
    "Marketing forms with submissions, views and conversion rate over a date range, most submissions first.",
  toolset: webToolset.name,
  scopes: ["marketing:read"],
  ports: ["forms"],
  annotations: annotations.read,
  input: z.object(rangeInput).strict(),
  output: z.object({
    forms: z.array(z.object({ id: z.string(), name: untrustedName(z.string(), "form name"), ...Counts })),
    totals: z.object(Counts),
    meta: AnalyticsMetaSchema,
  }),
  example: { from: "2026-10-01", to: "2026-10-31" },
  handler: async ({ input, ctx }) => {
    const { forms: port } = ctx.ports;
    const today = await ctx.ports.today();
    const range = resolveRange(input, today);
    const { forms, notes } = await port.forms({ from: range.from, to: range.to });
    const sorted = [...forms].sort((a, b) => b.submissions - a.submissions || a.id.localeCompare(b.id));
    const submissions = forms.reduce((t, f) => t + f.submissions, 0);
    // a rate over forms whose views are known only: unknown views never count as zero
    const known = forms.filter((f) => f.views !== null);
    const views = known.length ? known.reduce((t, f) => t + (f.views ?? 0), 0) : null;
    const knownSubmissions = known.reduce((t, f) => t + f.submissions, 0);
    return {
      forms: sorted.map((f) => ({
        id: f.id,
        name: f.name,
        submissions: f.submissions,
        views: f.views,
        conversion_rate: rate(f.submissions, f.views),
      })),
      totals: { submissions, views, conversion_rate: rate(knownSubmissions, views) },
      meta: {
        method:
          "form-conversion-v1: submissions in the range per form; conversion rate = submissions / views",
        as_of: today,
        source: port.source,
        inputs: { from: range.from, to: range.to, forms: forms.length },
        caveats: [
          ...notes,
          ...(known.length < forms.length
            ? ["Forms without known views have no conversion rate and are left out of the total rate."]
            : []),
        ],
      },
    };
  },
});
