import { safetyConfigSchema, safetyHooks, safetyModules } from "@revops/safety";
import { connectInProcess } from "@revops/testing";
import { describeServerFuzz, writeJournal } from "@revops/testing/fuzz";
import { createCustomerSuccessServer } from "../src/server";

// Every toolset on, the safety stack as the bin runs it, and no way to confirm: a guarded write must never run.
describeServerFuzz("cs", async () => {
  const s = await connectInProcess([createCustomerSuccessServer(), ...safetyModules], {
    hooks: safetyHooks("cs"),
    schema: safetyConfigSchema,
    env: { CONFIRMATION_MODE: "deny", SANDBOX_SCALE: "0.1", LOG_LEVEL: "silent" },
  });
  const journal = async () => writeJournal(await s.app.runtime.sql());
  // load the sandbox before the first snapshot, so loading is not mistaken for a write
  await s.client.callTool({ name: "nps_summary", arguments: {} });
  return { client: s.client, journal, close: s.close };
});
