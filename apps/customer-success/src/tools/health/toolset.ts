import type { ToolsetDefinition } from "@revops/kit";

export const healthToolset: ToolsetDefinition = {
  name: "health",
  description: "Health scores and churn risk",
  default: true,
};
