import type { ToolsetDefinition } from "@revops/kit";

export const supportAnalyticsToolset: ToolsetDefinition = {
  name: "support_analytics",
  description: "Support trends: volume, CSAT, SLA percentiles, backlog age",
  default: false,
};
