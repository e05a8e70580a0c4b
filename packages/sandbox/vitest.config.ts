import { workspaceTestConfig } from "../../vitest.workspace-config";

export default workspaceTestConfig({
  lines: 80,
  exclude: [
    // the shared lead model: apps/sales/test/lead-score.test.ts and apps/marketing/test/lead-scoring-model.test.ts
    "src/lead-model.ts",
    // port adapters added with the catalogue tools: each app's port contract tests run them on SQLite and
    // PostgreSQL beside the vendor adapters (apps/*/test/*-port.test.ts, deal_get/deal_create/email/budget/contact/lead/ticket/meeting/segment/campaign tests)
    "src/ports/closed-deals.ts",
    "src/ports/crm-contact-write.ts",
    "src/ports/crm-contacts.ts",
    "src/ports/crm-deal.ts",
    "src/ports/crm-lead-write.ts",
    "src/ports/crm-leads.ts",
    // apps/sales/test/records-vendors.test.ts and records-write.test.ts (bulk updates, deletes to the recycle bin)
    "src/ports/crm-records.ts",
    "src/ports/deal-timelines.ts",
    // the identity graph's planted people: apps/suite/src/identity/graph.test.ts scores the matcher against them
    "src/ports/identity-people.ts",
    "src/ports/meetings.ts",
  ],
});
