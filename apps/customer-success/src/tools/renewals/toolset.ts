import type { ToolsetDefinition } from "@revops/kit";

export const renewalsToolset: ToolsetDefinition = {
  name: "renewals",
  description: "The renewal book",
  default: true,
};
