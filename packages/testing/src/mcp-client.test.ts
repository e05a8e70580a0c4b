import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { connectHttp, connectStdio, startHttpServer, tempDataDir } from "./mcp-client";

const bin = fileURLToPath(new URL("../fixtures/echo-server.mjs", import.meta.url));

describe("mcp-client helpers", () => {
  it("connects over stdio and captures stderr", async () => {
    const c = await connectStdio(bin, ["--mode", "stdio"]);
    const r = await c.client.callTool({ name: "echo", arguments: { text: "hi" } });
    expect(r.content).toEqual([{ type: "text", text: "hi" }]);
    expect(c.stderr()).toContain("echo-server starting --mode stdio");
    await c.close();
  });

  it("starts an HTTP server, connects, and stops it with SIGTERM", async () => {
    const server = await startHttpServer(bin);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const c = await connectHttp(server.url, { "x-test": "1" });
    expect((await c.client.listTools()).tools.map((t) => t.name)).toEqual(["echo"]);
    expect(c.stderr()).toBe("");
    await c.close();
    expect(await server.stop()).toBe(0);
    expect(await server.stop()).toBe(0);
  });

  it("reports a server that exits before it listens", async () => {
    await expect(startHttpServer(bin, ["--fail"])).rejects.toThrow(
      /server exited with 3: echo-server starting/,
    );
  });

  it("gives each run its own data directory", () => {
    expect(tempDataDir("x")).not.toBe(tempDataDir("x"));
  });
});

describe("createApiKey", () => {
  it("creates a key the server's key store accepts", async () => {
    const { createApiKey } = await import("./api-key");
    const { ApiKeyStore } = await import("@revops/auth");
    const { openSql } = await import("@revops/store");
    const dir = tempDataDir("keys");
    const key = await createApiKey(dir, "auditor");
    const db = await openSql({ dataDir: dir });
    const check = await new ApiKeyStore(db).verify(key);
    await db.close();
    expect(check.ok && check.principal.scopes).toContain("audit:read");
  });
});
