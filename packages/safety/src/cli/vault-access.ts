import type { VaultAccess } from "@revops/connectors/doctor";
import { openCredentialVault } from "@revops/connectors/oauth-consent";
import { envWithFile } from "@revops/kit";
import { openKv, openSql } from "@revops/store";
import type { SafetyConfig } from "../config";

type Env = Record<string, string | undefined>;

/**
 * The servers' credential vault as the command line opens it: their database (DATABASE_URL / REVOPS_DATA_DIR),
 * their master key (REVOPS_MASTER_KEY, from the settings files too) and their Redis for the refresh lock.
 */
export function cliVaultAccess(config: () => SafetyConfig, env: Env): VaultAccess {
  return async (fn) => {
    const cfg = config();
    const db = await openSql({ databaseUrl: cfg.DATABASE_URL, dataDir: cfg.REVOPS_DATA_DIR });
    const kv = await openKv({ redisUrl: cfg.REDIS_URL });
    try {
      return await fn({ vault: await openCredentialVault(db, envWithFile(env)), kv });
    } finally {
      await kv.close();
      await db.close();
    }
  };
}
