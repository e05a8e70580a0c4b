// MCP conformance (`pnpm test:conformance`): runs the official server suite of @modelcontextprotocol/conformance
//   1. against the kit's conformance fixture (packages/kit/src/conformance): the whole default (active) suite;
//   2. against every real server bin (apps/*/dist/bin.js): the scenarios any server must pass.
// A scenario passes when its checks.json has no FAILURE check; there is no expected-failures baseline. Writes
// scripts/conformance-results.json (summed into CI's closing line by scripts/test-summary.mjs) and exits 1 if
// anything failed.
// Flags: --fixture-only (skip the apps), --keep (keep the temp dir: bundle, data dirs, raw results).
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const RESULTS_FILE = join(ROOT, "scripts", "conformance-results.json");
const args = process.argv.slice(2);
const FIXTURE_ONLY = args.includes("--fixture-only");
const KEEP = args.includes("--keep");

/** The protocol revisions served, each a requirement set of the conformance suite (one revision per run). */
const REVISIONS = ["2025-11-25", "2026-07-28"];

/** Per revision, the scenarios every real server must pass (the others need the fixture's test_* tools, resources, prompts). */
const SERVER_SCENARIOS = {
  "2025-11-25": [
    "server-initialize",
    "ping",
    "logging-set-level",
    "tools-list",
    "resources-list",
    "prompts-list",
    "dns-rebinding-protection",
  ],
  "2026-07-28": [
    "server-stateless",
    "tools-list",
    "resources-list",
    "prompts-list",
    "dns-rebinding-protection",
    "http-header-validation",
  ],
};
const APPS = ["sales", "marketing", "customer-success", "suite"];

/** A real server loads the sandbox company into its fresh data dir first: four at once on a busy machine take a while. */
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 5_000;
/** The fixture suite takes ~2 s; a broken server→client request costs the suite's 60 s client timeout. */
const SUITE_TIMEOUT_MS = 75_000;
const SCENARIO_TIMEOUT_MS = 20_000;

const started = performance.now();
const tmp = await mkdtemp(join(tmpdir(), "revops-conformance-"));
/** @type {Set<{name: string, url: string, child: import("node:child_process").ChildProcess, exited: Promise<unknown>}>} */
const servers = new Set();
/** @type {{server: string, scenario: string, passed: boolean, failures: string[]}[]} */
const results = [];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = /** @type {import("node:net").AddressInfo} */ (srv.address());
      srv.close(() => resolvePort(port));
    });
  });
}

function conformanceBin() {
  const dir = join(ROOT, "node_modules", "@modelcontextprotocol", "conformance");
  const pkgFile = join(dir, "package.json");
  if (!existsSync(pkgFile))
    throw new Error("@modelcontextprotocol/conformance is not installed at the repo root: run pnpm install.");
  const pkg = JSON.parse(readFileSync(pkgFile, "utf8"));
  const bin = typeof pkg.bin === "string" ? pkg.bin : pkg.bin.conformance;
  return join(dir, bin);
}

async function bundleFixture() {
  const outdir = join(tmp, "fixture");
  await build({
    absWorkingDir: ROOT,
    entryPoints: { bin: "packages/kit/src/conformance/bin.ts" },
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node22",
    legalComments: "none",
    external: ["pg-native"],
    banner: {
      js: "import { createRequire as __revopsCreateRequire } from 'node:module'; const require = __revopsCreateRequire(import.meta.url);",
    },
    logLevel: "warning",
  });
  return join(outdir, "bin.js");
}

/** Starts a server bin over HTTP on a free port and waits for /healthz. */
async function startServer(name, bin, extraArgs = []) {
  const port = await freePort();
  const dataDir = join(tmp, "data", name);
  await mkdir(dataDir, { recursive: true });
  const child = spawn(process.execPath, [bin, ...extraArgs, "--http", "--port", String(port)], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "pipe"],
    env: {
      ...process.env,
      REVOPS_DATA_DIR: dataDir,
      LOG_LEVEL: "warn",
      // A developer's .env or shell must not change what is tested.
      REVOPS_ENV_FILE: join(tmp, "no.env"),
      HOST: "127.0.0.1",
      MCP_STATELESS: "false",
      REVOPS_PRINCIPAL_SCOPES: "*",
      // The conformance client cannot send credentials; authentication has its own tests (packages/safety, e2e).
      AUTH_DISABLED_FOR_LOOPBACK: "true",
    },
  });
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  const exited = new Promise((r) => child.once("exit", (code, signal) => r({ code, signal })));
  const handle = { name, child, exited, url: `http://localhost:${port}/mcp` };
  servers.add(handle);
  let dead;
  void exited.then((e) => {
    dead = e;
  });
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (dead)
      throw new Error(
        `${name} exited during start-up (${dead.signal ?? `code ${dead.code}`}):\n${stderr.trim()}`,
      );
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`${name} did not answer /healthz within ${START_TIMEOUT_MS} ms:\n${stderr.trim()}`);
    await sleep(100);
  }
  return handle;
}

