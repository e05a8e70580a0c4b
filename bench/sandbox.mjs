// Sandbox scale: generation + load time and each analytics tool's latency at 1× and 100× (or --scales a,b),
// on embedded SQLite and on PostgreSQL (TEST_DATABASE_URL), through the built suite over stdio.
// `--quick` loads 1× only (CI proves the script works); targets are printed, never gated here.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const quick = process.argv.includes("--quick");
const arg = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
const scales = (arg("scales") ?? (quick ? "1" : "1,100")).split(",").map(Number);
const engines = (arg("engines") ?? "sqlite,postgres").split(",");
const root = new URL("..", import.meta.url).pathname;
// the built suite to run (`--dist=/path`: a build made elsewhere, leaving apps/suite/dist alone)
const dist = arg("dist") ?? join(root, "apps/suite/dist");
const TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
const PG = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const TOOLS = [
  ["sales_forecast_get", {}],
  ["sales_pipeline_summary", { quarter: "2026-Q4" }],
  ["cs_accounts_at_risk", { min_risk: "high", limit: 5 }],
  ["cs_nps_summary", { from: "2026-01-01", comments: 2 }],
  ["marketing_campaign_performance", { rank_by: "roi", top: 3 }],
  ["marketing_leads_by_source", { from: "2026-01-01" }],
  ["marketing_attribution", { model: "data_driven" }],
  [
    "marketing_campaign_plan",
    { goal: "pipeline", target: 500000, budget: 80000, start: "2027-01-04", end: "2027-03-31" },
  ],
  ["marketing_ad_budgets", {}],
  ["cs_churn_risk", {}],
  ["sales_deals_at_risk", { limit: 10 }],
  ["cs_renewals_upcoming", { within_days: 90 }],
  ["cs_health_scores", {}],
  ["marketing_funnel_report", {}],
  ["cs_retention_report", {}],
  ["cs_expansion_signals", {}],
  ["cs_ticket_trends", {}],
  // ids are wider at larger scales: the account is the first of health_scores' page
  ["cs_account_health", async (client) => ({ account_id: await firstAccountId(client) })],
];

async function firstAccountId(client) {
  const r = await client.callTool({ name: "cs_health_scores", arguments: { limit: 1 } });
  const id = r.structuredContent?.accounts?.[0]?.account_id;
  if (!id) throw new Error(`cs_health_scores gave no account: ${r.content?.[0]?.text}`);
  return id;
}

function psql(sql) {
  const r = spawnSync("psql", [PG, "-qAtc", sql], { encoding: "utf8" });
  return r.status === 0;
}

/** A fresh database per run: a temp dir for SQLite, a new schema (via search_path) for PostgreSQL. */
function target(engine, scale) {
  const env = {
    PATH: process.env.PATH,
    LOG_LEVEL: "warn",
    SANDBOX_SCALE: String(scale),
    RATE_LIMIT_PER_MINUTE: "0",
  };
  env.REVOPS_DATA_DIR = mkdtempSync(join(tmpdir(), "revops-sandbox-bench-"));
  if (engine === "postgres") {
    const schema = `bench_sandbox_${process.pid}_${scale}`;
    if (!psql(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`)) return undefined;
    env.DATABASE_URL = `${PG}${PG.includes("?") ? "&" : "?"}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    env.cleanup = () => psql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  }
  return env;
}

/** Resolves true once the server logged "warmed" for both sales and cs (false after 180 s). */
function warmedModules(transport) {
  const left = new Set(["sales", "cs"]);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), 180_000);
    transport.stderr?.on("data", (chunk) => {
      for (const m of String(chunk).matchAll(/"module":"(\w+)","ms":\d+,"msg":"warmed"/g)) left.delete(m[1]);
      if (left.size === 0) {
        clearTimeout(timer);
        resolve(true);
      }
    });
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(engine, scale) {
  const env = target(engine, scale);
  if (!env) return console.log(`${engine}: not reachable, skipped`);
  const { cleanup, ...childEnv } = env;
  const t0 = performance.now();
  // GNU time, where there is one, reports the load's CPU seconds (both threads): on a shared machine wall time
  // says more about the neighbours than about the load
  const command = [process.execPath, join(dist, "revops.js"), "sandbox", "load"];
  if (TIME) command.unshift(TIME, "-f", "cpu %U %S");
  const load = spawnSync(command[0], command.slice(1), { env: childEnv, encoding: "utf8" });
  const loadS = (performance.now() - t0) / 1000;
  if (load.status !== 0) throw new Error(`sandbox load failed: ${load.stderr}`);
  const cpu = /cpu ([\d.]+) ([\d.]+)/.exec(load.stderr);
  const cpuS = cpu ? Number(cpu[1]) + Number(cpu[2]) : undefined;
  // "… in 21.3 s (generate 11.0 s, insert 8.1 s, indexes 2.0 s)": where the load's time went
  const phases = /\(generate ([\d.]+) s, insert ([\d.]+) s, indexes ([\d.]+) s\)/.exec(load.stdout);
  const client = new Client({ name: "bench-sandbox", version: "1" });
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [join(dist, "bin.js"), "--toolsets", "all"],
    env: { ...childEnv, LOG_LEVEL: "info" },
    stderr: "pipe",
  });
  const warmed = warmedModules(transport);
  const started = performance.now();
  await client.connect(transport);
  // the sales and customer-success warm-ups (forecast, churn model, renewal book) finish before the first call
  const warmS = (await warmed) && (performance.now() - started) / 1000;
  const rows = [];
  for (const [name, argsOf] of TOOLS) {
    const args = typeof argsOf === "function" ? await argsOf(client) : argsOf;
    const times = [];
    for (let i = 0; i < (quick ? 1 : 3); i++) {
      const t = performance.now();
      const r = await client.callTool({ name, arguments: args });
      if (r.isError) throw new Error(`${name}: ${r.content?.[0]?.text}`);
      times.push(performance.now() - t);
    }
    rows.push({ name, ms: median(times), first: times[0] });
  }
  await client.close();
  cleanup?.();
  console.log(
    `\n${engine} at ${scale}×: generate + load ${loadS.toFixed(1)} s${cpuS === undefined ? "" : ` (${cpuS.toFixed(1)} s CPU)`} (target at 100×: ${engine === "sqlite" ? 30 : 60} s)`,
  );
  console.log(warmS ? `  warm-up done ${warmS.toFixed(1)} s after start` : "  warm-up not seen within 180 s");
  if (phases)
    console.log(
      `  of which generate ${phases[1]} s, insert ${phases[2]} s, indexes ${phases[3]} s (the rest: process start, schema)`,
    );
  // median of the calls; the first call reads what the warm-up did not (a window of its own)
  for (const r of rows)
    console.log(
      `  ${r.name.padEnd(32)} ${r.ms.toFixed(0).padStart(6)} ms${r.ms > 1000 ? "  over the 1 s target" : ""}  (first ${r.first.toFixed(0)} ms)`,
    );
  return { loadS, cpuS, phases: phases?.slice(1).map(Number), rows };
}

for (const engine of engines) for (const scale of scales) await measure(engine, scale);
