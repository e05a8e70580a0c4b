import type { ToolsetDefinition } from "@revops/kit";

export const segmentsToolset: ToolsetDefinition = {
  name: "segments",
  description: "Customer segments, bulk customer changes and the health score's weights",
  default: false,
};
