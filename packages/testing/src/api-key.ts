import { ApiKeyStore, authMigrations } from "@revops/auth";
import { migrate, openSql } from "@revops/store";

/** Creates an API key in a server's data directory, the way `revops keys create` does, and returns it. */
export async function createApiKey(dataDir: string, role: string, name = `test-${role}`): Promise<string> {
  const db = await openSql({ dataDir });
  try {
    await migrate(db, authMigrations);
    return (await new ApiKeyStore(db).create({ name, role })).key;
  } finally {
    await db.close();
  }
}
