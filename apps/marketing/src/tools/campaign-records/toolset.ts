import type { ToolsetDefinition } from "@revops/kit";

export const campaignRecordsToolset: ToolsetDefinition = {
  name: "campaign_records",
  description: "One campaign in full, and guarded campaign creates and changes",
  default: false,
};
