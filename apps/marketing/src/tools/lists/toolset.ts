import type { ToolsetDefinition } from "@revops/kit";

export const listsToolset: ToolsetDefinition = {
  name: "lists",
  description: "Contact list membership (guarded writes)",
  default: true,
};
