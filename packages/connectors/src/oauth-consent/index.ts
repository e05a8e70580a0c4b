export {
  SALESFORCE_TOKEN_PATH,
  type SalesforceCredentials,
  type SalesforceRefreshSettings,
} from "../vendor-credentials/vendors";
export { crmCredentialEnv } from "./crm-env";
export {
  authorizeUrl,
  ConsentError,
  type ConsentFailure,
  type ConsentOptions,
  type ConsentResult,
  runConsent,
} from "./loopback";
export {
  CONSENT_VENDORS,
  type ConsentProvider,
  type ConsentVendor,
  consentProvider,
  consentTokenUrl,
} from "./providers";
export { type ConsentedConnection, type ConsentedSettings, consentedSettings } from "./settings";
export {
  clientSecretId,
  openCredentialVault,
  storeConsent,
  type VaultTokenOptions,
  vaultEntriesOf,
  vaultTokens,
} from "./vault";
