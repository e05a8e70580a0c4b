// Measures each server over stdio against the bare SDK server in the same run:
// cold start, idle and peak RSS, tools/list size in tokens, read-tool latency and throughput.
// `--quick` runs few iterations to prove the bench works (CI); timings are gated only in full mode.
// `--cold` measures only cold start and idle RSS (the figures of ADR 0046), more starts, no calls.
// `--compare <root>` adds the servers built under another checkout's root to the same interleaved run.
// `--only sales,suite` measures only those servers (beside both bare baselines); `--calls N` sets the calls per server.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { ListToolsResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { build } from "esbuild";
import { encode } from "gpt-tokenizer/encoding/o200k_base";

const quick = process.argv.includes("--quick");
const coldOnly = process.argv.includes("--cold");
/** What a client hands the model for one tool: name, description and input schema (no output schema). */
const modelVisible = (t) =>
  encode(JSON.stringify({ name: t.name, description: t.description, inputSchema: t.inputSchema })).length;
const sum = (xs) => xs.reduce((a, b) => a + b, 0);
// app-only tools (MCP Apps visibility ["app"], the confirmation card's) are hidden from the model by hosts
const modelTools = (tools) =>
  tools.filter((t) => !(t._meta?.ui?.visibility && !t._meta.ui.visibility.includes("model")));
const COLD_RUNS = quick ? 3 : coldOnly ? 21 : 15;
const flag = (name) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const CALLS = Number(flag("--calls") ?? (quick ? 50 : 1000));
const WARM_CALLS = quick ? 20 : 200;
const BURST = 25;
const root = new URL("..", import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), "revops-bench-"));
// the fair baseline runs our sandbox query in a bare SDK server: bundled like our servers so both load alike
const bareWork = join(dataDir, "bare-work", "bare-work.js");
await build({
  entryPoints: [join(root, "bench/bare-work.ts")],
  outdir: join(dataDir, "bare-work"),
  bundle: true,
  splitting: true, // as our servers: PostgreSQL's client loads only when configured
  format: "esm",
  platform: "node",
  target: "node22",
  external: ["pg-native"],
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
  logLevel: "warning",
});

const allServers = [
  {
    name: "bare SDK v2",
    bin: join(root, "bench/bare-server.mjs"),
    tool: "echo",
    args: { text: "hello" },
  },
  {
    name: "sales",
    bin: join(root, "apps/sales/dist/bin.js"),
    tool: "deals_list",
    args: { status: "open", limit: 10 },
  },
  {
    // after sales, whose warm-up loads the sandbox company this baseline reads
    name: "bare + same query",
    bin: bareWork,
    tool: "deals_list",
    args: { status: "open", limit: 10 },
  },
  {
    name: "marketing",
    bin: join(root, "apps/marketing/dist/bin.js"),
    tool: "campaigns_list",
    args: { limit: 10 },
  },
  {
    name: "customer-success",
    bin: join(root, "apps/customer-success/dist/bin.js"),
    tool: "tickets_list",
    args: { limit: 10 },
  },
  {
    name: "suite",
    bin: join(root, "apps/suite/dist/bin.js"),
    tool: "sales_deals_list",
    args: { status: "open", limit: 10 },
  },
];
const only = flag("--only")?.split(",");
const picked = allServers.filter((s) => !only || s.name.startsWith("bare") || only.includes(s.name));
// the fair baseline reads the sandbox company that the first sales or suite warm-up loads
const loader = picked.findIndex((s) => s.name === "sales" || s.name === "suite");
const work = picked.find((s) => s.name === "bare + same query");
const servers = picked.filter((s) => s !== work);
if (work) servers.splice(loader >= 0 ? loader + 1 : servers.length, 0, work);
// `--compare <root>`: the same servers built in another checkout (main, say) take turns with these, in the same run
const other = flag("--compare");
if (other) {
  for (const s of servers.filter((x) => x.bin.startsWith(join(root, "apps"))))
    servers.push({ ...s, name: `${s.name} (cmp)`, bin: join(other, s.bin.slice(root.length)) });
}

