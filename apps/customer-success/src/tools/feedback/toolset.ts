import type { ToolsetDefinition } from "@revops/kit";

export const feedbackToolset: ToolsetDefinition = {
  name: "feedback",
  description: "NPS and CSAT",
  default: true,
};
