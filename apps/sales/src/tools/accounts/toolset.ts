import type { ToolsetDefinition } from "@revops/kit";

export const accountsToolset: ToolsetDefinition = {
  name: "accounts",
  description: "Account research",
  default: true,
};
