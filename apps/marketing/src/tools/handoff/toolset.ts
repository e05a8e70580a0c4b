import type { ToolsetDefinition } from "@revops/kit";

export const handoffToolset: ToolsetDefinition = {
  name: "handoff",
  description: "MQL hand-off to sales owners with speed-to-lead (guarded writes)",
  default: false,
};
