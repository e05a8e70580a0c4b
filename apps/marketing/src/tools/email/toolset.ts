import type { ToolsetDefinition } from "@revops/kit";

export const emailToolset: ToolsetDefinition = {
  name: "email",
  description: "Email single sends (guarded) and their engagement stats",
  default: false,
};
