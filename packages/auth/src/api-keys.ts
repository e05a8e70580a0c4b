import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { SqlDb } from "@revops/store";
import { type AuthLog, silentLog } from "./log";
import type { Principal } from "./principal";
import { BUILTIN_ROLES, isKnownRole, type RoleMap, resolveScopes, UnknownRoleError } from "./roles";

export const API_KEY_PREFIX = "rmcp_";
/** rmcp_<12 hex id>_<43 base64url chars = 256 random bits>. */
const KEY_FORMAT = /^rmcp_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export interface ApiKeyRecord {
  /** Public id, also the key's prefix: safe to show and log. */
  id: string;
  name: string;
  role: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CreatedApiKey extends ApiKeyRecord {
  /** The full key: shown once, never stored. */
  key: string;
}

export type ApiKeyCheck =
  | { ok: true; record: ApiKeyRecord; principal: Principal }
  | { ok: false; reason: string };

export interface ApiKeyStoreOptions {
  roles?: RoleMap;
  /** At most one last_used_at write per key per interval (default 60 s). */
  lastUseThrottleMs?: number;
  now?: () => Date;
  log?: AuthLog;
}

interface KeyRow {
  id: string;
  name: string;
  role: string;
  secret_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export function looksLikeApiKey(token: string): boolean {
  return token.startsWith(API_KEY_PREFIX);
}

/** SHA-256 suffices: keys carry 256 random bits, so a slow hash would only add per-request CPU. */
function hashKey(key: string): Buffer {
  return createHash("sha256").update(key).digest();
}

/** API keys in SQL (table auth_api_keys); every check reads the row, so revocation is immediate. */
export class ApiKeyStore {
  private readonly roles: RoleMap;
  private readonly throttleMs: number;
  private readonly now: () => Date;
  private readonly log: AuthLog;
  private readonly lastWrite = new Map<string, number>();

  constructor(
    private readonly db: SqlDb,
    opts: ApiKeyStoreOptions = {},
  ) {
    this.roles = opts.roles ?? BUILTIN_ROLES;
    this.throttleMs = opts.lastUseThrottleMs ?? 60_000;
    this.now = opts.now ?? (() => new Date());
    this.log = opts.log ?? silentLog;
  }

  async create(input: { name: string; role: string }): Promise<CreatedApiKey> {
    const name = input.name.trim();
    if (!name) throw new Error("API key name must not be empty");
    if (!isKnownRole(input.role, this.roles)) {
      throw new UnknownRoleError(
        `Unknown role "${input.role}"; known roles: ${Object.keys(this.roles).sort().join(", ")}`,
      );
    }
    const id = randomBytes(6).toString("hex");
    const key = `${API_KEY_PREFIX}${id}_${randomBytes(32).toString("base64url")}`;
    const createdAt = this.now().toISOString();
    await this.db.run(
      "INSERT INTO auth_api_keys (id, name, role, secret_hash, created_at) VALUES (?, ?, ?, ?, ?)",
      [id, name, input.role, hashKey(key).toString("hex"), createdAt],
    );
    return { id, name, role: input.role, createdAt, lastUsedAt: null, revokedAt: null, key };
  }

  async list(): Promise<ApiKeyRecord[]> {
    const rows = await this.db.query<KeyRow>("SELECT * FROM auth_api_keys ORDER BY created_at, id");
    return rows.map(toRecord);
  }

  /** True when the key existed and was active. */
  async revoke(id: string): Promise<boolean> {
    const changed = await this.db.run(
      "UPDATE auth_api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
      [this.now().toISOString(), id],
    );
    return changed > 0;
  }

  /** Checks a presented key; the reason never contains the key. */
  async verify(key: string): Promise<ApiKeyCheck> {
    const match = KEY_FORMAT.exec(key);
    if (!match) return { ok: false, reason: "Malformed API key (expected rmcp_<id>_<secret>)." };
    const id = match[1] as string;
    const row = await this.db.one<KeyRow>("SELECT * FROM auth_api_keys WHERE id = ?", [id]);
    const presented = hashKey(key);
    // compare against a dummy when the id is unknown, so timing does not reveal which ids exist
    const stored = row ? Buffer.from(row.secret_hash, "hex") : Buffer.alloc(presented.length);
    if (!row || stored.length !== presented.length || !timingSafeEqual(stored, presented)) {
      return { ok: false, reason: `Unknown API key ${id}.` };
    }
    if (row.revoked_at) return { ok: false, reason: `API key ${id} was revoked at ${row.revoked_at}.` };
    let scopes: string[];
    try {
      scopes = resolveScopes([row.role], this.roles);
    } catch {
      return { ok: false, reason: `API key ${id} has role "${row.role}", which is no longer configured.` };
    }
    await this.touch(id);
    return {
      ok: true,
      record: toRecord(row),
      principal: { id: `api-key:${id}`, name: row.name, scopes, via: "api-key" },
    };
  }

  /** Records last use, at most once per throttle interval per process. */
  private async touch(id: string): Promise<void> {
    const now = this.now();
    const last = this.lastWrite.get(id);
    if (last !== undefined && now.getTime() - last < this.throttleMs) return;
    this.lastWrite.set(id, now.getTime());
    try {
      await this.db.run("UPDATE auth_api_keys SET last_used_at = ? WHERE id = ?", [now.toISOString(), id]);
    } catch (err) {
      // bookkeeping only: a failed write must not turn a valid request away
      this.log("warn", "Could not record API key use", { keyId: id, error: (err as Error).message });
    }
  }
}

function toRecord(row: KeyRow): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at ?? null,
    revokedAt: row.revoked_at ?? null,
  };
}
