import { describeGuardMatrix } from "@revops/guards/testing";
import { createSalesServer } from "../src/server";

// Every way deal_update could run without a human (self-set flags, dry runs, declined or mistyped elicitation,
// forged, replayed or foreign tokens and approvals, changed arguments) is refused, on the sandbox company.
describeGuardMatrix(createSalesServer(), {
  args: {
    deal_update: { deal_id: "deal_0001", next_step: "Matrix step" },
    // at this scale deal_0001's rep works in America/Chicago: 10:00 there
    meeting_schedule: {
      deal_id: "deal_0001",
      start: "2026-11-25T16:00:00Z",
      attendees: ["buyer@example.com"],
    },
    // a write-back always asks a human (a plain enrichment under APOLLO_CREDIT_CONFIRM_ABOVE does not)
    account_enrich: { account_id: "acc_0001", write_back: true },
    pipeline_settings: { action: "update", set: { "quota.usr_02.2026-Q4": 123_456 } },
    // by id: the example's owner-and-stage filter matches no deal at this scale
    records_bulk_update: { record_type: "deal", where: ["deal_0001"], set: { next_step: "Matrix bulk" } },
  },
  changedArgs: {
    deal_update: { deal_id: "deal_0001", next_step: "Another step" },
    pipeline_settings: { action: "update", set: { "quota.usr_02.2026-Q4": 654_321 } },
    account_enrich: { account_id: "acc_0001", write_back: true, people: 1 },
    records_bulk_update: { record_type: "deal", where: ["deal_0001"], set: { next_step: "Another bulk" } },
  },
  env: { SANDBOX_SCALE: "0.1" },
});
