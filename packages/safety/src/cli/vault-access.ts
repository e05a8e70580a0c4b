import { authMigrations, CredentialVault, loadMasterKeys } from "@revops/auth";
import type { VaultAccess } from "@revops/connectors/doctor";
import { envWithFile } from "@revops/kit";
import { migrate, openKv, openSql } from "@revops/store";
import type { SafetyConfig } from "../config";

type Env = Record<string, string | undefined>;

/**
 * The servers' credential vault as the command line opens it: their database (DATABASE_URL / REVOPS_DATA_DIR),
 * their master key (REVOPS_MASTER_KEY, from the settings files too) and their Redis for the refresh lock.
 */
export function cliVaultAccess(config: () => SafetyConfig, env: Env): VaultAccess {
  return async (fn) => {
    const keys = loadMasterKeys(envWithFile(env));
    const cfg = config();
    const db = await openSql({ databaseUrl: cfg.DATABASE_URL, dataDir: cfg.REVOPS_DATA_DIR });
    const kv = await openKv({ redisUrl: cfg.REDIS_URL });
    try {
      await migrate(db, authMigrations);
      return await fn({ vault: new CredentialVault(db, keys), kv });
    } finally {
      await kv.close();
      await db.close();
    }
  };
}
