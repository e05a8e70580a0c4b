/** Builds the embedded requests of an `InputRequired` (elicitation forms, URL pages, sampling, roots). */
export { type InputRequest, inputRequired } from "@modelcontextprotocol/server";
export { BULK_SAMPLE, selectionHash } from "./bulk-plan";
export {
  type BaseConfig,
  baseConfigSchema,
  ConfigError,
  diffProfiles,
  envBool,
  envList,
  envWithFile,
  loadConfig,
  maskSecret,
  parseFlags,
  profileSettingsFile,
  readSettings,
  type SettingDifference,
  settingsFiles,
} from "./config";
export {
  CONNECTION_SEPARATOR,
  connectionResolver,
  type NamedEnvironments,
  nameConnection,
  namedEnvironments,
  portsWithConnections,
} from "./connections";
export * from "./define";
export { type DiscoveryMode, type FoundTool, TOOLS_SEARCH } from "./discovery";
export {
  denied,
  describeError,
  type ErrorKind,
  InputRequired,
  notFound,
  ToolError,
  toToolError,
  userError,
} from "./errors";
export { GUARD_CONTROL_INPUTS, GUARD_CONTROL_KEYS, PlanPreviewSchema, withGuardInputs } from "./guard-inputs";
export {
  type Authenticate,
  type HttpAuth,
  type HttpOptions,
  HttpTransportServer,
} from "./http";
export {
  eagerWhereConnected,
  type IndexedTool,
  lazyTools,
  loadTool,
  type ToolIndexFile,
  toolIndexOf,
} from "./lazy-tools";
export { documentedOutputSchema } from "./listed-schemas";
export { createLogger, type Logger } from "./logger";
export { KitApp, type KitOptions, MODERN_PROTOCOL_VERSION } from "./mcp-server";
export { type CallMetrics, noMetrics } from "./metrics";
export {
  compose,
  type Middleware,
  type Next,
  type PipelineHooks,
  type ToolCall,
  type ToolOutcome,
} from "./pipeline";
export { AnalyticsMetaSchema, annotations, MoneySchema } from "./presets";
export {
  buildRegistry,
  hasScopes,
  type Registry,
  type Selection,
  selectTools,
  type ToolEntry,
} from "./registry";
export { main, type RunningServer, type RunOptions, runServer } from "./run";
export { KitRuntime } from "./runtime";
export {
  CursorSchema,
  IsoDateSchema,
  IsoDateTimeSchema,
  LimitSchema,
  NextCursorSchema,
  toJsonSchema,
  WrittenSchema,
} from "./schema";
export { renderCompact, shapeResult } from "./shape";
export { TASKS_EXTENSION_ID } from "./tasks/runner";
export {
  declaredPorts,
  type PortVariables,
  portDeclarationProblems,
  portVariables,
  toolConnectionNames,
} from "./tool-connections";
export { fenceUntrusted, isOutsideText, plainOutsideFields, untrustedName, untrustedText } from "./untrusted";
export { rendersViews, VIEW_EXTENSION_ID, VIEW_MIME_TYPE, viewToolMeta } from "./views";
