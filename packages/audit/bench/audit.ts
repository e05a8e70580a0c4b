// Audit log throughput: appends/s (SQLite, PostgreSQL; single and batched), verified records/s and the
// middleware's added latency, each beside raw SHA-256 throughput measured in the same run.
// Run: pnpm bench [--quick]   (PostgreSQL from TEST_DATABASE_URL or DATABASE_URL; skipped when unset/down)
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSql, type SqlDb } from "@revops/store";
import { type AuditInput, auditMiddleware, openAuditLog } from "../src/index";

const quick = process.argv.includes("--quick");
const N = quick
  ? { single: 1000, batch: 5000, pgSingle: 150, pgBatch: 2000, verify: 20_000, calls: 1000 }
  : { single: 5000, batch: 50_000, pgSingle: 500, pgBatch: 10_000, verify: 200_000, calls: 5000 };
const BARS = { sqliteSingle: 2000, verify: 100_000, middlewareMs: 1 };
const pgUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
const root = mkdtempSync(join(tmpdir(), "revops-audit-bench-"));
const results: string[] = [];
let failed = false;

const input = (i: number): AuditInput => ({
  principal: `user-${i % 50}`,
  server: "sales",
  tool: i % 3 ? "deals_list" : "deal_update",
  outcome: "ok",
  args: { filter: { stage: "negotiation", owner: `user-${i % 7}` }, limit: 50, cursor: String(i) },
  summary: `${i % 50} rows: [{"id":"deal_${i}","name":"Acme renewal","amount":12000}]`,
  traceId: `req-${i}`,
});

const print = (line: string) => console.log(line);
const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);
const fmt = (n: number) => n.toLocaleString("en-US");
function report(name: string, value: string, bar?: { ok: boolean; text: string }) {
  if (bar && !bar.ok) failed = true;
  const line = `${name.padEnd(40)} ${value.padStart(16)}${bar ? `   ${bar.ok ? "PASS" : "FAIL"} (${bar.text})` : ""}`;
  results.push(line);
  print(line);
}

/** Raw SHA-256 over record-sized text: the ceiling any hash chain shares. */
function sha256PerSecond(): number {
  const texts = Array.from({ length: 1000 }, (_, i) =>
    JSON.stringify({ ...input(i), pad: randomBytes(64).toString("hex") }),
  );
  const rounds = quick ? 50 : 200;
  const t = performance.now();
  for (let r = 0; r < rounds; r++) for (const text of texts) createHash("sha256").update(text).digest("hex");
  return rate(rounds * texts.length, performance.now() - t);
}

async function appendRates(
  db: SqlDb,
  label: string,
  single: number,
  batched: number,
  shaRate: number,
  bar?: number,
) {
  const log = await openAuditLog({ db });
  for (let i = 0; i < 50; i++) await log.append(input(i)); // warm-up
  let t = performance.now();
  for (let i = 0; i < single; i++) await log.append(input(i));
  const singleRate = rate(single, performance.now() - t);
  report(
    `${label} appends/s (single)`,
    fmt(singleRate),
    bar
      ? {
          ok: singleRate >= bar,
          text: `>= ${fmt(bar)}; ${((singleRate / shaRate) * 100).toFixed(1)}% of raw SHA-256`,
        }
      : undefined,
  );
  t = performance.now();
  for (let i = 0; i < batched; i += 500)
    await log.appendBatch(Array.from({ length: 500 }, (_, k) => input(i + k)));
  const batchRate = rate(batched, performance.now() - t);
  report(`${label} appends/s (batches of 500)`, fmt(batchRate), {
    ok: true,
    text: `${((batchRate / shaRate) * 100).toFixed(1)}% of raw SHA-256`,
  });
  await log.close();
}

async function main() {
  print(`audit bench${quick ? " (quick)" : ""} on node ${process.version}`);
  const shaRate = sha256PerSecond();
  report("raw SHA-256 of record-sized text /s", fmt(shaRate));

  const sqlite = await openSql({ dataDir: join(root, "sqlite") });
  await appendRates(sqlite, "SQLite", N.single, N.batch, shaRate, BARS.sqliteSingle);

  const vdb = await openSql({ dataDir: join(root, "verify") });
  const vlog = await openAuditLog({ db: vdb });
  for (let i = 0; i < N.verify; i += 1000)
    await vlog.appendBatch(Array.from({ length: 1000 }, (_, k) => input(i + k)));
  const verified = await vlog.verify();
  if (!verified.ok) throw new Error(`bench log failed verification: ${verified.problem?.message}`);
  const verifyRate = rate(verified.records, verified.ms);
  report(`SQLite verify records/s (${fmt(verified.records)})`, fmt(verifyRate), {
    ok: verifyRate >= BARS.verify,
    text: `>= ${fmt(BARS.verify)}; ${((verifyRate / shaRate) * 100).toFixed(1)}% of raw SHA-256`,
  });
  await vdb.close();

  const mlog = await openAuditLog({ db: await openSql({ dataDir: join(root, "middleware") }) });
  const stage = auditMiddleware(mlog);
  const call = {
    entry: { name: "deals_list", def: { toolset: "deals" }, module: { name: "sales" } },
    args: { filter: { stage: "negotiation" }, limit: 50, api_key: "secret" },
    ctx: { principal: { id: "alice" }, requestId: "req-1" },
  };
  const output = {
    deals: Array.from({ length: 50 }, (_, i) => ({ id: `deal_${i}`, name: "Acme renewal", amount: 12000 })),
  };
  const next = async () => ({ ok: true as const, output });
  const overhead: number[] = [];
  for (let i = 0; i < N.calls; i++) {
    const t0 = performance.now();
    await next();
    const t1 = performance.now();
    await stage(call, next);
    overhead.push(performance.now() - t1 - (t1 - t0));
  }
  overhead.sort((a, b) => a - b);
  const median = overhead[Math.floor(overhead.length / 2)] as number;
  const p99 = overhead[Math.floor(overhead.length * 0.99)] as number;
  report("middleware overhead per call (SQLite)", `${(median * 1000).toFixed(0)} µs median`, {
    ok: median < BARS.middlewareMs,
    text: `< ${BARS.middlewareMs} ms; p99 ${(p99 * 1000).toFixed(0)} µs`,
  });
  await mlog.close();
  await sqlite.close();

  if (pgUrl) await postgres(shaRate);
  else report("PostgreSQL", "skipped (no TEST_DATABASE_URL)");
}

async function postgres(shaRate: number) {
  const schema = `audit_bench_${process.pid}`;
  let admin: SqlDb;
  try {
    admin = await openSql({ databaseUrl: pgUrl, dataDir: root });
  } catch (err) {
    report("PostgreSQL", `skipped (${(err as Error).message.split("\n")[0]})`);
    return;
  }
  await admin.exec(`CREATE SCHEMA ${schema}`);
  try {
    const url = new URL(pgUrl as string);
    url.searchParams.set("options", `-c search_path=${schema}`);
    const db = await openSql({ databaseUrl: url.toString(), dataDir: root });
    await appendRates(db, "PostgreSQL", N.pgSingle, N.pgBatch, shaRate);
    const log = await openAuditLog({ db });
    const verified = await log.verify();
    report(
      `PostgreSQL verify records/s (${fmt(verified.records)})`,
      fmt(rate(verified.records, verified.ms)),
    );
    await db.close();
  } finally {
    await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.close();
  }
}

try {
  await main();
} finally {
  rmSync(root, { recursive: true, force: true });
}
if (failed) {
  console.error("audit bench: a bar was missed");
  process.exitCode = 1;
}
