import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openKv, openSql, type SqlDb } from "@revops/store";
import {
  approvalsAdmin,
  createGuard,
  type GuardConfig,
  type GuardDecision,
  type GuardDeps,
  GuardState,
  guardConfig,
  withConfirmationCard,
} from "../src/index";
import { connectGuarded } from "../src/testing";
import { type FakePorts, fakePorts, guardedModule } from "./fixtures";

export interface SetupOptions {
  config?: Partial<GuardConfig>;
  elicitation?: boolean | "url";
  /** The client renders MCP Apps views (confirmation cards). */
  views?: boolean;
  sandbox?: boolean;
  isKnownContact?: (email: string) => Promise<boolean>;
  /** The SQL database (default: a fresh SQLite file). */
  sql?: SqlDb;
  /** The guard's lookup of a write that committed under an idempotency key. */
  landed?: GuardDeps["landed"];
  /** ISO time the guard's clock starts at (default: noon UTC today, outside default quiet hours). */
  at?: string;
  /** ISO time simulated (sandbox) deliveries happen at. */
  simulatedAt?: string;
}

/** One guarded server on a fresh SQLite file and in-memory KV, with its fake ports, clock and audit trail. */
export async function setup(opts: SetupOptions = {}) {
  const sql = opts.sql ?? (await openSql({ dataDir: mkdtempSync(join(tmpdir(), "guards-t-")) }));
  const kv = await openKv({});
  const noon = new Date();
  noon.setUTCHours(12, 0, 0, 0);
  const clock = { ms: opts.at ? Date.parse(opts.at) : noon.getTime() };
  const now = () => new Date(clock.ms);
  const decisions: GuardDecision[] = [];
  const config = guardConfig({
    GUARD_TOKEN_SECRET: "test-secret-test-secret-test-secret-0",
    ...opts.config,
  });
  const deps = {
    config,
    sql: async () => sql,
    kv: async () => kv,
    now,
    sandbox: opts.sandbox ?? false,
    ...(opts.landed && { landed: opts.landed }),
    ...(opts.simulatedAt && { simulatedNow: async () => new Date(opts.simulatedAt as string) }),
    isKnownContact: async (email: string) => (opts.isKnownContact ? opts.isKnownContact(email) : true),
    record: async (d: GuardDecision) => {
      decisions.push(d);
    },
  };
  const ports: FakePorts = fakePorts();
  const h = await connectGuarded({
    modules: withConfirmationCard([guardedModule(ports)]),
    guard: createGuard(deps),
    elicitation: opts.elicitation ?? false,
    views: opts.views ?? false,
  });
  h.as("alice");
  const admin = approvalsAdmin({ sql: deps.sql, config, now, record: deps.record });
  const state = new GuardState(deps);
  return {
    h,
    ports,
    config,
    clock,
    decisions,
    admin,
    state,
    close: async () => {
      await h.close();
      await sql.close();
      await kv.close();
    },
  };
}

export type Setup = Awaited<ReturnType<typeof setup>>;
