import { definePrompt } from "@revops/kit";
import { quarterOf } from "./domain/period";
import type { SalesPorts } from "./ports";

export const quarterReviewPrompt = definePrompt<SalesPorts>({
  name: "quarter_review",
  title: "Quarter pipeline review",
  description:
    "Walks through a quarter's pipeline and forecast for the team or one rep, and proposes actions.",
  scopes: ["sales:read"],
  args: {
    quarter: { description: "Quarter as YYYY-Qn; defaults to the current one", required: false },
    owner: { description: "A rep's name to focus on; omit for the whole team", required: false },
  },
  complete: {
    owner: async (value, ctx) =>
      (await ctx.ports.crm.listOwners())
        .map((o) => o.name)
        .filter((n) => n.toLowerCase().startsWith(value.toLowerCase())),
    quarter: async (value, ctx) => {
      const now = quarterOf(await ctx.ports.today());
      return [now].filter((q) => q.startsWith(value));
    },
  },
  render: async (args, ctx) => {
    const quarter = args.quarter || quarterOf(await ctx.ports.today());
    const who = args.owner ? `for ${args.owner}` : "for the whole team";
    const ownerArg = args.owner ? `, owner: "${args.owner}"` : "";
    return [
      {
        role: "user",
        content: {
          type: "text",
          text: [
            `Review the ${quarter} pipeline ${who}.`,
            `1. Call pipeline_summary {quarter: "${quarter}"${ownerArg}} and report open, weighted, won and the win rate.`,
            `2. If forecast_get is available, call it with the same arguments and compare its P50 and P10–P90 range with the commit and best-case categories, and read its backtest.`,
            `3. Call deals_list {status: "open", close_to: <end of quarter>${ownerArg}} and name the slipped deals (close date passed) and the five largest open deals.`,
            "4. Finish with three concrete actions, each naming a deal and its owner.",
          ].join("\n"),
        },
      },
    ];
  },
});
