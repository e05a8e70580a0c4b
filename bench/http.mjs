// Streamable HTTP, stateless, 10 concurrent clients with an API key: the suite against the bare SDK v2 HTTP server,
// for tools/list and a read tool, in both protocol revisions (2026-07-28 envelopes; 2025-11-25 stateless POSTs).
// Servers take turns in short windows in the same run, so background load hits all alike. `--quick` proves the bench works (CI) and
// gates nothing; the full run fails below 0.5× the bare server's requests/s.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const quick = process.argv.includes("--quick");
/** `--compare <bin.js>`: another build of the suite (e.g. the commit before a change) measured in the same run. */
const compareAt = process.argv.indexOf("--compare");
const compareBin = compareAt > 0 ? process.argv[compareAt + 1] : undefined;
const CLIENTS = 10;
const SECONDS = quick ? 0.4 : 0.75;
/** `--rounds N`: windows per server and case (default 8); fewer keeps a `--compare` run under a minute. */
const roundsAt = process.argv.indexOf("--rounds");
const ROUNDS = roundsAt > 0 ? Number(process.argv[roundsAt + 1]) : quick ? 1 : 8;
const MODERN = "2026-07-28";
const LEGACY = "2025-11-25";
const root = new URL("..", import.meta.url).pathname;
/** Each suite gets its own data directory: two processes loading one SQLite sandbox lock each other out. */
const envWithData = () => ({
  PATH: process.env.PATH,
  REVOPS_DATA_DIR: mkdtempSync(join(tmpdir(), "revops-bench-http-")),
  LOG_LEVEL: "warn",
  RATE_LIMIT_PER_MINUTE: "0",
});

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

