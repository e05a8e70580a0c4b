import type { ToolsetDefinition } from "@revops/kit";

export const playsToolset: ToolsetDefinition = {
  name: "plays",
  description: "Save plays and touchpoints: tasks for at-risk accounts, logged calls and meetings",
  default: false,
};
