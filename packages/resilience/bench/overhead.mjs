// Per-call overhead of the resilience policy against a raw fetch to the same local server, same run.
// Calls alternate raw / policy / caller one by one so drift on shared cores hits all alike; medians.
// `--quick` runs few iterations to prove the bench works; the 1.1x bar is gated only in full mode.
import { mkdirSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { build } from "esbuild";

const quick = process.argv.includes("--quick");
const ROUNDS = quick ? 3 : 15;
const CALLS = quick ? 100 : 500;
const WARMUP = quick ? 50 : 300;
const BAR = 1.1;

// inside the package so the bundle resolves cockatiel & co. from its node_modules
const dir = new URL(`../node_modules/.cache/resilience-bench-${process.pid}`, import.meta.url).pathname;
mkdirSync(dir, { recursive: true });
const outfile = join(dir, "resilience.mjs");
await build({
  entryPoints: [new URL("../src/index.ts", import.meta.url).pathname],
  bundle: true,
  platform: "node",
  format: "esm",
  external: ["ioredis", "pg", "cockatiel", "rate-limiter-flexible"],
  outfile,
  logLevel: "error",
});
const { createVendorPolicy, createVendorLimiter, createResilientCaller, throwIfNotOk } = await import(
  outfile
);

const body = JSON.stringify({ results: [{ id: "1", name: "Acme", amount: 1200 }] });
const server = createServer((_req, res) => {
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${server.address().port}/deals`;

const raw = async () => (await fetch(url)).json();
const op = async ({ signal }) => (await throwIfNotOk(await fetch(url, { signal }))).json();
const policy = createVendorPolicy("hubspot", { concurrency: 10 });
const limiter = createVendorLimiter("hubspot", { rate: { points: 1_000_000, durationMs: 60_000 } });
const caller = createResilientCaller({ vendor: "hubspot", policy: createVendorPolicy("hubspot"), limiter });
const variants = {
  raw,
  policy: () => policy.execute(op),
  "caller (policy + memory limiter)": () => caller.call("deals.list", op),
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

const names = Object.keys(variants);
for (const fn of Object.values(variants)) for (let i = 0; i < WARMUP; i++) await fn();
// per-call interleaving in rotating order: load from other processes lands on every variant alike
const samples = Object.fromEntries(names.map((k) => [k, []]));
for (let i = 0; i < ROUNDS * CALLS; i++) {
  for (let j = 0; j < names.length; j++) {
    const name = names[(i + j) % names.length];
    const started = performance.now();
    await variants[name]();
    samples[name].push((performance.now() - started) * 1000);
  }
}

const base = median(samples.raw);
console.log(
  `resilience overhead (${ROUNDS * CALLS} interleaved sequential calls per variant, median µs/call)`,
);
for (const [name, xs] of Object.entries(samples)) {
  const m = median(xs);
  console.log(`  ${name.padEnd(34)} ${m.toFixed(1).padStart(8)} µs  ${(m / base).toFixed(3)}x`);
}
const ratio = median(samples.policy) / base;
console.log(`policy/raw ratio: ${ratio.toFixed(3)}x (bar <= ${BAR}x)${quick ? " [quick: not gated]" : ""}`);

server.closeAllConnections();
server.close();
rmSync(dir, { recursive: true, force: true });
if (!quick && ratio > BAR) {
  console.error(`FAIL: policy overhead ${ratio.toFixed(3)}x exceeds ${BAR}x`);
  process.exitCode = 1;
}