async function stopServer(handle) {
  if (!servers.has(handle)) return;
  servers.delete(handle);
  if (handle.child.exitCode !== null || handle.child.signalCode !== null) return;
  handle.child.kill("SIGTERM");
  const timedOut = await Promise.race([
    handle.exited.then(() => false),
    sleep(STOP_TIMEOUT_MS).then(() => true),
  ]);
  if (timedOut) {
    console.error(`${handle.name} did not stop within ${STOP_TIMEOUT_MS} ms of SIGTERM; killing it.`);
    handle.child.kill("SIGKILL");
    await handle.exited;
  }
}

/** Runs the conformance CLI (bounded); resolves with its exit status and output. */
function runConformance(cliArgs, timeoutMs) {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [conformanceBin(), ...cliArgs], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      out += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      resolveRun({ code, timedOut: signal === "SIGKILL", out });
    });
  });
}

const TIMESTAMP = /-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d+Z$/;

/** Every scenario result under a -o directory: scenario → failures (empty when passed). */
function readResults(dir) {
  const found = new Map();
  if (!existsSync(dir)) return found;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || !entry.name.startsWith("server-")) continue;
    const file = join(dir, entry.name, "checks.json");
    if (!existsSync(file)) continue;
    const scenario = entry.name.slice("server-".length).replace(TIMESTAMP, "");
    let failures;
    try {
      const checks = JSON.parse(readFileSync(file, "utf8"));
      failures = checks
        .filter((c) => c.status === "FAILURE")
        .map((c) => `${c.id}: ${c.errorMessage ?? c.description ?? "failed"}`);
    } catch (err) {
      failures = [`unreadable ${relative(tmp, file)}: ${err.message}`];
    }
    found.set(scenario, failures);
  }
  return found;
}

/** Checks per status of each run (SUCCESS, FAILURE, WARNING, INFO, SKIPPED), summed per server@revision. */
const checkCounts = new Map();

function countChecks(server, dir) {
  if (!existsSync(dir)) return;
  const counts = checkCounts.get(server) ?? {};
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = join(dir, entry.name, "checks.json");
    if (!entry.isDirectory() || !existsSync(file)) continue;
    try {
      for (const c of JSON.parse(readFileSync(file, "utf8"))) counts[c.status] = (counts[c.status] ?? 0) + 1;
    } catch {
      // counted as a failed scenario by readResults
    }
  }
  checkCounts.set(server, counts);
}

function record(server, scenario, failures) {
  results.push({ server, scenario, passed: failures.length === 0, failures });
}

/** Scenario names the CLI announced (suite mode), so one that wrote no checks.json still counts as failed. */
function announced(out) {
  return [...out.matchAll(/^=== Running scenario: (\S+) ===$/gm)].map((m) => m[1]);
}

