export {
  API_KEY_PREFIX,
  type ApiKeyCheck,
  type ApiKeyRecord,
  ApiKeyStore,
  type ApiKeyStoreOptions,
  type CreatedApiKey,
  looksLikeApiKey,
} from "./api-keys";
export {
  type BearerChallenge,
  type BearerError,
  bearerChallenge,
  type InsufficientScopeOptions,
  writeForbidden,
  writeInsufficientScope,
  writeUnauthorized,
} from "./challenge";
export { type Authenticate, createHttpAuthenticator, type HttpAuthOptions } from "./http-auth";
export { JwtVerifier, type OAuthOptions, TokenCheckUnavailableError, TokenRejectedError } from "./jwt";
export { type LocalPrincipalOptions, localPrincipal } from "./local";
export type { AuthLog, AuthLogLevel } from "./log";
export { isLoopbackHost } from "./loopback";
export {
  ALL_SCOPES,
  PROTECTED_RESOURCE_METADATA_PATH,
  protectedResourceMetadata,
  protectedResourceMetadataHandler,
  type ResourceMetadataOptions,
  resourceMetadataUrl,
} from "./metadata";
export { authMigrations } from "./migrations";
export type { Principal } from "./principal";
export { REDACTION_PATHS, redactSecrets } from "./redact";
export {
  ConnectionNotFoundError,
  isUnauthorized,
  type StoredConnection,
  TokenRefresher,
  type TokenRefresherOptions,
  VendorUnauthorizedError,
} from "./refresh/refresher";
export {
  DEFAULT_TTL_MS as VENDOR_DEFAULT_TTL_MS,
  exchangeAuthorizationCode,
  type RefreshFunction,
  type TokenEndpointOptions,
  TokenRefreshError,
  type TokenSet,
  tokenEndpointRefresher,
  VENDOR_TOKEN_URLS,
  type Vendor,
  vendorRefresher,
} from "./refresh/token-endpoint";
export {
  BUILTIN_ROLES,
  isKnownRole,
  loadRolesConfig,
  parseRolesConfig,
  type RoleMap,
  RolesConfigError,
  type RolesFile,
  resolveScopes,
  UnknownRoleError,
} from "./roles";
export { AREAS, type Area, hasScope, isValidScope, missingScopes, VERBS, type Verb } from "./scopes";
export {
  generateMasterKey,
  loadMasterKeys,
  type MasterKey,
  MasterKeyError,
  type MasterKeyRing,
  masterKeyFromBytes,
  parseMasterKey,
  readMasterKeyFile,
} from "./vault/master-key";
export { type CredentialInfo, CredentialVault, type RotationResult, VaultError } from "./vault/vault";
