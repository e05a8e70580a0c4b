import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openKv, openSql } from "@revops/store";
import { describe, expect, it, vi } from "vitest";
import { oauthTokens } from "../src/oauth-tokens";

describe("oauthTokens' master key", () => {
  it("comes from the server's own variables (.env included), not only the process environment", async () => {
    vi.stubEnv("REVOPS_MASTER_KEY", "");
    const db = await openSql({ dataDir: mkdtempSync(join(tmpdir(), "oauth-tokens-")) });
    const kv = await openKv({});
    const host = {
      sql: async () => db,
      kv: async () => kv,
      shared: <T>(_key: string, create: () => Promise<T>) => create(),
      onClose: () => {},
      environment: { REVOPS_MASTER_KEY: randomBytes(32).toString("base64") },
    };
    const settings = {
      vendor: "salesforce" as const,
      connectionId: "sales-salesforce",
      clientId: "id",
      clientSecret: "secret",
      refreshToken: "refresh-1",
    };
    try {
      await expect(oauthTokens(host, settings)).resolves.toBeDefined();
      await expect(oauthTokens({ ...host, environment: {} }, settings)).rejects.toThrow(/No master key/);
    } finally {
      vi.unstubAllEnvs();
      await db.close();
      await kv.close();
    }
  });
});
