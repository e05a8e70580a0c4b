import type { ToolsetDefinition } from "@revops/kit";

export const campaignsToolset: ToolsetDefinition = {
  name: "campaigns",
  description: "Campaigns, spend and ROI",
  default: true,
};
