// The Streamable HTTP baseline: the SDK v2's own per-request handler (2026-07-28, and 2025 stateless through its
// legacy fallback) in front of the bare echo server, on node:http. Usage: node bare-http-server.mjs <port>
import { createServer } from "node:http";
import { createMcpHandler } from "@modelcontextprotocol/server";
import { bareServer } from "./bare-tool.mjs";

const handler = createMcpHandler(() => bareServer());
const port = Number(process.argv[2] ?? 0);

const http = createServer(async (req, res) => {
  if (req.url === "/healthz") return res.end("ok\n");
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
  const body = req.method === "POST" ? Buffer.concat(chunks).toString("utf8") : undefined;
  const response = await handler.fetch(
    new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers, body }),
  );
  const out = {};
  response.headers.forEach((v, k) => {
    out[k] = v;
  });
  res.writeHead(response.status, out);
  res.end(Buffer.from(await response.arrayBuffer()));
});
http.listen(port, "127.0.0.1");
