import type { ToolsetDefinition } from "@revops/kit";

export const supportWriteToolset: ToolsetDefinition = {
  name: "support_write",
  description: "Open and update tickets: status, assignee, notes, replies (confirmed by a human)",
  default: true,
};
