import type { ToolsetDefinition } from "@revops/kit";

export const dealsToolset: ToolsetDefinition = {
  name: "deals",
  description: "One deal in depth, pipeline changes and win/loss reports",
  default: false,
};
