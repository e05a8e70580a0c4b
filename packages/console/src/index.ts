export {
  AdminConsole,
  type ConsoleLog,
  type ConsoleOptions,
  PAGE_HEADERS,
  readForm,
  scopesToDecide,
} from "./console";
// the console's page stack for other public pages (the survey answer page): escaped templates, headers, stylesheet
export { html, type Node, renderPage } from "./html";
export { consoleMigrations } from "./migrations";
export { OidcRefused, type OidcSettings } from "./oidc";
export { decideOidc, groupsOf, type OidcDecision, type OidcPolicy } from "./oidc-policy";
export {
  hashPassword,
  MIN_PASSWORD_LENGTH,
  passwordProblem,
  type ScryptParams,
  STRONG_SCRYPT,
  verifyPassword,
} from "./passwords";
export { DEFAULT_LIMITS, type SignInLimits } from "./rate-limit";
export { STYLESHEET } from "./style";
export {
  type ConsoleSession,
  type ConsoleUser,
  ConsoleUsers,
  type ConsoleUsersOptions,
  normalizeEmail,
} from "./users";
export { barChart, type ConnectionStatus, type UsageRow, type UsageSource } from "./views-ops";
