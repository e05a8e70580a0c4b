import { workspaceTestConfig } from "../../vitest.workspace-config";

export default workspaceTestConfig({ lines: 80, exclude: ["src/testing/**", "src/conformance/bin.ts"] });
