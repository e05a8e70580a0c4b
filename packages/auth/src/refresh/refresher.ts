import { randomUUID } from "node:crypto";
import type { KeyValue } from "@revops/store";
import { type AuthLog, silentLog } from "../log";
import type { CredentialVault } from "../vault/vault";
import type { RefreshFunction, TokenSet } from "./token-endpoint";

/** What the vault holds for an OAuth vendor connection (JSON). */
export interface StoredConnection extends TokenSet {
  vendor: string;
}

export interface TokenRefresherOptions {
  vault: CredentialVault;
  /** Shared by all replicas (Redis in production) for the refresh lock. */
  kv: KeyValue;
  /** Refresh call per vendor name. */
  refreshers: Readonly<Record<string, RefreshFunction>>;
  /** Refresh this long before expiry (default 60 s). */
  skewMs?: number;
  /** Lock lifetime: bounds how long a crashed refresher blocks others (default 30 s). */
  lockTtlMs?: number;
  /** How long a waiter waits for another replica's refresh (default 30 s). */
  waitMs?: number;
  pollMs?: number;
  now?: () => number;
  log?: AuthLog;
}

export class ConnectionNotFoundError extends Error {
  override name = "ConnectionNotFoundError";
}

/** Marks a vendor call rejected with 401, so withFreshToken refreshes and retries once. */
export class VendorUnauthorizedError extends Error {
  override name = "VendorUnauthorizedError";
  readonly status = 401;
}

/** A thrown error or a returned Response that means "the access token was not accepted". */
export function isUnauthorized(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const v = value as { status?: unknown; statusCode?: unknown; response?: { status?: unknown } };
  return v.status === 401 || v.statusCode === 401 || v.response?.status === 401;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Keeps vendor access tokens fresh: refreshes `skewMs` before expiry, one refresh at a time across
 * replicas (SET NX lock in the shared KeyValue; others wait and re-read the vault), and retries a
 * call once after a 401.
 */
export class TokenRefresher {
  private readonly inflight = new Map<string, Promise<StoredConnection>>();
  private readonly skewMs: number;
  private readonly lockTtlMs: number;
  private readonly waitMs: number;
  private readonly pollMs: number;
  private readonly now: () => number;
  private readonly log: AuthLog;

  constructor(private readonly o: TokenRefresherOptions) {
    this.skewMs = o.skewMs ?? 60_000;
    this.lockTtlMs = o.lockTtlMs ?? 30_000;
    this.waitMs = o.waitMs ?? 30_000;
    this.pollMs = o.pollMs ?? 50;
    this.now = o.now ?? Date.now;
    this.log = o.log ?? silentLog;
  }

  /** Stores a connection's tokens (after the OAuth consent flow). */
  async save(connectionId: string, conn: StoredConnection): Promise<void> {
    await this.o.vault.put(connectionId, JSON.stringify(conn), { vendor: conn.vendor });
  }

  /** A connection whose access token is valid for at least `skewMs`. */
  async fresh(connectionId: string): Promise<StoredConnection> {
    const conn = await this.read(connectionId);
    if (!this.isStale(conn)) return conn;
    return this.refreshOnce(connectionId, undefined);
  }

  /** Runs fn with a fresh token; on a 401 (thrown or returned), refreshes and retries exactly once. */
  async withFreshToken<T>(
    connectionId: string,
    fn: (accessToken: string, conn: StoredConnection) => Promise<T>,
  ): Promise<T> {
    const conn = await this.fresh(connectionId);
    try {
      const result = await fn(conn.accessToken, conn);
      if (!(result instanceof Response) || result.status !== 401) return result;
    } catch (err) {
      if (!isUnauthorized(err)) throw err;
    }
    this.log("info", "Vendor rejected the access token; refreshing and retrying once", { connectionId });
    const renewed = await this.refreshOnce(connectionId, conn.accessToken);
    return fn(renewed.accessToken, renewed);
  }

  /** Refreshes unless someone else already did; `rejected` is the token the vendor refused. */
  private refreshOnce(connectionId: string, rejected: string | undefined): Promise<StoredConnection> {
    const running = this.inflight.get(connectionId);
    if (running) return running;
    const p = this.refreshLocked(connectionId, rejected).finally(() => this.inflight.delete(connectionId));
    this.inflight.set(connectionId, p);
    return p;
  }

  private async refreshLocked(connectionId: string, rejected: string | undefined): Promise<StoredConnection> {
    const lockKey = `auth:refresh-lock:${connectionId}`;
    const owner = randomUUID();
    const deadline = this.now() + this.waitMs;
    const needsRefresh = (c: StoredConnection) => (rejected ? c.accessToken === rejected : this.isStale(c));
    for (;;) {
      if (await this.o.kv.setIfAbsent(lockKey, owner, { ttlMs: this.lockTtlMs })) {
        try {
          // re-read under the lock: another replica may have refreshed while we raced for it
          const conn = await this.read(connectionId);
          return needsRefresh(conn) ? await this.callVendor(connectionId, conn) : conn;
        } finally {
          // best effort ownership check: the KV has no compare-and-delete; the TTL bounds any overlap
          if ((await this.o.kv.get(lockKey)) === owner) await this.o.kv.del(lockKey);
        }
      }
      await sleep(this.pollMs);
      const conn = await this.read(connectionId);
      if (!needsRefresh(conn)) return conn;
      if (this.now() > deadline) {
        throw new Error(
          `Timed out waiting for another replica to refresh the token of connection ${connectionId}.`,
        );
      }
    }
  }

  private async callVendor(connectionId: string, conn: StoredConnection): Promise<StoredConnection> {
    const refresh = this.o.refreshers[conn.vendor];
    if (!refresh)
      throw new Error(
        `No token refresher configured for vendor "${conn.vendor}" (connection ${connectionId}).`,
      );
    if (!conn.refreshToken) throw new Error(`Connection ${connectionId} has no refresh token; reconnect it.`);
    const next = await refresh(conn.refreshToken);
    const updated: StoredConnection = {
      ...conn,
      ...next,
      refreshToken: next.refreshToken ?? conn.refreshToken,
      vendor: conn.vendor,
    };
    await this.save(connectionId, updated);
    this.log("info", "Refreshed vendor access token", {
      connectionId,
      vendor: conn.vendor,
      expiresAt: new Date(updated.expiresAt).toISOString(),
    });
    return updated;
  }

  private isStale(conn: StoredConnection): boolean {
    return conn.expiresAt - this.skewMs <= this.now();
  }

  private async read(connectionId: string): Promise<StoredConnection> {
    const text = await this.o.vault.get(connectionId);
    if (text === undefined)
      throw new ConnectionNotFoundError(`No stored credentials for connection ${connectionId}.`);
    try {
      return JSON.parse(text) as StoredConnection;
    } catch {
      // JSON.parse quotes the input in its message: never let that carry a secret out
      throw new Error(`Credentials of connection ${connectionId} are not an OAuth token set.`);
    }
  }
}
