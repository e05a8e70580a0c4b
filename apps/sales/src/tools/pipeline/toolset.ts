import type { ToolsetDefinition } from "@revops/kit";

export const pipelineToolset: ToolsetDefinition = {
  name: "pipeline",
  description: "Deals and pipeline by quarter",
  default: true,
};
