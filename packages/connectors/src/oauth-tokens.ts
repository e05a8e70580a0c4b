import { createHash } from "node:crypto";
import {
  authMigrations,
  CredentialVault,
  loadMasterKeys,
  TokenRefresher,
  VENDOR_TOKEN_URLS,
  type Vendor,
  vendorRefresher,
} from "@revops/auth";
import { migrate } from "@revops/store";
import type { ConnectorHost } from "./app-setup";
import { vaultTokens } from "./oauth-consent/vault";

export interface OAuthConnectionSettings {
  vendor: Vendor;
  connectionId: string;
  clientId: string;
  /** Unset when `revops setup` kept it in the vault with the tokens. */
  clientSecret?: string;
  /** The refresh token from the environment; unset when the consent stored the tokens in the vault. */
  refreshToken?: string;
  /** Token endpoint; the vendor's default when unset (e.g. https://test.salesforce.com/... for sandboxes). */
  tokenUrl?: string;
  /** A current access token, used until it expires or is refused. */
  accessToken?: string;
  instanceUrl?: string;
}

/**
 * Tokens kept encrypted in the credential vault (REVOPS_MASTER_KEY) and refreshed before expiry and after a
 * 401, with the refresh lock in the key-value store (Redis when set: one refresh for all replicas). The vault is
 * seeded from the environment; a changed refresh token there replaces the stored one.
 */
export async function oauthTokens(
  host: ConnectorHost,
  s: OAuthConnectionSettings,
  env?: Record<string, string | undefined>,
): Promise<TokenRefresher> {
  const db = await host.sql();
  await migrate(db, authMigrations);
  // the server's own variables (`.env` included, where `revops setup` writes the key) unless the caller hands some
  const vault = new CredentialVault(db, loadMasterKeys(env ?? (host.environment && { ...host.environment })));
  if (!s.refreshToken) {
    // `revops setup` ran the consent: the tokens (and client secret) are in the vault already
    return vaultTokens({
      vault,
      kv: await host.kv(),
      vendor: s.vendor,
      connectionId: s.connectionId,
      clientId: s.clientId,
      // Zendesk's endpoint is on the account's subdomain: its settings always give it
      tokenUrl: s.tokenUrl ?? VENDOR_TOKEN_URLS[s.vendor] ?? "",
      ...(s.clientSecret ? { clientSecret: s.clientSecret } : {}),
    });
  }
  if (!s.clientSecret)
    throw new Error(`Connection ${s.connectionId}: a refresh token needs its client secret.`);
  const tokens = new TokenRefresher({
    vault,
    kv: await host.kv(),
    refreshers: {
      [s.vendor]: vendorRefresher(s.vendor, {
        clientId: s.clientId,
        clientSecret: s.clientSecret as string,
        ...(s.tokenUrl ? { tokenUrl: s.tokenUrl } : {}),
      }),
    },
  });
  // reseed only when the environment's refresh token changed: a vendor may rotate the stored one meanwhile
  const seedId = `${s.connectionId}.seed`;
  const seed = createHash("sha256").update(s.refreshToken).digest("hex");
  const seeded = await vault.get(seedId).catch(() => undefined);
  const stored = await vault.get(s.connectionId).catch(() => undefined);
  if (seeded !== seed || stored === undefined) {
    await tokens.save(s.connectionId, {
      vendor: s.vendor,
      accessToken: s.accessToken ?? "",
      refreshToken: s.refreshToken,
      // without an access token the first call refreshes; with one, it is used until refused
      expiresAt: s.accessToken ? Date.now() + 15 * 60_000 : 0,
      ...(s.instanceUrl ? { instanceUrl: s.instanceUrl } : {}),
    });
    await vault.put(seedId, seed, { vendor: s.vendor });
  }
  return tokens;
}