async function fixtureSuite() {
  const bin = await bundleFixture();
  const server = await startServer("fixture", bin, ["--conformance-fixture"]);
  try {
    for (const revision of REVISIONS) {
      const name = `fixture@${revision}`;
      const outDir = join(tmp, "results", "fixture", revision);
      const run = await runConformance(
        ["server", "--url", server.url, "--requirements", revision, "-o", outDir],
        SUITE_TIMEOUT_MS,
      );
      const found = readResults(outDir);
      countChecks(name, outDir);
      const total = Number(
        /Running [\w-]+ (?:suite|requirements?)[^(]*\((\d+) scenarios\)/.exec(run.out)?.[1] ?? 0,
      );
      const names = [...new Set([...announced(run.out), ...found.keys()])];
      for (const scenario of names) {
        record(
          name,
          scenario,
          found.get(scenario) ?? [
            run.timedOut
              ? `no result: the suite was stopped after ${SUITE_TIMEOUT_MS} ms`
              : "no result written",
          ],
        );
      }
      if (names.length === 0 || names.length < total) {
        const missing = total ? total - names.length : "all";
        record(name, "(suite)", [
          `${missing} scenario(s) never ran (exit ${run.code}${run.timedOut ? ", timed out" : ""}):\n${run.out.trim().slice(-1500)}`,
        ]);
      }
    }
  } finally {
    await stopServer(server);
  }
}

async function appScenarios(app) {
  const bin = join(ROOT, "apps", app, "dist", "bin.js");
  if (!existsSync(bin)) {
    record(app, "(start)", [
      `${relative(ROOT, bin)} is missing: build the apps first (pnpm turbo run build).`,
    ]);
    return;
  }
  let server;
  try {
    server = await startServer(app, bin);
  } catch (err) {
    record(app, "(start)", [err.message]);
    return;
  }
  try {
    for (const [revision, scenarios] of Object.entries(SERVER_SCENARIOS))
      for (const scenario of scenarios) {
        const outDir = join(tmp, "results", app, revision, scenario);
        const run = await runConformance(
          ["server", "--url", server.url, "--scenario", scenario, "--spec-version", revision, "-o", outDir],
          SCENARIO_TIMEOUT_MS,
        );
        // "Not testable" checks need the fixture's diagnostic tools (test_missing_capability, ...): a real server has none
        const failures = readResults(outDir)
          .get(scenario)
          ?.filter((f) => !/^[\w-]+: Not testable: /.test(f));
        countChecks(`${app}@${revision}`, outDir);
        record(
          `${app}@${revision}`,
          scenario,
          failures ?? [
            `no result written (exit ${run.code}${run.timedOut ? ", timed out" : ""}): ${run.out.trim().slice(-800)}`,
          ],
        );
      }
  } finally {
    await stopServer(server);
  }
}

function printTable() {
  const width = Math.max(...results.map((r) => r.scenario.length), 8);
  const serverWidth = Math.max(...results.map((r) => r.server.length), 6);
  console.log(`\n${"server".padEnd(serverWidth)}  ${"scenario".padEnd(width)}  result`);
  for (const r of results) {
    console.log(
      `${r.server.padEnd(serverWidth)}  ${r.scenario.padEnd(width)}  ${r.passed ? "pass" : "FAIL"}`,
    );
    for (const f of r.failures)
      console.log(`${" ".repeat(serverWidth + width + 4)}- ${f.replace(/\n/g, "\n    ")}`);
  }
  const byServer = new Map();
  for (const r of results) {
    const s = byServer.get(r.server) ?? { passed: 0, total: 0 };
    s.total++;
    if (r.passed) s.passed++;
    byServer.set(r.server, s);
  }
  console.log(
    `\n${[...byServer].map(([name, s]) => `${name} ${s.passed}/${s.total}`).join(", ")} scenarios passed`,
  );
  for (const [name, c] of checkCounts)
    console.log(
      `${name}: checks ${c.SUCCESS ?? 0} passed, ${c.FAILURE ?? 0} failed` +
        ` (${c.WARNING ?? 0} warnings, ${c.INFO ?? 0} info, ${c.SKIPPED ?? 0} skipped)`,
    );
}

let exitCode = 0;
const onSignal = (sig) => {
  console.error(`\nconformance: ${sig}, stopping servers`);
  void Promise.allSettled([...servers].map(stopServer)).then(() => process.exit(130));
};
process.once("SIGINT", onSignal);
process.once("SIGTERM", onSignal);

try {
  try {
    await fixtureSuite();
  } catch (err) {
    record("fixture", "(start)", [err.message]);
  }
  if (!FIXTURE_ONLY) await Promise.all(APPS.map(appScenarios));
} catch (err) {
  record("runner", "(error)", [err.stack ?? String(err)]);
} finally {
  await Promise.allSettled([...servers].map(stopServer));
}

// Apps ran in parallel: report them in a stable order.
const order = ["fixture", ...APPS, "runner"];
const rank = (server) =>
  order.indexOf(server.split("@")[0]) * 10 + REVISIONS.indexOf(server.split("@")[1] ?? "");
results.sort((a, b) => rank(a.server) - rank(b.server));
const failed = results.filter((r) => !r.passed);
printTable();
await writeFile(
  RESULTS_FILE,
  `${JSON.stringify(
    {
      numPassedTests: results.length - failed.length,
      numFailedTests: failed.length,
      checks: Object.fromEntries(checkCounts),
      scenarios: results,
    },
    null,
    2,
  )}\n`,
);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
if (failed.length) {
  exitCode = 1;
  console.log(`conformance: ${failed.length} scenario(s) failed in ${seconds} s; raw results kept in ${tmp}`);
} else {
  console.log(`conformance: all ${results.length} scenarios passed in ${seconds} s`);
  if (!KEEP) await rm(tmp, { recursive: true, force: true });
}
if (KEEP && !failed.length) console.log(`raw results kept in ${tmp}`);
process.exit(exitCode);
