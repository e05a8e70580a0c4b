import { workspaceTestConfig } from "../../vitest.workspace-config";

// The matrix builder and its harness are test code that apps import; they are exercised, not gated.
export default workspaceTestConfig({
  lines: 80,
  exclude: ["src/testing.ts", "src/harness.ts", "src/index.ts"],
});
