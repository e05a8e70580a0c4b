export { auditLogFor, auditPaths } from "./audit-log";
export { auditModule } from "./audit-module";
export { buildCli, type CliOptions, runCli } from "./cli";
export { type SafetyConfig, safetyConfigSchema } from "./config";
export { attributeVendorCalls, safetyHooks } from "./hooks";
export { httpAuthFor, resourceUrl } from "./http-auth";
export { ensureIntroKey } from "./intro-key";
export { runSafeServer, safetyModules, serve, servedModules, withSafety } from "./serve";
export { usageModule } from "./usage-module";
