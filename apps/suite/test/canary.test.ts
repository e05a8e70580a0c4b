import { fileURLToPath } from "node:url";
import { connectHttp, createApiKey, startHttpServer, tempDataDir } from "@revops/testing";
import { describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));

// Secrets planted everywhere a server sees them; none may come back in a log line or a tool result.
describe("canary secrets", () => {
  it("never appear in logs, errors, tool results or the audit log", async () => {
    const dataDir = tempDataDir("canary");
    const apiKey = await createApiKey(dataDir, "admin");
    const canaries = {
      apiKey,
      guardSecret: "canary-guard-secret-7f3a9c1e5b2d4f6a8c0e",
      masterKey: Buffer.from("canary-master-key-0123456789abcd").toString("base64"),
      argPassword: "canary-password-in-arguments",
    };
    const server = await startHttpServer(bin, ["--toolsets", "all"], {
      REVOPS_DATA_DIR: dataDir,
      LOG_LEVEL: "trace",
      CONFIRMATION_MODE: "token",
      GUARD_TOKEN_SECRET: canaries.guardSecret,
      REVOPS_MASTER_KEY: canaries.masterKey,
    });
    const c = await connectHttp(server.url, { authorization: `Bearer ${apiKey}` });
    const texts: string[] = [];
    const call = async (name: string, args: Record<string, unknown>) => {
      const r = await c.client.callTool({ name, arguments: args });
      texts.push(JSON.stringify(r));
    };
    await call("sales_deals_list", { limit: 2 });
    await call("sales_deals_list", { limit: 2, password: canaries.argPassword });
    await call("marketing_caps_update", { scope: "per_day", amount: 2000, api_key: canaries.argPassword });
    await call("marketing_caps_update", { scope: "per_day", amount: 2000 });
    await call("cs_tickets_list", { limit: 1 });
    await new Promise((r) => setTimeout(r, 50));
    await call("audit_query", { limit: 100 });
    texts.push(JSON.stringify(await c.client.readResource({ uri: "audit://recent" })));
    await c.close();
    await server.stop();
    const logs = server.stderr();
    expect(logs).toContain('"level"');
    for (const [name, secret] of Object.entries(canaries)) {
      expect(logs.includes(secret), `${name} in the logs`).toBe(false);
      for (const t of texts) expect(t.includes(secret), `${name} in a result`).toBe(false);
    }
  });
});
