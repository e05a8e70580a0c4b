import { randomBytes } from "node:crypto";
import type { SqlDb } from "@revops/store";
import { dataAad, seal, unseal, wrapAad } from "./envelope";
import { type MasterKey, type MasterKeyRing, masterKeyFromBytes } from "./master-key";

export interface CredentialInfo {
  connectionId: string;
  vendor: string;
  /** Version of the master key wrapping this credential's data key. */
  kekVersion: string;
  createdAt: string;
  updatedAt: string;
}

export interface RotationResult {
  rewrapped: number;
  /** Credentials still wrapped by another key (written concurrently by a replica on the old key, or unreadable). */
  remaining: number;
}

export class VaultError extends Error {
  override name = "VaultError";
}

interface CredentialRow {
  connection_id: string;
  vendor: string;
  kek_version: string;
  wrapped_key: string;
  ciphertext: string;
  created_at: string;
  updated_at: string;
}

const BATCH = 100;

/**
 * Envelope encryption for vendor credentials (table auth_credentials): each credential has its own random
 * AES-256-GCM data key, wrapped by the master key (AES-256-GCM, AAD = connection id + key version).
 */
export class CredentialVault {
  private current: MasterKey;
  private readonly ring = new Map<string, MasterKey>();

  constructor(
    private readonly db: SqlDb,
    keys: MasterKeyRing,
  ) {
    this.current = keys.current;
    for (const k of [keys.current, ...(keys.previous ?? [])]) this.ring.set(k.version, k);
  }

  get currentKeyVersion(): string {
    return this.current.version;
  }

  /** Stores (or replaces) a secret under a new data key. */
  async put(connectionId: string, secret: string, opts: { vendor?: string } = {}): Promise<void> {
    if (!connectionId) throw new VaultError("connectionId must not be empty");
    const dataKey = randomBytes(32);
    const kek = this.current;
    const ciphertext = seal(dataKey, Buffer.from(secret, "utf8"), dataAad(connectionId));
    const wrapped = seal(kek.key, dataKey, wrapAad(connectionId, kek.version));
    dataKey.fill(0);
    const now = new Date().toISOString();
    await this.db.run(
      `INSERT INTO auth_credentials (connection_id, vendor, kek_version, wrapped_key, ciphertext, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (connection_id) DO UPDATE SET vendor = excluded.vendor, kek_version = excluded.kek_version,
         wrapped_key = excluded.wrapped_key, ciphertext = excluded.ciphertext, updated_at = excluded.updated_at`,
      [connectionId, opts.vendor ?? "generic", kek.version, wrapped, ciphertext, now, now],
    );
  }

  async get(connectionId: string): Promise<string | undefined> {
    const row = await this.db.one<CredentialRow>("SELECT * FROM auth_credentials WHERE connection_id = ?", [
      connectionId,
    ]);
    if (!row) return undefined;
    const dataKey = this.unwrap(row);
    try {
      return unseal(dataKey, row.ciphertext, dataAad(connectionId)).toString("utf8");
    } catch {
      throw new VaultError(
        `Cannot decrypt credential ${connectionId}: integrity check failed (tampered or moved).`,
      );
    } finally {
      dataKey.fill(0);
    }
  }

  /** Metadata only: never secrets. */
  async list(): Promise<CredentialInfo[]> {
    const rows = await this.db.query<CredentialRow>(
      "SELECT connection_id, vendor, kek_version, created_at, updated_at FROM auth_credentials ORDER BY connection_id",
    );
    return rows.map((r) => ({
      connectionId: r.connection_id,
      vendor: r.vendor,
      kekVersion: r.kek_version,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }));
  }

  async delete(connectionId: string): Promise<boolean> {
    return (await this.db.run("DELETE FROM auth_credentials WHERE connection_id = ?", [connectionId])) > 0;
  }

  /**
   * Makes `newKek` current (new writes use it at once), then rewraps every data key row by row.
   * Old versions stay readable throughout; data ciphertexts are untouched, so no secret is re-encrypted.
   */
  async rotateMaster(newKek: MasterKey | Uint8Array): Promise<RotationResult> {
    const next = newKek instanceof Uint8Array ? masterKeyFromBytes(newKek, "new master key") : newKek;
    this.ring.set(next.version, next);
    this.current = next;
    let rewrapped = 0;
    let after = "";
    for (;;) {
      const rows = await this.db.query<CredentialRow>(
        `SELECT connection_id, kek_version, wrapped_key FROM auth_credentials
         WHERE kek_version <> ? AND connection_id > ? ORDER BY connection_id LIMIT ${BATCH}`,
        [next.version, after],
      );
      for (const row of rows) rewrapped += await this.rewrap(row, next);
      const last = rows.at(-1);
      if (!last || rows.length < BATCH) break;
      after = last.connection_id;
    }
    const left = await this.db.one<{ n: number }>(
      "SELECT COUNT(*) AS n FROM auth_credentials WHERE kek_version <> ?",
      [next.version],
    );
    return { rewrapped, remaining: left?.n ?? 0 };
  }

  private async rewrap(row: CredentialRow, next: MasterKey): Promise<number> {
    let dataKey: Buffer;
    try {
      dataKey = this.unwrap(row);
    } catch {
      return 0; // counted in `remaining`; the operator sees it and can load the missing key
    }
    const wrapped = seal(next.key, dataKey, wrapAad(row.connection_id, next.version));
    dataKey.fill(0);
    // compare-and-set: a concurrent put already wrote with some key; leave its row alone
    return this.db.run(
      "UPDATE auth_credentials SET kek_version = ?, wrapped_key = ? WHERE connection_id = ? AND wrapped_key = ?",
      [next.version, wrapped, row.connection_id, row.wrapped_key],
    );
  }

  private unwrap(row: Pick<CredentialRow, "connection_id" | "kek_version" | "wrapped_key">): Buffer {
    const kek = this.ring.get(row.kek_version);
    if (!kek) {
      throw new VaultError(
        `Credential ${row.connection_id} is wrapped by master key ${row.kek_version}, which is not loaded; ` +
          "add it to REVOPS_MASTER_KEY_PREVIOUS until rotation completes.",
      );
    }
    try {
      return unseal(kek.key, row.wrapped_key, wrapAad(row.connection_id, row.kek_version));
    } catch {
      throw new VaultError(
        `Cannot unwrap the data key of credential ${row.connection_id}: integrity check failed (tampered or moved).`,
      );
    }
  }
}
