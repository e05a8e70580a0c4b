import { workspaceTestConfig } from "../../vitest.workspace-config";

export default workspaceTestConfig({ lines: 70, exclude: ["src/bin.ts"], timeoutMs: 60_000 });
