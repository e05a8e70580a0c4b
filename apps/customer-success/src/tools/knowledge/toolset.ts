import type { ToolsetDefinition } from "@revops/kit";

export const knowledgeToolset: ToolsetDefinition = {
  name: "knowledge",
  description: "Help Center articles and the ticket topics they leave uncovered",
  default: false,
};
