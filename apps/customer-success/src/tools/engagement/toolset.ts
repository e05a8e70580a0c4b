import type { ToolsetDefinition } from "@revops/kit";

export const engagementToolset: ToolsetDefinition = {
  name: "engagement",
  description: "Customer meetings: QBR briefs",
  default: false,
};
