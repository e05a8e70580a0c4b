import type { ToolsetDefinition } from "@revops/kit";

export const meetingsToolset: ToolsetDefinition = {
  name: "meetings",
  description: "List, prepare, schedule and log sales meetings (Google Calendar or the sandbox)",
  default: false,
};
