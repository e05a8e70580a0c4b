import type { ToolsetDefinition } from "@revops/kit";

export const recordsWriteToolset: ToolsetDefinition = {
  name: "records_write",
  description: "Change or delete CRM records in bulk (a human confirms each plan)",
  default: false,
};
