import { definePrompt, userError } from "@revops/kit";
import type { MarketingPorts } from "./ports";

export const budgetPlanPrompt = definePrompt<MarketingPorts>({
  name: "campaign_budget_plan",
  title: "Plan next quarter's campaign budget",
  description:
    "Proposes how to split a budget across channels from last campaigns' ROI and lead-source conversion.",
  scopes: ["marketing:read"],
  args: {
    budget: { description: "Total budget in USD, e.g. 50000", required: true },
    goal: { description: "pipeline, revenue or leads", required: false },
  },
  complete: {
    goal: async (value) => ["pipeline", "revenue", "leads"].filter((g) => g.startsWith(value)),
  },
  render: (args) => {
    const budget = Number(args.budget);
    if (!Number.isFinite(budget) || budget <= 0)
      throw userError(`budget must be a positive number of USD, got "${args.budget}"`);
    const goal = args.goal || "pipeline";
    return [
      {
        role: "user",
        content: {
          type: "text",
          text: [
            `Plan how to spend $${budget.toLocaleString("en-US")} next quarter to maximise ${goal}.`,
            `1. Call campaign_performance {rank_by: "${goal === "leads" ? "cost_per_lead" : goal}", top: 15}.`,
            "2. Call leads_by_source {} for funnel conversion per source.",
            "3. Propose a split by channel that sums exactly to the budget, with the expected leads and pipeline for each,",
            "   citing the figures you used. Flag channels with fewer than 30 leads as uncertain.",
          ].join("\n"),
        },
      },
    ];
  },
});
