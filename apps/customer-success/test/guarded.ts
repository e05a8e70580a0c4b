import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { approvalsAdmin, createGuard, guardConfig, guardMigrations, SuppressionList } from "@revops/guards";
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

/** The customer-success server behind the real guard, driven by the official client (one that can elicit, one that cannot). */
export async function guarded(opts: { sandbox: boolean; env?: Record<string, string> }): Promise<Guarded> {
  const guardDb = await openSql({ dataDir: mkdtempSync(join(tmpdir(), "cs-ticket-guard-")) });
  await migrate(guardDb, guardMigrations);
  const kv = await openKv({});
  const guard = createGuard({
    config,
    sql: async () => guardDb,
    kv: async () => kv,
    now,
    sandbox: opts.sandbox,
    // requesters of tickets are the company's customers: known contacts
    isKnownContact: async () => true,
  });
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
    admin: approvalsAdmin({ sql: async () => guardDb, config, now }),
    suppressions: new SuppressionList(async () => guardDb, now),
    close: async () => {
      await plain.close();
      await asking.close();
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
