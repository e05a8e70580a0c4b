import type { ToolsetDefinition } from "@revops/kit";

export const attributionToolset: ToolsetDefinition = {
  name: "attribution",
  description: "Multi-touch campaign attribution: pipeline and revenue per campaign by model",
  default: true,
};
