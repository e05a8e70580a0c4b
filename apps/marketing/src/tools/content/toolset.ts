import type { ToolsetDefinition } from "@revops/kit";

export const contentToolset: ToolsetDefinition = {
  name: "content",
  description: "Check drafts against the brand guide",
  default: false,
};
