import type { ToolsetDefinition } from "@revops/kit";

export const prospectingToolset: ToolsetDefinition = {
  name: "prospecting",
  description: "Find prospects and enrich accounts from Apollo (credits metered)",
  default: false,
};
