import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { BUILTIN_ROLES, isKnownRole, type RoleMap, resolveScopes, UnknownRoleError } from "@revops/auth";
import { migrate, type SqlDb } from "@revops/store";
import { consoleMigrations } from "./migrations";
import { hashPassword, passwordProblem, type ScryptParams, STRONG_SCRYPT, verifyPassword } from "./passwords";

export interface ConsoleUser {
  email: string;
  role: string;
  hasPassword: boolean;
  createdAt: string;
  disabledAt: string | null;
}

export interface ConsoleSession {
  user: ConsoleUser;
  scopes: string[];
  csrf: string;
  expiresAt: string;
}

interface UserRow {
  email: string;
  role: string;
  password_hash: string | null;
  created_at: string;
  disabled_at: string | null;
}

export interface ConsoleUsersOptions {
  roles?: RoleMap;
  scrypt?: ScryptParams;
  now?: () => Date;
  /** Absolute session lifetime (default 12 h). */
  sessionHours?: number;
  /** Sessions unused for this long end (default 2 h). */
  idleMinutes?: number;
  /** One-time sign-in links last this long (default 24 h). */
  linkHours?: number;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const token = () => randomBytes(32).toString("base64url");

export function normalizeEmail(email: string): string {
  const e = email.trim().toLowerCase();
  if (!EMAIL.test(e) || e.length > 254) throw new Error(`"${email}" is not an email address.`);
  return e;
}

const toUser = (r: UserRow): ConsoleUser => ({
  email: r.email,
  role: r.role,
  hasPassword: r.password_hash !== null,
  createdAt: r.created_at,
  disabledAt: r.disabled_at ?? null,
});

/** Console users, one-time sign-in links and sessions in SQL, so every replica sees the same. */
export class ConsoleUsers {
  readonly roles: RoleMap;
  private readonly params: ScryptParams;
  private readonly now: () => Date;
  readonly sessionMs: number;
  private readonly idleMs: number;
  private readonly linkMs: number;
  private ready: Promise<void> | undefined;
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly sql: SqlDb,
    opts: ConsoleUsersOptions = {},
  ) {
    this.roles = opts.roles ?? BUILTIN_ROLES;
    this.params = opts.scrypt ?? STRONG_SCRYPT;
    this.now = opts.now ?? (() => new Date());
    this.sessionMs = (opts.sessionHours ?? 12) * 3_600_000;
    this.idleMs = (opts.idleMinutes ?? 120) * 60_000;
    this.linkMs = (opts.linkHours ?? 24) * 3_600_000;
  }

  /** The console's tables, migrated once per process. */
  async db(): Promise<SqlDb> {
    this.ready ??= migrate(this.sql, consoleMigrations).then(() => undefined);
    this.ready.catch(() => {
      this.ready = undefined;
    });
    await this.ready;
    return this.sql;
  }

  private iso(offsetMs = 0) {
    return new Date(this.now().getTime() + offsetMs).toISOString();
  }

  /** Adds (or re-enables with a new role) a user; the password is set through a link or `password`. */
  async add(input: { email: string; role: string; password?: string }): Promise<ConsoleUser> {
    const email = normalizeEmail(input.email);
    if (!isKnownRole(input.role, this.roles))
      throw new UnknownRoleError(
        `Unknown role "${input.role}"; known roles: ${Object.keys(this.roles).sort().join(", ")}`,
      );
    if (input.password !== undefined) {
      const problem = passwordProblem(input.password);
      if (problem) throw new Error(`Password refused: ${problem}`);
    }
    const hash = input.password === undefined ? null : await hashPassword(input.password, this.params);
    const db = await this.db();
    await db.transaction(async (tx) => {
      const changed = await tx.run(
        `UPDATE console_users SET role = ?, disabled_at = NULL${hash ? ", password_hash = ?" : ""} WHERE email = ?`,
        hash ? [input.role, hash, email] : [input.role, email],
      );
      if (changed === 0)
        await tx.run(
          "INSERT INTO console_users (email, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
          [email, input.role, hash, this.iso()],
        );
    });
    return (await this.get(email)) as ConsoleUser;
  }

  async get(email: string): Promise<ConsoleUser | undefined> {
    const row = await (await this.db()).one<UserRow>("SELECT * FROM console_users WHERE email = ?", [
      email.trim().toLowerCase(),
    ]);
    return row ? toUser(row) : undefined;
  }

  async list(): Promise<ConsoleUser[]> {
    const rows = await (await this.db()).query<UserRow>("SELECT * FROM console_users ORDER BY email");
    return rows.map(toUser);
  }

  /** Disables the user and ends their sessions at once. */
  async disable(email: string): Promise<boolean> {
    const db = await this.db();
    const e = email.trim().toLowerCase();
    const changed = await db.run(
      "UPDATE console_users SET disabled_at = ? WHERE email = ? AND disabled_at IS NULL",
      [this.iso(), e],
    );
    await db.run("DELETE FROM console_sessions WHERE email = ?", [e]);
    return changed > 0;
  }

