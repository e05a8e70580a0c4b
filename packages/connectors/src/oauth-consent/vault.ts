import {
  authMigrations,
  CredentialVault,
  loadMasterKeys,
  TokenRefresher,
  type TokenSet,
  type Vendor,
  vendorRefresher,
} from "@revops/auth";
import { type KeyValue, migrate, type SqlDb } from "@revops/store";

/** The servers' credential vault in this database, under the settings' master key (REVOPS_MASTER_KEY). */
export async function openCredentialVault(
  db: SqlDb,
  env: Readonly<Record<string, string | undefined>>,
): Promise<CredentialVault> {
  const keys = loadMasterKeys({ ...env });
  await migrate(db, authMigrations);
  return new CredentialVault(db, keys);
}

/** The vault entry holding an OAuth connection's client secret, beside its tokens. */
export const clientSecretId = (connectionId: string) => `${connectionId}.client`;

/** Every vault entry of one OAuth connection (what `connections remove` deletes). */
export const vaultEntriesOf = (connectionId: string) => [
  connectionId,
  `${connectionId}.seed`,
  clientSecretId(connectionId),
];

/** Keeps the consent's tokens and the app's client secret encrypted in the vault; the settings file gets neither. */
export async function storeConsent(
  vault: CredentialVault,
  c: { connectionId: string; vendor: Vendor; tokens: TokenSet; clientSecret: string },
): Promise<void> {
  await vault.put(c.connectionId, JSON.stringify({ vendor: c.vendor, ...c.tokens }), { vendor: c.vendor });
  await vault.put(clientSecretId(c.connectionId), JSON.stringify({ clientSecret: c.clientSecret }), {
    vendor: c.vendor,
  });
}

export interface VaultTokenOptions {
  vault: CredentialVault;
  /** The refresh lock (Redis in production: one refresh for all replicas). */
  kv: KeyValue;
  vendor: Vendor;
  connectionId: string;
  clientId: string;
  tokenUrl: string;
  /** From the settings when set there; else the one the consent stored in the vault. */
  clientSecret?: string;
}

/** The stored client secret, or a message saying how to get one. */
async function secretOf(o: VaultTokenOptions): Promise<string> {
  if (o.clientSecret) return o.clientSecret;
  const stored = await o.vault.get(clientSecretId(o.connectionId));
  const secret =
    stored === undefined ? undefined : (JSON.parse(stored) as { clientSecret?: string }).clientSecret;
  if (!secret)
    throw new Error(
      `No client secret for connection ${o.connectionId} in the vault: run \`revops connections add ${o.vendor}\` again.`,
    );
  return secret;
}

/** A TokenRefresher over the tokens a consent stored: they are used, refreshed and saved back in the vault. */
export async function vaultTokens(o: VaultTokenOptions): Promise<TokenRefresher> {
  if ((await o.vault.get(o.connectionId)) === undefined)
    throw new Error(
      `No stored tokens for connection ${o.connectionId} (this database, this REVOPS_MASTER_KEY): run \`revops connections add ${o.vendor}\` to sign in.`,
    );
  const clientSecret = await secretOf(o);
  return new TokenRefresher({
    vault: o.vault,
    kv: o.kv,
    refreshers: {
      [o.vendor]: vendorRefresher(o.vendor, { clientId: o.clientId, clientSecret, tokenUrl: o.tokenUrl }),
    },
  });
}
