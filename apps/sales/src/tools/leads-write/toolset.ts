import type { ToolsetDefinition } from "@revops/kit";

export const leadsWriteToolset: ToolsetDefinition = {
  name: "leads_write",
  description: "Change contacts and leads (a human confirms each change)",
  default: false,
};
