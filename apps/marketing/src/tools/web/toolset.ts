import type { ToolsetDefinition } from "@revops/kit";

export const webToolset: ToolsetDefinition = {
  name: "web",
  description: "Website traffic (Google Analytics 4) and marketing forms",
  default: false,
};
