// Long fuzz run (`pnpm fuzz`): every tool of every server with 5,000 generated argument sets (CI runs 300 in each
// app's test/fuzz.test.ts). Prints per tool: cases, ok results, user errors, other; then a total line.
// Flags: --cases N (default 5000), --seed N (default the tests' seed; FUZZ_SEED works too), --only sales,suite.
// Exits 1 if any server had an unexpected failure (the failures are printed with their seed and arguments).
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const argv = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
};
const CASES = Number(flag("cases", process.env.FUZZ_CASES ?? "5000"));
const SEED = flag("seed", process.env.FUZZ_SEED);
const SERVERS = ["sales", "marketing", "customer-success", "suite"].filter((s) => {
  const only = flag("only", "");
  return !only || only.split(",").includes(s);
});

const run = (cwd, env) =>
  new Promise((done) => {
    const child = spawn(
      process.execPath,
      [
        join(ROOT, "node_modules/vitest/vitest.mjs"),
        "run",
        "test/fuzz.test.ts",
        "--reporter=dot",
        "--coverage.enabled=false",
      ],
      { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    child.stdout.on("data", (c) => {
      out += c;
    });
    child.stderr.on("data", (c) => {
      out += c;
    });
    child.on("exit", (code) => done({ code, out }));
  });

const dir = mkdtempSync(join(tmpdir(), "revops-fuzz-"));
const total = { cases: 0, ok: 0, user_errors: 0, other: 0 };
let failed = false;
const started = Date.now();
for (const server of SERVERS) {
  const report = join(dir, `${server}.json`);
  const t0 = Date.now();
  const { code, out } = await run(join(ROOT, "apps", server), {
    FUZZ_CASES: String(CASES),
    FUZZ_REPORT: report,
    ...(SEED && { FUZZ_SEED: SEED }),
  });
  if (!existsSync(report)) {
    console.log(`${server}: no report (vitest exited ${code})\n${out.slice(-4000)}`);
    failed = true;
    continue;
  }
  const r = JSON.parse(readFileSync(report, "utf8"));
  console.log(`\n${r.text}\n(${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  for (const c of Object.values(r.perTool)) {
    total.cases += c.cases;
    total.ok += c.ok;
    total.user_errors += c.user_errors;
    total.other += c.other;
  }
  if (code !== 0) {
    failed = true;
    // the assertion message carries the grouped failures, the seed and the arguments
    const lines = out.split("\n").filter((l) => /×|seed|args:|known defect|Error/.test(l));
    console.log(lines.slice(0, 80).join("\n"));
  } else if (/known defect/.test(out)) {
    const known = out.split("\n").filter((l) => /known defect|^\d+×|seed -?\d+ case/.test(l.trim()));
    console.log(known.slice(0, 40).join("\n"));
  }
}
rmSync(dir, { recursive: true, force: true });
console.log(
  `\nTOTAL ${SERVERS.length} servers: ${total.cases} cases, ${total.ok} ok, ${total.user_errors} user errors, ${total.other} other (${((Date.now() - started) / 1000).toFixed(0)} s)`,
);
process.exit(failed ? 1 : 0);
