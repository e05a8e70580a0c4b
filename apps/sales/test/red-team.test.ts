import { execFileSync } from "node:child_process";
import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { cpSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openSql, type SqlDb } from "@revops/store";
import { type Connected, connectStdio, tempDataDir } from "@revops/testing";
import { afterAll, describe, expect, it } from "vitest";

/**
 * The consent issue's red-team figures, measured on a real server: tamper cases against an audit chain the
 * server wrote (detected by `revops audit verify`), and database growth per rejected call.
 */
const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const cli = fileURLToPath(new URL("../dist/revops.js", import.meta.url));

type Result = { isError?: boolean; content: { text: string }[]; structuredContent?: Record<string, unknown> };
type Row = { seq: number; tool: string; outcome: string; principal: string; hash: string; body: string };
const textOf = (r: Result) => r.content[0]?.text ?? "";
const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const envFor = (dataDir: string, extra: Record<string, string> = {}) => ({
  REVOPS_DATA_DIR: dataDir,
  CONFIRMATION_MODE: "token",
  GUARD_TOKEN_SECRET: "red-team-secret-0123456789abcdef012345",
  LOG_LEVEL: "silent",
  ...extra,
});
const call = async (c: Connected, name: string, args: Record<string, unknown>) =>
  (await c.client.callTool({ name, arguments: args })) as Result;

function verify(dataDir: string): {
  ok: boolean;
  problem?: { kind: string };
  unsignedTail: { records: number };
} {
  try {
    return JSON.parse(
      execFileSync(process.execPath, [cli, "audit", "verify", "--json"], {
        env: { PATH: process.env.PATH ?? "", ...envFor(dataDir) },
        encoding: "utf8",
      }),
    );
  } catch (err) {
    return JSON.parse((err as { stdout: string }).stdout);
  }
}

/** What an attacker with database access does first: lift the append-only triggers. */
const liftTriggers = (db: SqlDb) =>
  db.exec("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete");

/** Rewrites one row's sealed text and every later row's link, hashing as the chain does (no key needed). */
async function rechain(db: SqlDb, from: number, edit: (body: string) => string = (b) => b) {
  const rows = await db.query<Row>("SELECT seq, hash, body FROM audit_log WHERE seq >= ? ORDER BY seq", [
    from,
  ]);
  let prev = (await db.one<{ hash: string }>("SELECT hash FROM audit_log WHERE seq = ?", [from - 1]))?.hash;
  for (const [i, row] of rows.entries()) {
    // canonical JSON keeps its key order when a value of the same type changes, so a substitution stays canonical
    let body = (i === 0 ? edit(row.body) : row.body).replace(
      /"prevHash":"[0-9a-f]+"/,
      `"prevHash":"${prev}"`,
    );
    const principal = /"principal":"([^"]*)"/.exec(body)?.[1];
    body = body.replace(/"seq":\d+/, `"seq":${row.seq}`);
    const hash = sha256(body);
    await db.run("UPDATE audit_log SET body = ?, hash = ?, prev_hash = ?, principal = ? WHERE seq = ?", [
      body,
      hash,
      prev,
      principal,
      row.seq,
    ]);
    prev = hash;
  }
}

/** Moves every record after `seq` down by one, as a clean cut of that record would look. */
async function cutAndRenumber(db: SqlDb, seq: number) {
  await db.run("DELETE FROM audit_log WHERE seq = ?", [seq]);
  const last = (await db.one<{ m: number }>("SELECT max(seq) AS m FROM audit_log"))?.m ?? 0;
  for (let s = seq + 1; s <= last; s++) await db.run("UPDATE audit_log SET seq = seq - 1 WHERE seq = ?", [s]);
  await rechain(db, seq);
}

