import type { ToolsetDefinition } from "@revops/kit";

export const outreachToolset: ToolsetDefinition = {
  name: "outreach",
  description: "Draft and send sales email from a deal's context (Gmail or the sandbox)",
  default: false,
};
