import type { ToolsetDefinition } from "@revops/kit";

export const leadsToolset: ToolsetDefinition = {
  name: "leads",
  description: "Contacts and leads: search, list, score",
  default: false,
};
