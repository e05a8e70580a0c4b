import type { ToolsetDefinition } from "@revops/kit";

export const analyticsToolset: ToolsetDefinition = {
  name: "analytics",
  description: "Funnel by cohort and A/B test significance",
  default: false,
};