async function connect(bin, args = []) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [bin, ...args],
    env: { PATH: process.env.PATH, REVOPS_DATA_DIR: dataDir, LOG_LEVEL: "warn", RATE_LIMIT_PER_MINUTE: "0" },
    stderr: "ignore",
  });
  const client = new Client({ name: "bench", version: "1" });
  await client.connect(transport);
  return { client, pid: transport.pid };
}

/** CPU time (user + system, ms) a process has used: unlike latency, barely moved by other load on the machine. */
const cpuMs = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // clock ticks of 10 ms (USER_HZ 100)
};
const rssKb = (pid, field) =>
  Number(readFileSync(`/proc/${pid}/status`, "utf8").match(new RegExp(`${field}:\\s+(\\d+)`))[1]);
const pct = (xs, p) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const median = (xs) => pct(xs, 50);

// Every phase interleaves the servers (one cold start each, or a burst of calls each, in turn), so background load on a
// shared machine hits the baseline and our servers alike and the ratios stay meaningful.
async function measureAll(list) {
  for (const s of list) {
    // Warm-up: the first start loads the sandbox company into the data dir.
    const warm = await connect(s.bin, ["--toolsets", "all"]);
    await warm.client.callTool({ name: s.tool, arguments: s.args });
    await warm.client.close();
  }
  const cold = list.map(() => []);
  const coldCpu = list.map(() => []);
  for (let i = 0; i < COLD_RUNS; i++) {
    for (const [n, s] of list.entries()) {
      const t0 = performance.now();
      const c = await connect(s.bin);
      // the answer itself: Client.listTools also compiles every output schema into a validator in this process,
      // client-side work that grows with the listing and, meanwhile, lets the server open its ports (ADR 0053)
      await c.client.request({ method: "tools/list" }, ListToolsResultSchema);
      cold[n].push(performance.now() - t0);
      // the start's own CPU up to the listing: what cold start would be on an idle core
      coldCpu[n].push(cpuMs(c.pid));
      await c.client.close();
    }
  }
  const conns = [];
  const idle = [];
  for (const s of list) {
    const c = await connect(s.bin);
    conns.push({ c, defaultTools: (await c.client.listTools()).tools });
    // each server 300 ms after its own listing, before a module's warm-up (1 s after start) reads its caches in:
    // the peak RSS column shows memory after the warm-up and the calls
    await new Promise((r) => setTimeout(r, 300));
    idle.push(rssKb(c.pid, "VmRSS"));
  }
  if (coldOnly) {
    for (const { c } of conns) await c.client.close();
    return list.map((s, n) => ({
      name: s.name,
      coldMs: median(cold[n]),
      coldCpuMs: median(coldCpu[n]),
      idleMb: idle[n] / 1024,
    }));
  }
  const call = async (n) => {
    const t = performance.now();
    const r = await conns[n].c.client.callTool({ name: list[n].tool, arguments: list[n].args });
    if (r.isError) throw new Error(`${list[n].name}: ${JSON.stringify(r.content)}`);
    return performance.now() - t;
  };
  for (const n of list.keys()) for (let i = 0; i < WARM_CALLS; i++) await call(n);
  // Bursts of back-to-back calls (a hot loop, like calls/s), taking turns between servers.
  const lat = list.map(() => []);
  const cpu = list.map(() => 0);
  for (let round = 0; round < CALLS / BURST; round++) {
    for (const n of list.keys()) {
      const cpu0 = cpuMs(conns[n].c.pid);
      for (let i = 0; i < BURST; i++) lat[n].push(await call(n));
      cpu[n] += cpuMs(conns[n].c.pid) - cpu0;
    }
  }
  const results = [];
  for (const [n, s] of list.entries()) {
    const { c, defaultTools } = conns[n];
    const peakRss = rssKb(c.pid, "VmHWM");
    await c.client.close();
    const all = await connect(s.bin, ["--toolsets", "all"]);
    const allTools = (await all.client.listTools()).tools;
    await all.client.close();
    results.push({
      name: s.name,
      coldMs: median(cold[n]),
      coldCpuMs: median(coldCpu[n]),
      idleMb: idle[n] / 1024,
      peakMb: peakRss / 1024,
      tokensDefault: encode(JSON.stringify(defaultTools)).length,
      tokensAll: encode(JSON.stringify(allTools)).length,
      toolsDefault: defaultTools.length,
      modelDefault: sum(modelTools(defaultTools).map(modelVisible)),
      modelAvg: sum(modelTools(allTools).map(modelVisible)) / modelTools(allTools).length,
      modelMax: Math.max(...modelTools(allTools).map(modelVisible)),
      toolsAll: allTools.length,
      p50: pct(lat[n], 50),
      p99: pct(lat[n], 99),
      cps: 1000 / (lat[n].reduce((a, b) => a + b, 0) / lat[n].length),
      cpuUsPerCall: (1000 * cpu[n]) / lat[n].length,
    });
  }
  return results;
}

