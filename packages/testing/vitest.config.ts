import { workspaceTestConfig } from "../../vitest.workspace-config";

export default workspaceTestConfig({
  lines: 80,
  exclude: [
    // suite builders run inside the apps' test processes, where they are exercised on every server
    "src/server-e2e.ts",
    "src/server-e2e-modern.ts",
    // each app's tool-index test runs it against that app's committed index and live definitions
    "src/tool-index.ts",
    // the 2026-07-28 client drives every app's modern e2e suite; the kit's own tests cover its transports
    "src/mcp-client-modern.ts",
    "src/pack-install.ts",
    "src/docs-check.ts",
    // each app runs its table of vendor settings through it against its own start-up check
    "src/doctor-agreement.ts",
    "src/registry-contract.ts",
    // the apps' analytics tests load the sandbox through it (a package test would load it once more for nothing)
    "src/sandbox-server.ts",
    // the apps' PostgreSQL port tests each take a schema through it
    "src/pg-schema.ts",
    // the MCP Apps host and views e2e run in the apps' tests, in Chromium and against the built bins
    "src/views/**",
    // vendor fakes are exercised over real sockets by packages/connectors' tests
    "src/fakes/**",
  ],
});
