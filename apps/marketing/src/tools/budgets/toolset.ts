import type { ToolsetDefinition } from "@revops/kit";

export const budgetsToolset: ToolsetDefinition = {
  name: "budgets",
  description: "Ad budgets, pacing and capped spend plans",
  default: false,
};
