import type { ToolsetDefinition } from "@revops/kit";

export const supportSearchToolset: ToolsetDefinition = {
  name: "support_search",
  description: "Ticket search and reading",
  default: false,
};
