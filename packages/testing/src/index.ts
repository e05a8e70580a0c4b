export { createApiKey } from "./api-key";
export { describeToolDocs } from "./docs-check";
export { itJudgesSettingsLikeTheDoctor, type SettingsCase } from "./doctor-agreement";
export * from "./fakes/index";
export { connectInProcess } from "./in-process";
export {
  type Connected,
  connectHttp,
  connectStdio,
  freePort,
  type HttpServerProcess,
  startHttpServer,
  tempDataDir,
} from "./mcp-client";
export {
  type ConnectedModern,
  confirmationPhraseIn,
  connectHttpModern,
  connectStdioModern,
  MODERN_PROTOCOL_VERSION,
  type ModernClientOptions,
  type ModernElicit,
  modernPost,
  modernToolCall,
  typeThePhrase,
} from "./mcp-client-modern";
export * from "./nginx";
export { describePackInstall } from "./pack-install";
export { PG_URL, pgSchema, TEST_ENGINES, testDatabase } from "./pg-schema";
export {
  describeRegistryContract,
  modelVisibleTokens,
  RESULT_TOKEN_BUDGET,
  resultTokens,
  TOOL_TOKEN_BUDGET,
} from "./registry-contract";
export { type SandboxServer, withSandboxServer } from "./sandbox-server";
export { describeServerE2E, type ServerE2EOptions } from "./server-e2e";
export { describeServerModernE2E } from "./server-e2e-modern";
export { startUntilExit } from "./start-exit";
export { renderToolDocs } from "./tool-docs";
export { describeToolIndex, type ToolIndexOptions } from "./tool-index";
export { toolsOf } from "./tools-of";
export { checkToolSnapshots } from "./toolsnaps";
