import { safetyConfigSchema, safetyHooks, safetyModules } from "@revops/safety";
import { connectInProcess } from "@revops/testing";
import { describeServerFuzz } from "@revops/testing/fuzz";
import { createSalesServer } from "../src/server";

/** Rows that writes leave behind; a table not created yet counts as empty. */
const WRITE_TABLES = ["sb_changes", "sb_ticket_comments", "sb_list_members", "guard_caps", "guard_approvals"];

// Every toolset on, the safety stack as the bin runs it, and no way to confirm: a guarded write must never run.
describeServerFuzz("sales", async () => {
  const s = await connectInProcess([createSalesServer(), ...safetyModules], {
    hooks: safetyHooks("sales"),
    schema: safetyConfigSchema,
    env: { CONFIRMATION_MODE: "deny", SANDBOX_SCALE: "0.1", LOG_LEVEL: "silent" },
  });
  const journal = async () => {
    const db = await s.app.runtime.sql();
    const counts: Record<string, number> = {};
    for (const table of WRITE_TABLES) {
      try {
        counts[table] = Number((await db.one<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))?.n ?? 0);
      } catch {
        counts[table] = 0;
      }
    }
    return counts;
  };
  // load the sandbox before the first snapshot, so loading is not mistaken for a write
  await s.client.callTool({ name: "pipeline_summary", arguments: {} });
  return { client: s.client, journal, close: s.close };
});
