export {
  authorizeUrl,
  ConsentError,
  type ConsentFailure,
  type ConsentOptions,
  type ConsentResult,
  runConsent,
} from "./loopback";
export { type ConsentProvider, type ConsentVendor, consentProvider, consentTokenUrl } from "./providers";
export {
  clientSecretId,
  openCredentialVault,
  storeConsent,
  type VaultTokenOptions,
  vaultEntriesOf,
  vaultTokens,
} from "./vault";
export { type ConsentedConnection, type ConsentedSettings, consentedSettings } from "./settings";
