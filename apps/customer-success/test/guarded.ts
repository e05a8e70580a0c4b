import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  approvalsAdmin,
  createGuard,
  type GuardConfig,
  guardConfig,
  guardMigrations,
  SuppressionList,
} from "@revops/guards";
import { connectGuarded, type GuardedHarness } from "@revops/guards/testing";
import { type KeyValue, migrate, openKv, openSql, type SqlDb } from "@revops/store";
import { createCustomerSuccessServer } from "../src/server";

/** Shared by the ticket write tests: the guard's settings (tests switch CONFIRMATION_MODE) and clock. */
export const config = guardConfig({
  GUARD_QUIET_HOURS: "off",
  GUARD_TOKEN_SECRET: "ticket-update-test-secret-0123456789abcdef",
});
const now = () => new Date();

export interface Guarded {
  guardDb: SqlDb;
  kv: KeyValue;
  plain: GuardedHarness;
  asking: GuardedHarness;
  admin: ReturnType<typeof approvalsAdmin>;
  suppressions: SuppressionList;
  close(): Promise<void>;
}

/** The real guard on its own SQLite file and an in-process key-value store. */
async function realGuard(cfg: GuardConfig, sandbox: boolean) {
  const guardDb = await openSql({ dataDir: mkdtempSync(join(tmpdir(), "cs-guard-")) });
  await migrate(guardDb, guardMigrations);
  const kv = await openKv({});
  const guard = createGuard({
    config: cfg,
    sql: async () => guardDb,
    kv: async () => kv,
    now,
    sandbox,
    // requesters of tickets are the company's customers: known contacts
    isKnownContact: async () => true,
  });
  return { guardDb, kv, guard, admin: approvalsAdmin({ sql: async () => guardDb, config: cfg, now }) };
}

/** The customer-success server behind the real guard, driven by the official client (one that can elicit, one that cannot). */
export async function guarded(opts: { sandbox: boolean; env?: Record<string, string> }): Promise<Guarded> {
  const { guardDb, kv, guard, admin } = await realGuard(config, opts.sandbox);
  const env = { SANDBOX_SCALE: "0.05", ...opts.env };
  const plain = await connectGuarded({ modules: [createCustomerSuccessServer()], guard, env });
  const asking = await connectGuarded({
    modules: [createCustomerSuccessServer()],
    guard,
    env,
    elicitation: true,
  });
  plain.as("alice");
  asking.as("alice");
  return {
    guardDb,
    kv,
    plain,
    asking,
    admin,
    suppressions: new SuppressionList(async () => guardDb, now),
    close: async () => {
      await plain.close();
      await asking.close();
      await guardDb.close();
      await kv.close();
    },
  };
}

export interface GuardedSandbox {
  /** A client that can elicit, as alice. */
  h: GuardedHarness;
  /** The sandbox company's database (loaded). */
  db: SqlDb;
  /** The sandbox's own today. */
  today: string;
  /** This harness's guard settings (tests may switch CONFIRMATION_MODE). */
  config: GuardConfig;
  /** A human approves a queued plan in the approval queue. */
  approve(id: string): Promise<unknown>;
  close(): Promise<void>;
}

/** The server on a 0.3× sandbox company behind the real guard, loaded by one read of `loadWith`: the write tests' setup. */
export async function guardedSandbox(loadWith: string): Promise<GuardedSandbox> {
  const cfg = guardConfig({ GUARD_QUIET_HOURS: "off", GUARD_TOKEN_SECRET: config.GUARD_TOKEN_SECRET });
  const { guardDb, kv, guard, admin } = await realGuard(cfg, true);
  const h = await connectGuarded({
    modules: [createCustomerSuccessServer()],
    guard,
    env: { SANDBOX_SCALE: "0.3" },
    elicitation: true,
  });
  h.as("alice");
  const loaded = await h.call(loadWith, {});
  if (loaded.isError) throw new Error(loaded.text);
  const db = await h.runtime.sql();
  const today = String((await db.one<{ today: string }>("SELECT today FROM sb_meta"))?.today);
  return {
    h,
    db,
    today,
    config: cfg,
    approve: (id) => admin.approve(id, "carol"),
    close: async () => {
      await h.close();
      await guardDb.close();
      await kv.close();
    },
  };
}

/** The human types exactly the phrase the elicitation asked for. */
export const typeThePhrase = (h: GuardedHarness) =>
  h.answerWith((p) => ({
    action: "accept",
    content: { confirmation: String(p.message.split("type: ").at(-1)) },
  }));
export const planHashIn = (text: string) => /Plan hash: ([0-9a-f]+)/.exec(text)?.[1];