  /** A one-time link token to choose a password and sign in; only its hash is stored. */
  async createSignInLink(email: string): Promise<{ token: string; expiresAt: string }> {
    const user = await this.get(email);
    if (!user || user.disabledAt) throw new Error(`No active console user ${email}.`);
    const t = token();
    const expiresAt = this.iso(this.linkMs);
    await (await this.db()).run(
      "INSERT INTO console_signin_links (token_hash, email, created_at, expires_at) VALUES (?, ?, ?, ?)",
      [sha256(t), user.email, this.iso(), expiresAt],
    );
    return { token: t, expiresAt };
  }

  /** The user a link is for, while it is unused and unexpired (does not use it). */
  async peekLink(t: string): Promise<ConsoleUser | undefined> {
    const row = await (await this.db()).one<{ email: string }>(
      "SELECT email FROM console_signin_links WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
      [sha256(t), this.iso()],
    );
    const user = row ? await this.get(row.email) : undefined;
    return user && !user.disabledAt ? user : undefined;
  }

  /** Uses the link once (of two concurrent redemptions one wins) and sets the password. */
  async redeemLink(t: string, password: string): Promise<ConsoleUser> {
    const problem = passwordProblem(password);
    if (problem) throw new Error(problem);
    const user = await this.peekLink(t);
    if (!user)
      throw new Error("This sign-in link is used, expired or unknown; ask an administrator for a new one.");
    const hash = await hashPassword(password, this.params);
    const db = await this.db();
    const used = await db.run(
      "UPDATE console_signin_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
      [this.iso(), sha256(t), this.iso()],
    );
    if (used !== 1) throw new Error("This sign-in link was just used; ask an administrator for a new one.");
    await db.run("UPDATE console_users SET password_hash = ? WHERE email = ?", [hash, user.email]);
    return user;
  }

  /** Checks a password; unknown users cost the same time as known ones. */
  async checkPassword(email: string, password: string): Promise<ConsoleUser | undefined> {
    const row = await (await this.db()).one<UserRow>("SELECT * FROM console_users WHERE email = ?", [
      email.trim().toLowerCase(),
    ]);
    if (!row?.password_hash || row.disabled_at) {
      this.dummyHash ??= hashPassword("not a password", this.params);
      await verifyPassword(password, await this.dummyHash);
      return undefined;
    }
    return (await verifyPassword(password, row.password_hash)) ? toUser(row) : undefined;
  }

  /**
   * A person the organisation's login vouched for: added on first sign-in without a password, the role of a
   * provider-only user follows the provider's groups; a local user keeps their row (the session gets `role`).
   * Undefined when an administrator disabled the user.
   */
  async fromProvider(email: string, role: string): Promise<ConsoleUser | undefined> {
    const e = normalizeEmail(email);
    const db = await this.db();
    await db.run(
      "INSERT INTO console_users (email, role, password_hash, created_at) VALUES (?, ?, NULL, ?) ON CONFLICT (email) DO NOTHING",
      [e, role, this.iso()],
    );
    await db.run("UPDATE console_users SET role = ? WHERE email = ? AND password_hash IS NULL", [role, e]);
    const user = await this.get(e);
    return user && !user.disabledAt ? user : undefined;
  }

  /** A new session (with `role` instead of the user's, for the organisation's login): the cookie value is returned once, its hash is stored. */
  async startSession(
    email: string,
    role?: string,
  ): Promise<{ id: string; csrf: string; maxAgeSeconds: number }> {
    const id = token();
    const csrf = token();
    await (await this.db()).run(
      "INSERT INTO console_sessions (id_hash, email, csrf, created_at, expires_at, last_seen_at, role) VALUES (?, ?, ?, ?, ?, ?, ?)",
      [sha256(id), email, csrf, this.iso(), this.iso(this.sessionMs), this.iso(), role ?? null],
    );
    return { id, csrf, maxAgeSeconds: Math.floor(this.sessionMs / 1000) };
  }

  /** The live session behind a cookie value: unexpired, not idle, user active and role still configured. */
  async session(id: string): Promise<ConsoleSession | undefined> {
    const db = await this.db();
    const row = await db.one<UserRow & { csrf: string; expires_at: string; last_seen_at: string }>(
      `SELECT u.email, COALESCE(s.role, u.role) AS role, u.password_hash, u.created_at, u.disabled_at, s.csrf, s.expires_at, s.last_seen_at
       FROM console_sessions s JOIN console_users u ON u.email = s.email WHERE s.id_hash = ?`,
      [sha256(id)],
    );
    const now = this.now().getTime();
    if (!row || row.disabled_at) return undefined;
    if (Date.parse(row.expires_at) <= now || Date.parse(row.last_seen_at) + this.idleMs <= now) {
      await db.run("DELETE FROM console_sessions WHERE id_hash = ?", [sha256(id)]);
      return undefined;
    }
    let scopes: string[];
    try {
      scopes = resolveScopes([row.role], this.roles);
    } catch {
      return undefined;
    }
    // at most one write a minute per session
    if (now - Date.parse(row.last_seen_at) > 60_000)
      await db.run("UPDATE console_sessions SET last_seen_at = ? WHERE id_hash = ?", [
        this.iso(),
        sha256(id),
      ]);
    return { user: toUser(row), scopes, csrf: row.csrf, expiresAt: row.expires_at };
  }

  async endSession(id: string): Promise<void> {
    await (await this.db()).run("DELETE FROM console_sessions WHERE id_hash = ?", [sha256(id)]);
  }
}

/** Constant-time comparison of two tokens. */
export function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
