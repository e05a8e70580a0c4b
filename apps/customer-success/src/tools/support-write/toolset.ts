import type { ToolsetDefinition } from "@revops/kit";

export const supportWriteToolset: ToolsetDefinition = {
  name: "support_write",
  description: "Update tickets: status, assignee, notes, replies (confirmed by a human)",
  default: true,
};
