import type { ToolsetDefinition } from "@revops/kit";

export const planningToolset: ToolsetDefinition = {
  name: "planning",
  description: "Quota attainment and pipeline settings (stages, probabilities, quotas, ICP)",
  default: false,
};
