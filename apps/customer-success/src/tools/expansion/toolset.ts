import type { ToolsetDefinition } from "@revops/kit";

export const expansionToolset: ToolsetDefinition = {
  name: "expansion",
  description: "Expansion signals: seat utilisation, feature adoption, white space",
  default: false,
};
