import { workspaceTestConfig } from "../../vitest.workspace-config";

export default workspaceTestConfig({
  lines: 80,
  exclude: [
    // suite builders run inside the apps' test processes, where they are exercised on every server
    "src/server-e2e.ts",
    "src/pack-install.ts",
    "src/docs-check.ts",
    "src/registry-contract.ts",
    // vendor fakes are exercised over real sockets by packages/connectors' tests
    "src/fakes/**",
  ],
});