describe("red team: the audit chain a server wrote, tampered with outside the unsigned tail", () => {
  const dataDir = tempDataDir("red-team-chain");
  dirs.push(dataDir);
  let rows: Row[] = [];
  let reads: Row[] = [];
  let write: Row;
  let decision: Row;

  it("a server serves reads and one confirmed write, then is killed with reads after its last signature", async () => {
    const c = await connectStdio(bin, ["--toolsets", "all"], envFor(dataDir));
    for (const stage of ["prospecting", "qualification", "proposal", "negotiation"])
      expect((await call(c, "deals_list", { stage, limit: 3 })).isError).toBeFalsy();
    const args = { deal_id: "deal_0001", next_step: "Red team: send the security questionnaire" };
    const plan = await call(c, "deal_update", args);
    const token = /confirmation_token: "([^"]+)"/.exec(textOf(plan))?.[1];
    expect(token, textOf(plan)).toBeTruthy();
    expect((await call(c, "deal_update", { ...args, confirmation_token: token })).isError).toBeFalsy();
    for (const stage of ["prospecting", "proposal"]) await call(c, "deals_list", { stage, limit: 2 });
    // read records are group-committed just after their answers
    await new Promise((r) => setTimeout(r, 500));
    process.kill(c.pid as number, "SIGKILL");
    await c.close().catch(() => undefined);

    const db = await openSql({ dataDir });
    rows = await db.query<Row>(
      "SELECT seq, tool, outcome, principal, hash, body FROM audit_log ORDER BY seq",
    );
    await db.close();
    reads = rows.filter((r) => r.tool === "deals_list");
    decision = rows.find((r) => r.tool === "deal_update" && r.outcome === "confirmed") as Row;
    write = rows.findLast((r) => r.tool === "deal_update" && r.outcome === "ok") as Row;
    expect(decision && write && reads.length >= 6).toBeTruthy();
    const report = verify(dataDir);
    expect(report.ok).toBe(true);
    // verifying reads: it never signs the tail it was asked to check
    expect(verify(dataDir).unsignedTail).toEqual(report.unsignedTail);
    // the unsigned tail holds only the two reads after the write: decisions and writes are signed at once
    const tail = rows.slice(rows.length - report.unsignedTail.records);
    expect(tail.map((r) => r.tool)).toEqual(["deals_list", "deals_list"]);
    expect(tail.every((r) => !r.body.includes('"planHash"'))).toBe(true);
  }, 60_000);

  const checkpointDir = (dir: string) => join(dir, "audit", "checkpoints");
  const newestCheckpoint = (dir: string) =>
    join(
      checkpointDir(dir),
      readdirSync(checkpointDir(dir))
        .filter((n) => n.startsWith("checkpoint-"))
        .sort()
        .at(-1) as string,
    );
  const first = () => rows[0] as Row;
  const read = (i: number) => reads[i] as Row;

  /** 18 ways to rewrite history, each on its own copy of the data directory. */
  const cases: [string, (db: SqlDb, dir: string) => Promise<unknown>][] = [
    [
      "a read record's text edited",
      (db) =>
        db.run("UPDATE audit_log SET body = replace(body, 'prospecting', 'closed_won') WHERE seq = ?", [
          read(0).seq,
        ]),
    ],
    [
      "who made a call changed in its column",
      (db) => db.run("UPDATE audit_log SET principal = 'mallory' WHERE seq = ?", [read(1).seq]),
    ],
    [
      "the write's tool column renamed",
      (db) => db.run("UPDATE audit_log SET tool = 'deals_list' WHERE seq = ?", [write.seq]),
    ],
    [
      "the write's outcome rewritten and its own hash recomputed",
      async (db) => {
        const body = write.body.replace('"outcome":"ok"', '"outcome":"error"');
        await db.run("UPDATE audit_log SET body = ?, hash = ?, outcome = 'error' WHERE seq = ?", [
          body,
          sha256(body),
          write.seq,
        ]);
      },
    ],
    [
      "the decision's time moved",
      (db) => db.run("UPDATE audit_log SET at = '2020-01-01T00:00:00.000Z' WHERE seq = ?", [decision.seq]),
    ],
    ["a read record deleted", (db) => db.run("DELETE FROM audit_log WHERE seq = ?", [read(2).seq])],
    ["the first record deleted", (db) => db.run("DELETE FROM audit_log WHERE seq = ?", [first().seq])],
    ["the executed write deleted", (db) => db.run("DELETE FROM audit_log WHERE seq = ?", [write.seq])],
    [
      "two records swapped",
      async (db) => {
        await db.run("UPDATE audit_log SET seq = 1000000000 WHERE seq = ?", [read(0).seq]);
        await db.run("UPDATE audit_log SET seq = ? WHERE seq = ?", [read(0).seq, read(1).seq]);
        await db.run("UPDATE audit_log SET seq = ? WHERE seq = 1000000000", [read(1).seq]);
      },
    ],
    [
      "a forged record inserted before the write",
      async (db) => {
        const last = rows.at(-1)?.seq ?? 0;
        for (let s = last; s >= write.seq; s--)
          await db.run("UPDATE audit_log SET seq = seq + 1 WHERE seq = ?", [s]);
        await db.run(
          "INSERT INTO audit_log (seq, id, at, principal, server, tool, outcome, prev_hash, hash, body) VALUES (?, 'forged', 'x', 'p', 'sales', 'deal_update', 'ok', 'p', 'h', '{}')",
          [write.seq],
        );
      },
    ],
    [
      "an older record's text and hash replayed into another row",
      (db) =>
        db.run("UPDATE audit_log SET body = ?, hash = ? WHERE seq = ?", [
          read(0).body,
          read(0).hash,
          read(3).seq,
        ]),
    ],
    [
      "a link (prev_hash column) edited",
      (db) => db.run("UPDATE audit_log SET prev_hash = ? WHERE seq = ?", ["e".repeat(64), read(1).seq]),
    ],
    [
      "a hash column edited",
      (db) => db.run("UPDATE audit_log SET hash = ? WHERE seq = ?", ["f".repeat(64), read(2).seq]),
    ],
    [
      "the decision, the write and everything after cut off",
      (db) => db.run("DELETE FROM audit_log WHERE seq >= ?", [decision.seq]),
    ],
    ["the whole log emptied", (db) => db.run("DELETE FROM audit_log")],
    [
      "history rewritten from a read onwards and re-chained without the key",
      (db) => rechain(db, read(1).seq, (b) => b.replace(/"principal":"[^"]*"/, '"principal":"mallory"')),
    ],
    [
      "the write cut out cleanly, later records renumbered and re-chained",
      (db) => cutAndRenumber(db, write.seq),
    ],
    [
      "the newest checkpoint rewritten and re-signed with another key beside a swapped public key",
      async (_db, dir) => {
        const { privateKey, publicKey } = generateKeyPairSync("ed25519");
        const file = newestCheckpoint(dir);
        const { sig: _sig, ...cp } = JSON.parse(readFileSync(file, "utf8"));
        const forged = { ...cp, head: "0".repeat(64) };
        const payload = JSON.stringify(
          Object.fromEntries(Object.entries(forged).sort(([a], [b]) => a.localeCompare(b))),
        );
        const sig = sign(null, Buffer.from(payload), privateKey).toString("base64");
        writeFileSync(file, `${JSON.stringify({ ...forged, sig })}\n`);
        writeFileSync(
          join(checkpointDir(dir), "public-key.pem"),
          publicKey.export({ type: "spki", format: "pem" }),
        );
      },
    ],
  ];

  it(`detects all ${cases.length} tamper cases with \`revops audit verify\``, async () => {
    expect(cases).toHaveLength(18);
    const missed: string[] = [];
    for (const [i, [name, tamper]] of cases.entries()) {
      const dir = join(dataDir, `..`, `${dataDir.split("/").at(-1)}-case${i}`);
      dirs.push(dir);
      cpSync(dataDir, dir, { recursive: true });
      const db = await openSql({ dataDir: dir });
      await liftTriggers(db);
      await tamper(db, dir).catch((err: Error) => {
        throw new Error(`${name}: ${err.message}`);
      });
      await db.close();
      const report = verify(dir);
      if (report.ok) missed.push(name);
    }
    console.log(`red team: ${cases.length - missed.length} of ${cases.length} tamper cases detected`);
    expect(missed).toEqual([]);
  }, 120_000);
});

