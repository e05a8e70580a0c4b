import type { ToolsetDefinition } from "@revops/kit";

export const retentionToolset: ToolsetDefinition = {
  name: "retention",
  description: "ARR bridge and revenue retention by cohort",
  default: false,
};
