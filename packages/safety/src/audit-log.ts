import { join } from "node:path";
import { type AuditLog, openAuditLog } from "@revops/audit";
import type { Runtime } from "@revops/kit";
import type { SqlDb } from "@revops/store";
import type { SafetyConfig } from "./config";

/** Where checkpoints and the signing key live: outside the database, by default beside the embedded one. */
export function auditPaths(cfg: SafetyConfig) {
  return {
    checkpointDir: cfg.AUDIT_CHECKPOINT_DIR ?? join(cfg.REVOPS_DATA_DIR, "audit", "checkpoints"),
    keyDir: cfg.AUDIT_KEY_DIR ?? join(cfg.REVOPS_DATA_DIR, "audit", "keys"),
  };
}

/** `reader`: the `revops audit` commands, which close the database and never sign what they read. */
export const openAuditFor = (cfg: SafetyConfig, db: SqlDb, reader = false): Promise<AuditLog> =>
  openAuditLog({
    db,
    ...auditPaths(cfg),
    checkpointEveryRecords: cfg.AUDIT_CHECKPOINT_EVERY_RECORDS,
    checkpointEveryMinutes: cfg.AUDIT_CHECKPOINT_EVERY_MINUTES,
    closeDb: reader,
    signs: !reader,
  });

/** One audit log per process, shared by the pipeline hook, the guards and the audit_query tool. */
export function auditLogFor(rt: Runtime): Promise<AuditLog> {
  return rt.shared("safety:audit-log", async () => {
    const log = await openAuditFor(rt.config as SafetyConfig, await rt.sql());
    // sign the tail of the chain before the database closes
    rt.onClose(() => log.close());
    return log;
  });
}