const f = (n, d = 1) => n.toFixed(d);
const ratio = (a, b) => `${f(a / b, 2)}×`;
const results = await measureAll(servers);
if (coldOnly) reportCold(results);
else reportAll(results);

/** Cold start (spawn → `tools/list`), its CPU and idle RSS, each against the bare server and the fair baseline. */
function reportCold(results) {
  const [base, work] = [results[0], results.find((r) => r.name === "bare + same query")];
  console.log(`\nCold start (${COLD_RUNS} interleaved starts, medians; Node ${process.version})\n`);
  console.log("server            | spawn → tools/list        | CPU to the listing        | idle RSS");
  console.log(
    "------------------|---------------------------|---------------------------|-------------------------",
  );
  for (const r of results) {
    const vs = (k) => (r === base ? "" : ` (${ratio(r[k], base[k])} / ${ratio(r[k], work[k])})`);
    console.log(
      `${r.name.padEnd(18)}| ${`${f(r.coldMs, 0)} ms${vs("coldMs")}`.padEnd(26)}| ${`${f(r.coldCpuMs, 0)} ms${vs("coldCpuMs")}`.padEnd(26)}| ${f(r.idleMb)} MB${vs("idleMb")}`,
    );
  }
  console.log("\n(ratios: against the bare SDK v2 server / against it doing the same sandbox query)");
}

/** The servers whose read tool the fair baseline runs too (the sandbox's deal query). */
/** The suite's own budgets apply to it as built here and under `--compare`. */
function isSuite(r) {
  return r.name === "suite" || r.name === "suite (cmp)";
}

function hasFairBaseline(r) {
  return r.name === "sales" || r.name === "suite";
}

