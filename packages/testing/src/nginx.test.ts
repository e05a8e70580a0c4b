import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { type NginxProcess, nginxAvailable, parseAccessLog, renderNginxConfig, startNginx } from "./nginx";

const backends: Server[] = [];
let lb: NginxProcess | undefined;
afterAll(async () => {
  await lb?.stop();
  for (const b of backends) b.close();
});

/** A replica stand-in that answers with its own name. */
const backend = async (name: string) => {
  const s = createServer((_req, res) => res.end(name));
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  backends.push(s);
  return `127.0.0.1:${(s.address() as AddressInfo).port}`;
};

describe("nginx in front of replicas", () => {
  it("renders round-robin without buffering, failover that never resends a POST, and an optional session pool", () => {
    const conf = renderNginxConfig({
      upstreams: ["a:1", "b:2"],
      sessionUpstreams: ["c:3"],
      listen: "8080",
      dir: "/tmp/x",
    });
    expect(conf).toContain("server a:1");
    expect(conf).toContain("proxy_buffering off;");
    expect(conf).toContain("proxy_next_upstream error timeout http_502 http_503;");
    expect(conf).not.toMatch(/proxy_next_upstream[^;]*non_idempotent/);
    expect(conf).toContain("/session/mcp");
    expect(renderNginxConfig({ upstreams: ["a:1"], listen: "8080", dir: "/tmp/x" })).not.toContain(
      "/session/mcp",
    );
  });

  it.skipIf(!nginxAvailable())(
    "spreads requests round-robin and fails over when a replica is gone",
    async () => {
      const [a, b] = [await backend("a"), await backend("b")];
      lb = await startNginx({ upstreams: [a, b] });
      const base = lb.url.replace(/\/mcp$/, "");
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push(await (await fetch(`${base}/mcp`)).text());
      expect(answers.sort()).toEqual(["a", "a", "b", "b"]);
      (backends[0] as Server).close();
      (backends[0] as Server).closeAllConnections();
      for (let i = 0; i < 3; i++) expect(await (await fetch(`${base}/mcp`)).text()).toBe("b");
      const log = lb.accessLog();
      expect(log.length).toBeGreaterThanOrEqual(7);
      expect(log.some((l) => l.upstreams.length === 2)).toBe(true);
    },
  );

  it("parses the access log's tried replicas and session ids", () => {
    const [line] = parseAccessLog('127.0.0.1 POST /mcp 200 "a:1, b:2" "502, 200" "sid-1"\n');
    expect(line).toMatchObject({
      method: "POST",
      status: 200,
      upstreams: ["a:1", "b:2"],
      sessionId: "sid-1",
    });
  });
});
