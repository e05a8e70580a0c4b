import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ApiKeyStore, authMigrations } from "@revops/auth";
import type { KitRuntime } from "@revops/kit";
import { migrate } from "@revops/store";

const FILE = "sandbox-intro.key";

/**
 * The API key `pnpm start:sandbox` prints, so a newcomer connects in one step with authentication on.
 * Kept in the data directory (mode 0600) and reused while it is valid, so a configured client keeps working.
 */
export async function ensureIntroKey(rt: KitRuntime): Promise<string> {
  const path = join(rt.config.REVOPS_DATA_DIR, FILE);
  const db = await rt.sql();
  await migrate(db, authMigrations);
  const keys = new ApiKeyStore(db);
  if (existsSync(path)) {
    const saved = readFileSync(path, "utf8").trim();
    if ((await keys.verify(saved)).ok) return saved;
  }
  const created = await keys.create({ name: "sandbox-intro", role: "admin" });
  writeFileSync(path, `${created.key}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return created.key;
}