function reportAll(results) {
  const base = results[0];
  const bars = [];
  console.log(
    `\nRevOps MCP bench (${quick ? "quick" : "full"}: ${COLD_RUNS} cold starts, ${CALLS} calls per server after warm-up, in interleaved bursts; Node ${process.version})\n`,
  );
  console.log(
    "server            | cold start      | idle RSS        | peak RSS | tools/list tokens (default / all) | p50 call        | p99 call | calls/s",
  );
  console.log(
    "------------------|-----------------|-----------------|----------|-----------------------------------|-----------------|----------|--------",
  );
  for (const r of results) {
    const isBase = r === base || r.name === "bare + same query";
    const rc = isBase ? "" : ` (${ratio(r.coldMs, base.coldMs)})`;
    const rr = isBase ? "" : ` (${ratio(r.idleMb, base.idleMb)})`;
    const rp = isBase ? "" : ` (${ratio(r.p50, base.p50)})`;
    console.log(
      `${r.name.padEnd(18)}| ${`${f(r.coldMs, 0)} ms${rc}`.padEnd(16)}| ${`${f(r.idleMb)} MB${rr}`.padEnd(16)}| ${`${f(r.peakMb)} MB`.padEnd(9)}| ${`${r.tokensDefault} (${r.toolsDefault} tools) / ${r.tokensAll} (${r.toolsAll})`.padEnd(34)}| ${`${f(r.p50, 2)} ms${rp}`.padEnd(16)}| ${`${f(r.p99, 2)} ms`.padEnd(9)}| ${f(r.cps, 0)}`,
    );
    if (!isBase) {
      bars.push([`${r.name} cold start ≤ 1.5× bare`, r.coldMs / base.coldMs <= 1.5]);
      // where a same-query baseline exists, p50 is gated against it below (issue 9's bar); elsewhere against echo
      if (!hasFairBaseline(r)) bars.push([`${r.name} p50 ≤ 3× bare`, r.p50 / base.p50 <= 3]);
      bars.push([`${r.name} idle RSS ≤ 1.5× bare`, r.idleMb / base.idleMb <= 1.5]);
      // issue 9's bar against the bare SDK v2 server: reported, not gated yet
      for (const [what, x] of [
        ["cold start", r.coldMs / base.coldMs],
        ...(hasFairBaseline(r) ? [] : [["p50", r.p50 / base.p50]]),
        ["idle RSS", r.idleMb / base.idleMb],
      ])
        bars.push([`${r.name} ${what} ≤ 1.3× bare (target, not gated)`, x <= 1.3 || "target"]);
      if (!isSuite(r)) bars.push([`${r.name} default tools ≤ 3,000 tokens`, r.tokensDefault <= 3000]);
    }
  }
  console.log(
    "\nModel-visible tokens (name + description + input schema, o200k; what a client hands the model):",
  );
  for (const r of results.slice(1).filter((x) => x.name !== "bare + same query")) {
    console.log(
      `  ${r.name.padEnd(18)} default toolsets ${r.modelDefault}, per tool avg ${f(r.modelAvg, 0)} / max ${r.modelMax} (all toolsets)`,
    );
    bars.push([
      `${r.name} model-visible default ≤ ${isSuite(r) ? "2,500" : "1,500"}`,
      r.modelDefault <= (isSuite(r) ? 2500 : 1500),
    ]);
    bars.push([
      `${r.name} model-visible ≤ 100 per tool on average (target, not gated)`,
      r.modelAvg <= 100 || "target",
    ]);
  }
  console.log("\nServer CPU per call (user + system; what latency would follow on an idle machine):");
  for (const r of results.slice(1))
    console.log(
      `  ${r.name.padEnd(18)} ${f(r.cpuUsPerCall, 0)} µs vs ${f(base.cpuUsPerCall, 0)} µs bare (${ratio(r.cpuUsPerCall, base.cpuUsPerCall)})`,
    );
  // the pipeline's own cost: the same deal query in a bare SDK v2 server against our sales server and the suite
  const work = results.find((r) => r.name === "bare + same query");
  console.log("\nPipeline cost (against the bare SDK v2 server running the same sandbox query):");
  for (const r of results.filter(hasFairBaseline)) {
    console.log(
      `  ${r.name.padEnd(18)} p50 ${ratio(r.p50, work.p50)}, CPU per call ${ratio(r.cpuUsPerCall, work.cpuUsPerCall)}, cold start ${ratio(r.coldMs, work.coldMs)} (CPU to the listing ${f(r.coldCpuMs, 0)} vs ${f(work.coldCpuMs, 0)} ms, ${ratio(r.coldCpuMs, work.coldCpuMs)}), idle RSS ${ratio(r.idleMb, work.idleMb)}`,
    );
    // issue 9's bar for the pipeline: held in every quiet run of 2026-12-04 after ADR 0033's second round
    bars.push([`${r.name} p50 ≤ 1.3× bare + same query`, r.p50 / work.p50 <= 1.3]);
  }
  console.log("");
  for (const [name, ok] of bars) console.log(`${ok === "target" ? "MISS" : ok ? "PASS" : "FAIL"}  ${name}`);
  if (!quick && bars.some(([, ok]) => ok === false)) process.exitCode = 1;
}
