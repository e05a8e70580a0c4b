import { workspaceTestConfig } from "../../vitest.workspace-config";

export default workspaceTestConfig({ lines: 80 });
