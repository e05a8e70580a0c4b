import type { ToolsetDefinition } from "@revops/kit";

export const leadsToolset: ToolsetDefinition = {
  name: "leads",
  description: "Lead sources and funnel",
  default: true,
};
