import { randomBytes } from "node:crypto";
import { ConfigError, type ToolContext } from "@revops/kit";
import { type KeyValue, migrate, type SqlDb } from "@revops/store";
import { ApprovalStore } from "./approvals";
import { CapStore } from "./caps";
import type { GuardConfig } from "./config";
import { guardMigrations } from "./migrations";
import { SuppressionList } from "./send-rules";
import { PlanTokens } from "./tokens";

export type GuardOutcomeKind = "previewed" | "confirmed" | "rejected" | "expired" | "denied";

/** One decision of the guard, for the audit log. */
export interface GuardDecision {
  outcome: GuardOutcomeKind;
  tool: string;
  principal: string;
  planHash: string;
  approvalId?: string;
  detail: string;
}

export interface GuardDeps {
  /** Read on every call, so a changed object takes effect at once. */
  config: GuardConfig;
  /** The runtime's SQL database (rt.sql); the guards' tables are migrated on first use. */
  sql: () => Promise<SqlDb>;
  /** The runtime's key-value store (rt.kv): Redis when several replicas must agree. */
  kv: () => Promise<KeyValue>;
  record?: (decision: GuardDecision) => Promise<void>;
  /** True when the address belongs to a contact the CRM knows (outbound rules). */
  isKnownContact?: (email: string, ctx: ToolContext) => Promise<boolean>;
  /** Running against the sandbox: recipients are limited to GUARD_SANDBOX_ALLOWED_DOMAINS. */
  sandbox?: boolean;
  /**
   * Finds a write that committed under this idempotency key (the sandbox journals the key in the write's own
   * transaction): a resumed approval whose write had landed is then marked executed instead of written again.
   */
  landed?: (idempotencyKey: string) => Promise<{ recordId: string | null } | undefined>;
  now?: () => Date;
  /** The clock a simulated (sandbox) delivery happens on: its quiet hours are judged there, not on the wall clock. */
  simulatedNow?: () => Promise<Date>;
}

/** Migrates once per process; a failed attempt is retried on the next call. */
export function migrated(sql: () => Promise<SqlDb>): () => Promise<SqlDb> {
  let ready: Promise<SqlDb> | undefined;
  return () => {
    ready ??= (async () => {
      const db = await sql();
      await migrate(db, guardMigrations);
      return db;
    })();
    ready.catch(() => {
      ready = undefined;
    });
    return ready;
  };
}

/** Everything one guard instance shares across calls. */
export class GuardState {
  readonly db: () => Promise<SqlDb>;
  readonly now: () => Date;
  readonly approvals: ApprovalStore;
  readonly caps: CapStore;
  readonly suppressions: SuppressionList;
  private tokenStore: PlanTokens | undefined;
  /** Names this process in approval leases, so a lease shows which replica ran the plan. */
  readonly replica = `replica_${randomBytes(6).toString("hex")}`;

  constructor(readonly deps: GuardDeps) {
    this.db = migrated(deps.sql);
    this.now = deps.now ?? (() => new Date());
    this.approvals = new ApprovalStore(this.db, this.now, () => this.config.GUARD_APPROVAL_TTL_MINUTES);
    this.caps = new CapStore(this.db, () => this.config, this.now);
    this.suppressions = new SuppressionList(this.db, this.now);
  }

  get config(): GuardConfig {
    return this.deps.config;
  }

  get tokens(): PlanTokens {
    const secret = this.config.GUARD_TOKEN_SECRET;
    if (!secret)
      throw new ConfigError(
        "Invalid configuration:\n  GUARD_TOKEN_SECRET: CONFIRMATION_MODE=token needs it (32+ random characters, e.g. openssl rand -hex 32). Set it in the environment or .env.",
      );
    if (!this.tokenStore || this.tokenStore.secret !== secret)
      this.tokenStore = new PlanTokens(
        this.deps.kv,
        secret,
        () => this.config.GUARD_TOKEN_TTL_SECONDS,
        this.now,
      );
    return this.tokenStore;
  }

  async record(decision: GuardDecision): Promise<void> {
    await this.deps.record?.(decision);
  }
}

const STATE = Symbol.for("revops.guards.state");

/** Lets guard-aware tools (caps_update) and helpers (runBulk) reach the guard's stores through ctx. */
export function attachState(ctx: ToolContext, state: GuardState): void {
  Object.defineProperty(ctx, STATE, { value: state, enumerable: false, configurable: true });
}

export function guardStateOf(ctx: ToolContext): GuardState | undefined {
  return (ctx as unknown as Record<symbol, GuardState | undefined>)[STATE];
}
