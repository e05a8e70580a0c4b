import { mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ApiKeyStore, authMigrations } from "@revops/auth";
import type { RunningServer } from "@revops/kit";
import { migrate, openSql } from "@revops/store";
import { freePort } from "@revops/testing";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSafeServer } from "../src/index";
import { fixtureModule } from "./fixture";

const dataDir = mkdtempSync(join(tmpdir(), "safety-auth-"));
let server: RunningServer;
let url: string;
let issuer: string;
let jwks: Server;
let signing: Awaited<ReturnType<typeof generateKeyPair>>;
let repKey: string;
let auditorKey: string;
let revokedKey: string;

const connect = async (token: string) => {
  const client = new Client({ name: "t", version: "1" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  return client;
};

const sign = (claims: Record<string, unknown>, aud = url) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: "ES256", kid: "k1" })
    .setIssuer(issuer)
    .setAudience(aud)
    .setSubject("ann@example.com")
    .setIssuedAt()
    .setExpirationTime("5m")
    .sign(signing.privateKey);

beforeAll(async () => {
  signing = await generateKeyPair("ES256");
  const jwk = { ...(await exportJWK(signing.publicKey)), kid: "k1", alg: "ES256" };
  jwks = createServer((_req, res) => res.end(JSON.stringify({ keys: [jwk] })));
  await new Promise<void>((r) => jwks.listen(0, "127.0.0.1", r));
  const addr = jwks.address();
  issuer = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;

  const db = await openSql({ dataDir });
  await migrate(db, authMigrations);
  const keys = new ApiKeyStore(db);
  repKey = (await keys.create({ name: "rep", role: "sales-rep" })).key;
  auditorKey = (await keys.create({ name: "auditor", role: "auditor" })).key;
  const revoked = await keys.create({ name: "gone", role: "admin" });
  revokedKey = revoked.key;
  await keys.revoke(revoked.id);
  await db.close();

  const port = await freePort();
  server = await runSafeServer({
    modules: [fixtureModule],
    defaultPort: port,
    argv: ["--http", "--toolsets", "all"],
    env: {
      REVOPS_DATA_DIR: dataDir,
      LOG_LEVEL: "silent",
      OAUTH_ISSUER: issuer,
      OAUTH_JWKS_URI: `${issuer}/jwks`,
    },
  });
  url = server.url as string;
});

afterAll(async () => {
  await server?.stop("test");
  jwks?.close();
});

describe("HTTP authentication wired into every server", () => {
  it("refuses a caller without credentials and points at the resource metadata", async () => {
    const res = await fetch(url, {
      method: "POST",
      body: "{}",
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(401);
    const challenge = res.headers.get("www-authenticate") ?? "";
    expect(challenge).toContain("resource_metadata=");
    const meta = (await (
      await fetch(url.replace("/mcp", "/.well-known/oauth-protected-resource"))
    ).json()) as {
      resource: string;
      authorization_servers: string[];
    };
    expect(meta.resource).toBe(url);
    expect(meta.authorization_servers).toEqual([issuer]);
  });

  it("lets an API key in with its role's scopes: tools/list shows only what it may call", async () => {
    const rep = await connect(repKey);
    expect((await rep.listTools()).tools.map((t) => t.name).sort()).toEqual(["deal_touch", "deals_count"]);
    const r = await rep.callTool({ name: "deals_count", arguments: {} });
    expect(r.structuredContent).toMatchObject({ count: 3 });
    await rep.close();

    const auditor = await connect(auditorKey);
    expect((await auditor.listTools()).tools.map((t) => t.name).sort()).toEqual([
      "api_usage",
      "audit_query",
      "deals_count",
      "integrations_health",
    ]);
    // a tool the caller may not use is refused at the door with the scope it needs (OAuth step-up)
    const denied = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        authorization: `Bearer ${auditorKey}`,
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 9,
        method: "tools/call",
        params: { name: "deal_touch", arguments: { deal_id: "d1" } },
      }),
    });
    expect(denied.status).toBe(403);
    expect(denied.headers.get("www-authenticate")).toMatch(/error="insufficient_scope".*scope="sales:write"/);
    await auditor.close();
  });

  it("refuses a revoked key on the next request", async () => {
    const res = await fetch(url, {
      method: "POST",
      body: "{}",
      headers: { "content-type": "application/json", authorization: `Bearer ${revokedKey}` },
    });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toContain('error="invalid_token"');
  });

  it("accepts OAuth tokens for this resource only", async () => {
    const client = await connect(await sign({ scope: "sales:read" }));
    const r = await client.callTool({ name: "deals_count", arguments: {} });
    expect(r.structuredContent).toMatchObject({ caller: expect.stringContaining("ann@example.com") });
    await client.close();
    const other = await sign({ scope: "sales:read" }, "https://other.example.com/mcp");
    const res = await fetch(url, {
      method: "POST",
      body: "{}",
      headers: { "content-type": "application/json", authorization: `Bearer ${other}` },
    });
    expect(res.status).toBe(401);
  });
});
