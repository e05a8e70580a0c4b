import type { ToolsetDefinition } from "@revops/kit";

export const messagingToolset: ToolsetDefinition = {
  name: "messaging",
  description: "Messages and surveys to customer contacts",
  default: false,
};
