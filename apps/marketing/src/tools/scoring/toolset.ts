import type { ToolsetDefinition } from "@revops/kit";

export const scoringToolset: ToolsetDefinition = {
  name: "scoring",
  description: "Lead scoring model learned from conversions, with held-out accuracy (guarded updates)",
  default: false,
};
