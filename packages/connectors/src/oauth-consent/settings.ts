import { type ConsentVendor, consentTokenUrl } from "./providers";

/** A connection whose tokens `revops setup` stored in the vault: what the servers need to use and refresh them. */
export interface ConsentedConnection {
  /** The vault entry (HUBSPOT_OAUTH_CONNECTION, SALESFORCE_…, GOOGLE_…, ZENDESK_…, INTERCOM_OAUTH_CONNECTION). */
  connectionId: string;
  clientId: string;
  /** When the settings carry it; else the vault's copy. */
  clientSecret?: string;
  tokenUrl: string;
}

export type ConsentedSettings = ConsentedConnection | { variable: string; message: string } | undefined;

/**
 * The consent's connection from a server's settings, or the variable to fix; undefined when the vendor is not
 * connected through the consent. `raw` is the process environment (the master key is read from it).
 */
export function consentedSettings(
  vendor: ConsentVendor,
  env: Readonly<Record<string, unknown>>,
  raw: Readonly<Record<string, string | undefined>>,
  o: { testBaseUrl?: string; loginUrl?: string; subdomain?: string } = {},
): ConsentedSettings {
  const prefix = vendor.toUpperCase();
  const text = (name: string) => (typeof env[name] === "string" ? (env[name] as string).trim() : undefined);
  const connectionId = text(`${prefix}_OAUTH_CONNECTION`);
  if (!connectionId) return undefined;
  const clientId = text(`${prefix}_CLIENT_ID`);
  if (!clientId)
    return {
      variable: `${prefix}_CLIENT_ID`,
      message: `is required with ${prefix}_OAUTH_CONNECTION: the app's client id (\`revops connections add ${vendor}\` writes it).`,
    };
  if (!raw.REVOPS_MASTER_KEY && !raw.REVOPS_MASTER_KEY_FILE)
    return {
      variable: "REVOPS_MASTER_KEY",
      message: `is required with ${prefix}_OAUTH_CONNECTION: the consent's tokens are encrypted in the credential vault under it.`,
    };
  const clientSecret = text(`${prefix}_CLIENT_SECRET`);
  return {
    connectionId,
    clientId,
    ...(clientSecret ? { clientSecret } : {}),
    tokenUrl: consentTokenUrl(vendor, o),
  };
}
