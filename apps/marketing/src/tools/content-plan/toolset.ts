import type { ToolsetDefinition } from "@revops/kit";

export const contentPlanToolset: ToolsetDefinition = {
  name: "content_plan",
  description: "Content calendar, social scheduling and content briefs from personas and approved claims",
  default: false,
};
