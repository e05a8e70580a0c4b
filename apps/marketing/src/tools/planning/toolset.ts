import type { ToolsetDefinition } from "@revops/kit";

export const planningToolset: ToolsetDefinition = {
  name: "planning",
  description: "Campaign plans from the company's own channel economics",
  default: false,
};
