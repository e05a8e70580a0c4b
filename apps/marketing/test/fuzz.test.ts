import { safetyConfigSchema, safetyHooks, safetyModules } from "@revops/safety";
import { connectInProcess } from "@revops/testing";
import { describeServerFuzz, writeJournal } from "@revops/testing/fuzz";
import { createMarketingServer } from "../src/server";

// Every toolset on, the safety stack as the bin runs it, and no way to confirm: a guarded write must never run.
describeServerFuzz("marketing", async () => {
  const s = await connectInProcess([createMarketingServer(), ...safetyModules], {
    hooks: safetyHooks("marketing"),
    schema: safetyConfigSchema,
    env: { CONFIRMATION_MODE: "deny", SANDBOX_SCALE: "0.1", LOG_LEVEL: "silent" },
  });
  const journal = async () => writeJournal(await s.app.runtime.sql());
  // load the sandbox before the first snapshot, so loading is not mistaken for a write
  await s.client.callTool({ name: "campaigns_list", arguments: {} });
  return { client: s.client, journal, close: s.close };
});