describe("red team: database growth per rejected call", () => {
  const dataDir = tempDataDir("red-team-growth");
  dirs.push(dataDir);
  const LIMIT = 5;
  const bytes = async () => {
    const db = await openSql({ dataDir });
    const row = await db.one<{ n: number; b: number }>(
      "SELECT count(*) AS n, coalesce(sum(length(body)), 0) AS b FROM audit_log",
    );
    await db.close();
    return { records: Number(row?.n), bytes: Number(row?.b) };
  };
  const files = () =>
    readdirSync(dataDir)
      .filter((n) => n.startsWith("revops.db"))
      .reduce((s, n) => s + statSync(join(dataDir, n)).size, 0);

  it("records an invalid call within the limit capped, and nothing at all past the limit", async () => {
    const c = await connectStdio(bin, [], envFor(dataDir, { RATE_LIMIT_PER_MINUTE: String(LIMIT) }));
    await call(c, "pipeline_summary", {});
    await new Promise((r) => setTimeout(r, 500));
    const before = await bytes();
    const huge = "x".repeat(900_000);
    // within the limit: each invalid call leaves one record with its arguments capped
    for (let i = 0; i < LIMIT; i++) {
      const r = await call(c, "deals_list", { stage: 7, note: huge });
      expect(textOf(r)).toMatch(/invalid/i);
    }
    await new Promise((r) => setTimeout(r, 500));
    const within = await bytes();
    const filesWithin = files();
    // past it, all at once: a rate-limited call leaves nothing (a token that refilled meanwhile makes a capped record)
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => call(c, "deals_list", { stage: 7, note: huge })),
    );
    const limited = answers.filter((r) => /rate_limited/.test(textOf(r))).length;
    await new Promise((r) => setTimeout(r, 500));
    const past = await bytes();
    const filesPast = files();
    await c.close();
    const perCapped = (within.bytes - before.bytes) / LIMIT;
    const admitted = 50 - limited;
    console.log(
      `red team: ${LIMIT} invalid 900 KB calls within the limit added ${within.records - before.records} records, ${perCapped.toFixed(0)} bytes each; ${limited} rate-limited calls added ${past.records - within.records - admitted} records and ${past.bytes - within.bytes - admitted * perCapped} bytes (${admitted} admitted by a refilled token, ${filesPast - filesWithin} bytes of database files in all)`,
    );
    expect(within.records - before.records).toBe(LIMIT);
    expect(perCapped).toBeLessThan(6_000);
    expect(limited).toBeGreaterThan(40);
    expect(past.records - within.records).toBe(admitted);
    expect(past.bytes - within.bytes).toBeLessThanOrEqual(admitted * 6_000);
    if (admitted === 0) expect(filesPast - filesWithin).toBe(0);
  }, 60_000);
});
