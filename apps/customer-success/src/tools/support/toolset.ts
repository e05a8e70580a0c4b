import type { ToolsetDefinition } from "@revops/kit";

export const supportToolset: ToolsetDefinition = {
  name: "support",
  description: "Support tickets",
  default: true,
};
