import type { ToolsetDefinition } from "@revops/kit";

export const segmentsToolset: ToolsetDefinition = {
  name: "segments",
  description: "Contact segments from rules, saved as static lists (guarded writes)",
  default: false,
};
