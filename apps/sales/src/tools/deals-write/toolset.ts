import type { ToolsetDefinition } from "@revops/kit";

export const dealsWriteToolset: ToolsetDefinition = {
  name: "deals_write",
  description: "Change deals (a human confirms each change)",
  default: true,
};