async function start(name, args, tool, headers, env = envWithData()) {
  const port = await freePort();
  const child = spawn(process.execPath, [...args(port)], { env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (c) => {
    stderr += c;
  });
  const stderrClosed = new Promise((r) => child.stderr.once("close", r));
  const deadline = Date.now() + 60_000;
  for (;;) {
    // the end of stderr (the error itself) may still be in the pipe when the exit is seen
    if (child.exitCode !== null)
      throw new Error(`${name} exited: ${await stderrClosed.then(() => stderr.slice(-3000))}`);
    if (
      await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (Date.now() > deadline) throw new Error(`${name} did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await settled(child.pid);
  return { name, port, tool, headers, pid: child.pid, stop: () => child.kill("SIGTERM") };
}

/**
 * Waits (up to 60 s) until a server that answers health checks has finished its own start-up work (the suite loads
 * its sandbox and warms its modules in the background), so that work is not counted as CPU of the first requests.
 */
async function settled(pid) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const before = cpuMs(pid);
    await new Promise((r) => setTimeout(r, 500));
    if (cpuMs(pid) - before <= 50) return; // at most a tenth of a core over half a second
  }
}

// The suite signs requests with an API key, created the way an operator does (`revops keys create`).
const keyIn = (env) =>
  execFileSync(
    process.execPath,
    [join(root, "apps/suite/dist/revops.js"), "keys", "create", "--role", "admin", "--name", "bench"],
    { env, stdio: ["ignore", "pipe", "ignore"] },
  )
    .toString()
    .trim()
    .split("\n")
    .at(-1);

/** A build of the suite on its own data directory, with an API key made there. */
function suite(name, bin) {
  const env = envWithData();
  const key = keyIn(env);
  return start(
    name,
    (p) => [bin, "--http", "--stateless", "--port", String(p)],
    { name: "sales_deals_list", arguments: { limit: 10 } },
    { authorization: `Bearer ${key}` },
    env,
  );
}

const servers = [
  await start("bare SDK v2", (p) => [join(root, "bench/bare-http-server.mjs"), String(p)], {
    name: "echo",
    arguments: { text: "hello" },
  }),
  await suite("suite", join(root, "apps/suite/dist/bin.js")),
  ...(compareBin ? [await suite("suite (cmp)", compareBin)] : []),
];

/** One JSON-RPC POST as a client of that revision sends it: 2026-07-28 carries its envelope in `_meta` and headers. */
function body(server, revision, op) {
  const method = op === "tools/list" ? "tools/list" : "tools/call";
  const params = op === "tools/list" ? {} : { ...server.tool };
  const headers = {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    "mcp-protocol-version": revision,
    ...server.headers,
  };
  if (revision === MODERN) {
    headers["mcp-method"] = method;
    if (params.name) headers["mcp-name"] = params.name;
    params._meta = {
      "io.modelcontextprotocol/protocolVersion": MODERN,
      "io.modelcontextprotocol/clientCapabilities": {},
      "io.modelcontextprotocol/clientInfo": { name: "bench", version: "1" },
    };
  }
  return { headers, payload: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) };
}

const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });

function post(port, { headers, payload }) {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/mcp", method: "POST", agent, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c) => {
        text += c;
      });
      res.on("end", () => {
        // JSON or one SSE event: either way a result, not an error
        if (res.statusCode !== 200 || !text.includes('"result"') || text.includes('"isError":true'))
          reject(new Error(`HTTP ${res.statusCode}: ${text.slice(0, 300)}`));
        else resolve(Buffer.byteLength(text));
      });
    });
    req.on("error", reject);
    req.end(payload);
  });
}

/**
 * CPU time (user + system, ms) the server process has used so far: on a shared machine requests/s follow the load
 * of others, while the server's own CPU per request does not (it is what bounds requests/s on an idle core).
 */
function cpuMs(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // clock ticks of 10 ms (USER_HZ 100)
}

/** CLIENTS loops posting back to back for `seconds`; latencies in ms, the server's CPU ms. */
async function drive(server, revision, op, seconds) {
  const msg = body(server, revision, op);
  const cpu0 = cpuMs(server.pid);
  const lat = [];
  let bytes = 0;
  const until = performance.now() + seconds * 1000;
  const client = async () => {
    while (performance.now() < until) {
      const t = performance.now();
      bytes = await post(server.port, msg);
      lat.push(performance.now() - t);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, client));
  return { lat, bytes, elapsed: (performance.now() - t0) / 1000, cpu: cpuMs(server.pid) - cpu0 };
}

const pct = (xs, p) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const results = [];
for (const revision of [MODERN, LEGACY]) {
  for (const op of ["tools/list", "read tool"]) {
    const acc = servers.map(() => ({ lat: [], elapsed: 0, bytes: 0, cpu: 0 }));
    for (const s of servers) await drive(s, revision, op, quick ? 0.2 : 1); // warm-up (JIT, caches, pools)
    for (let round = 0; round < ROUNDS; round++) {
      // alternate who goes first, so neither always runs right after the other's load
      const order = round % 2 ? [...servers.keys()].reverse() : [...servers.keys()];
      for (const n of order) {
        const r = await drive(servers[n], revision, op, SECONDS);
        acc[n].lat.push(...r.lat);
        acc[n].elapsed += r.elapsed;
        acc[n].cpu += r.cpu;
        acc[n].bytes = r.bytes;
      }
    }
    const rows = acc.map((a, n) => ({
      server: servers[n].name,
      rps: a.lat.length / a.elapsed,
      p50: pct(a.lat, 50),
      p99: pct(a.lat, 99),
      bytes: a.bytes,
      cpuPerRequest: a.cpu / a.lat.length,
    }));
    results.push({
      revision,
      op,
      rows,
      ratio: rows[1].rps / rows[0].rps,
      cpuRatio: rows[0].cpuPerRequest / rows[1].cpuPerRequest,
    });
  }
}
for (const s of servers) s.stop();
agent.destroy();

const f = (n, d = 1) => n.toFixed(d);
console.log(
  `\nRevOps MCP HTTP bench (${quick ? "quick" : "full"}: stateless, ${CLIENTS} concurrent clients, ${ROUNDS}×${SECONDS} s per server and case, API key on the suite; Node ${process.version})\n`,
);
console.log(
  "revision   | request    | server       | answer bytes | requests/s | p50 ms | p99 ms | suite / bare | server CPU ms/request | bare / suite CPU",
);
console.log(
  "-----------|------------|--------------|--------------|------------|--------|--------|--------------|-----------------------|-----------------",
);
for (const r of results) {
  for (const [i, row] of r.rows.entries()) {
    console.log(
      `${r.revision} | ${r.op.padEnd(10)} | ${row.server.padEnd(12)} | ${String(row.bytes).padStart(12)} | ${f(row.rps, 0).padStart(10)} | ${f(row.p50).padStart(6)} | ${f(row.p99).padStart(6)} | ${(i > 0 ? `${f(row.rps / r.rows[0].rps, 2)}×` : "").padEnd(12)} | ${f(row.cpuPerRequest, 2).padStart(21)} | ${i > 0 ? `${f(r.rows[0].cpuPerRequest / row.cpuPerRequest, 2)}×` : ""}`,
    );
  }
}
console.log("");
const bars = results.map((r) => [`${r.revision} ${r.op}: suite ≥ 0.5× bare requests/s`, r.ratio >= 0.5]);
for (const [name, ok] of bars) console.log(`${ok ? "PASS" : "FAIL"}  ${name}`);
// what requests/s would be with a core to itself: reported beside the gated figure, not gated
for (const r of results)
  console.log(
    `${r.cpuRatio >= 0.5 ? "PASS" : "MISS"}  ${r.revision} ${r.op}: suite ≥ 0.5× bare in CPU per request (${f(r.cpuRatio, 2)}×; not gated)`,
  );
if (!quick && bars.some(([, ok]) => !ok)) process.exitCode = 1;
