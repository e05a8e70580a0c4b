import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runServer } from "./run";
import { demoModule } from "./testing/demo";

const env = () => ({ REVOPS_DATA_DIR: mkdtempSync(join(tmpdir(), "kit-warm-")), LOG_LEVEL: "silent" });

describe("warm-up after start", () => {
  it("hands each module its ready ports once, in order, and a failing warm-up leaves the server serving", async () => {
    const seen: string[] = [];
    let release: () => void = () => {};
    const done = new Promise<void>((r) => {
      release = r;
    });
    const failing = {
      ...demoModule,
      name: "first",
      ports: async () => ({ id: "first-ports" }),
      warm: async (p: { id: string }) => {
        seen.push(p.id);
        throw new Error("vendor down");
      },
    };
    const ok = {
      ...demoModule,
      name: "second",
      tools: [],
      ports: async () => ({ id: "second-ports" }),
      warm: async (p: { id: string }) => {
        seen.push(p.id);
        release();
      },
    };
    const server = await runServer({
      modules: [failing, ok],
      defaultPort: 0,
      argv: ["--http", "--port", "0", "--stateless"],
      env: env(),
    });
    try {
      await done;
      expect(seen).toEqual(["first-ports", "second-ports"]);
      const res = await fetch(server.url as string, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping", params: {} }),
      });
      expect(res.status).toBeLessThan(500);
    } finally {
      await server.stop("test");
    }
  });
});
