import { randomBytes } from "node:crypto";
import { openKv } from "@revops/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApiKeyStore,
  type AuthLog,
  CredentialVault,
  createHttpAuthenticator,
  masterKeyFromBytes,
  REDACTION_PATHS,
  redactSecrets,
  TokenRefresher,
  vendorRefresher,
} from "../src/index";
import { type Engine, sqliteEngine } from "./env";
import { listen, readBody } from "./servers";

describe("canary secrets never reach logs or errors", () => {
  let engine: Engine;
  const seen: string[] = [];
  const log: AuthLog = (level, message, fields) =>
    seen.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  const capture = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (err) {
      seen.push(`${(err as Error).name}: ${(err as Error).message} ${String((err as Error).stack)}`);
    }
  };

  beforeAll(() => {
    engine = sqliteEngine();
  });
  afterAll(() => engine.teardown());

  it("keeps the API key, vault secret and refresh token out of every message", async () => {
    const db = await engine.open();
    const keys = new ApiKeyStore(db, { log });
    const { key: apiKey, id } = await keys.create({ name: "canary", role: "sales-rep" });
    const vaultSecret = `VAULT-CANARY-${randomBytes(8).toString("hex")}`;
    const refreshToken = `RT-CANARY-${randomBytes(8).toString("hex")}`;
    const clientSecret = `CS-CANARY-${randomBytes(8).toString("hex")}`;
    // the secret part is everything after rmcp_<id>_ (base64url may itself contain "_")
    const apiSecret = apiKey.slice(`rmcp_${id}_`.length);
    expect(apiSecret).toHaveLength(43);
    const canaries = [apiKey, apiSecret, vaultSecret, refreshToken, clientSecret];

    // API key: revoked, tampered and malformed, over real HTTP
    const authenticate = createHttpAuthenticator({ resource: "http://127.0.0.1/mcp", apiKeys: keys, log });
    const app = await listen(async (req, res) => {
      if (await authenticate(req, res)) res.writeHead(200).end("ok");
    });
    await keys.revoke(id);
    for (const token of [apiKey, `${apiKey}x`, `rmcp_${id}_${vaultSecret}`, `eyJ${refreshToken}`]) {
      const res = await fetch(`${app.url}/mcp`, { headers: { authorization: `Bearer ${token}` } });
      seen.push(`${res.status} ${res.headers.get("www-authenticate")} ${await res.text()}`);
    }
    await app.close();

    // vault: tampering and a missing master key
    const vault = new CredentialVault(db, { current: masterKeyFromBytes(randomBytes(32)) });
    await vault.put(
      "hs-canary",
      JSON.stringify({ vendor: "hubspot", accessToken: "at", refreshToken, expiresAt: 0 }),
      {
        vendor: "hubspot",
      },
    );
    await vault.put("v-canary", vaultSecret);
    await db.run("UPDATE auth_credentials SET ciphertext = ? WHERE connection_id = 'v-canary'", [
      (
        await db.one<{ ciphertext: string }>(
          "SELECT ciphertext FROM auth_credentials WHERE connection_id = 'hs-canary'",
        )
      )?.ciphertext,
    ]);
    await capture(vault.get("v-canary"));
    await capture(new CredentialVault(db, { current: masterKeyFromBytes(randomBytes(32)) }).get("hs-canary"));

    // refresh: the vendor echoes the refresh token and client secret in its error
    const endpoint = await listen(async (req, res) => {
      const body = await readBody(req);
      res
        .writeHead(400, { "content-type": "application/json" })
        .end(JSON.stringify({ error: "invalid_grant", error_description: `bad grant ${body}` }));
    });
    const kv = await openKv({});
    const refresher = new TokenRefresher({
      vault,
      kv,
      log,
      refreshers: {
        hubspot: vendorRefresher("hubspot", { clientId: "c", clientSecret, tokenUrl: endpoint.url }),
      },
    });
    await capture(refresher.fresh("hs-canary"));
    await capture(
      refresher.withFreshToken("hs-canary", async () => {
        throw new Error("unrelated");
      }),
    );
    await vault.put("not-json", vaultSecret);
    await capture(refresher.fresh("not-json"));
    await endpoint.close();
    await capture(refresher.fresh("hs-canary")); // endpoint now unreachable
    await kv.close();

    expect(seen.length).toBeGreaterThan(8);
    const everything = seen.join("\n");
    // the messages are there and useful: only the secrets are missing
    for (const expected of [
      "was revoked",
      "Malformed API key",
      "invalid_grant",
      "integrity check failed",
      "unreachable",
    ]) {
      expect(everything).toContain(expected);
    }
    for (const canary of canaries) expect(everything).not.toContain(canary);
  });
});

describe("redaction helpers", () => {
  it("redacts known secrets, API keys and bearer tokens from text", () => {
    const key = `rmcp_0123456789ab_${"k".repeat(43)}`;
    const text = `failed for ${key} with Authorization: Bearer eyJhbGciOi.abc.def and secret hunter22 / hunter2`;
    const out = redactSecrets(text, ["hunter2", "hunter22", undefined, "ab"]);
    expect(out).toBe(
      "failed for rmcp_0123456789ab_[redacted] with Authorization: Bearer [redacted] and secret [redacted] / [redacted]",
    );
    expect(redactSecrets("nothing here")).toBe("nothing here");
  });

  it("exports pino redaction paths for every secret-bearing field", () => {
    for (const path of [
      "*.refresh_token",
      "*.access_token",
      "*.client_secret",
      "req.headers.authorization",
      "*.apiKey",
    ]) {
      expect(REDACTION_PATHS).toContain(path);
    }
  });
});
