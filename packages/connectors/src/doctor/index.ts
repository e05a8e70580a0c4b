export {
  CONSENT_VENDORS,
  ConsentError,
  consentProvider,
  runConsent,
  storeConsent,
  vaultEntriesOf,
} from "../oauth-consent";
export {
  type ConfigProblem,
  type ConfiguredConnections,
  configuredConnections,
  DOCTOR_VARIABLES,
  type DoctorConnection,
  type DoctorVendor,
  maskSecret,
  namedConnectionsOf,
  SELECTORS,
  type Selector,
  type ServerName,
  type ServerUse,
  type SignInMethod,
  scrubSecrets,
  selectorsFor,
  TEST_VARIABLES,
  VAULT_KEY_VARIABLES,
  type VaultedOAuth,
  VENDOR_LABELS,
  VENDOR_SETTINGS,
  type VendorVariable,
  vendorVariables,
} from "./connections";
export {
  checkIntegrations,
  type IntegrationHealth,
  type IntegrationStatus,
  type IntegrationsReport,
} from "./health";
export {
  classifyProbeFailure,
  explainProbeFailure,
  type ProbeFailure,
  type ProbeOptions,
  type ProbeQuota,
  type ProbeResult,
  probeConnection,
  type VaultAccess,
} from "./probe";
export { portSettings, SERVER_INTEGRATIONS, type ServerIntegrations } from "./server-ports";
