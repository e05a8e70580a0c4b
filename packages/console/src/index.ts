export { AdminConsole, type ConsoleLog, type ConsoleOptions, scopesToDecide } from "./console";
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
export {
  type ConsoleSession,
  type ConsoleUser,
  ConsoleUsers,
  type ConsoleUsersOptions,
  normalizeEmail,
} from "./users";
export { barChart, type ConnectionStatus, type UsageRow, type UsageSource } from "./views-ops";
