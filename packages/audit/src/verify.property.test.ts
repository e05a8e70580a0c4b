import { generateKeyPairSync } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CheckpointFile, checkpointFileName, signCheckpoint } from "./checkpoints";
import { publicPemOf } from "./keys";
import { canonicalJson, prepareRecord, sealRecord, sha256Hex } from "./record";
import { redactValue } from "./redact";
import { GENESIS_HASH } from "./schema";
import type { AuditInput, AuditOutcome, ChainRow } from "./types";
import { AUDIT_OUTCOMES } from "./types";
import { verifyRows } from "./verify-rows";

const trusted = generateKeyPairSync("ed25519");
const attacker = generateKeyPairSync("ed25519");
const trustedPem = publicPemOf(trusted.publicKey);
const CHECKPOINT_EVERY = 5;

interface Log {
  rows: ChainRow[];
  files: CheckpointFile[];
  dirPem: string;
}

const inputArb: fc.Arbitrary<AuditInput> = fc.record(
  {
    principal: fc.string({ minLength: 1, maxLength: 8, unit: "binary" }),
    server: fc.constantFrom("sales", "marketing", "cs"),
    tool: fc.string({ minLength: 1, maxLength: 12 }),
    outcome: fc.constantFrom<AuditOutcome>(...AUDIT_OUTCOMES),
    args: fc.jsonValue({ maxDepth: 3 }),
    planHash: fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 64, maxLength: 64 }),
    summary: fc.string({ maxLength: 40, unit: "binary" }),
    before: fc.jsonValue({ maxDepth: 2 }),
    after: fc.jsonValue({ maxDepth: 2 }),
    idempotencyKey: fc.uuid(),
    traceId: fc.string({ maxLength: 10 }),
    at: fc.date({ min: new Date("2020-01-01"), max: new Date("2030-01-01"), noInvalidDate: true }),
  },
  { requiredKeys: ["principal", "server", "tool", "outcome"] },
);

const forgedArb: fc.Arbitrary<AuditInput> = fc.record({
  principal: fc.string({ minLength: 1, maxLength: 6 }),
  server: fc.constant("sales"),
  tool: fc.constantFrom("deal_update", "contact_delete"),
  outcome: fc.constantFrom<AuditOutcome>("ok", "confirmed"),
  args: fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 3 }),
});

/** The same steps as AuditLog.append, minus the database; checkpoints every 5 records and at the head. */
function buildLog(inputs: readonly AuditInput[]): Log {
  const rows: ChainRow[] = [];
  let prev = GENESIS_HASH;
  for (const input of inputs) {
    const redacted = {
      ...(input.args === undefined ? {} : { args: redactValue(input.args) }),
      ...(input.before === undefined ? {} : { before: redactValue(input.before) }),
      ...(input.after === undefined ? {} : { after: redactValue(input.after) }),
    };
    const row = sealRecord(prepareRecord(input, redacted, new Date()), rows.length + 1, prev);
    rows.push(row);
    prev = row.hash;
  }
  const files = rows
    .filter((r) => r.seq % CHECKPOINT_EVERY === 0 || r.seq === rows.length)
    .map((r) => checkpointFile(r.seq, r.hash, trusted.privateKey));
  return { rows, files, dirPem: trustedPem };
}

function checkpointFile(seq: number, head: string, key: typeof trusted.privateKey): CheckpointFile {
  return {
    name: checkpointFileName(seq),
    text: signCheckpoint({ v: 1, seq, head, at: "2025-01-01T00:00:00.000Z" }, key),
  };
}

const verify = (log: Log) =>
  verifyRows(log.rows, {
    checkpoints: log.files,
    checkpointDirPublicKey: log.dirPem,
    trustedPublicKey: trustedPem,
  });

// ---- tamperings: each returns a changed copy; the original log is never touched ----

type Json = ReturnType<typeof JSON.parse>;
const COLUMNS = ["id", "at", "principal", "server", "tool", "outcome", "prev_hash", "hash", "body"] as const;

const tamperArb = fc.oneof(
  fc.record({
    op: fc.constant("column" as const),
    row: fc.nat(),
    column: fc.constantFrom(...COLUMNS),
    salt: fc.string({ minLength: 1, maxLength: 3 }),
  }),
  fc.record({ op: fc.constant("seq" as const), row: fc.nat(), to: fc.integer({ min: -2, max: 40 }) }),
  fc.record({
    op: fc.constant("field" as const),
    row: fc.nat(),
    pick: fc.nat(),
    value: fc.jsonValue({ maxDepth: 1 }),
    mode: fc.constantFrom("plain", "rehash", "rechain"),
  }),
  fc.record({ op: fc.constant("delete" as const), row: fc.nat() }),
  fc.record({
    op: fc.constant("insert" as const),
    at: fc.nat(),
    mode: fc.constantFrom("duplicate", "renumber", "rechain"),
    input: forgedArb,
  }),
  fc.record({ op: fc.constant("swap" as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ op: fc.constant("truncate" as const), keep: fc.nat() }),
  fc.record({
    op: fc.constant("checkpoint" as const),
    file: fc.nat(),
    how: fc.constantFrom("seq", "head", "at", "sig", "other-key", "garbage", "new-file", "replace-key"),
  }),
);
type Tamper = typeof tamperArb extends fc.Arbitrary<infer T> ? T : never;

function tamper(log: Log, t: Tamper): Log {
  const rows = log.rows.map((r) => ({ ...r }));
  const files = log.files.map((f) => ({ ...f }));
  let dirPem = log.dirPem;
  const n = rows.length;
  const bySeqOrder = () => rows.sort((a, b) => a.seq - b.seq);
  switch (t.op) {
    case "column": {
      const row = rows[t.row % n] as ChainRow;
      row[t.column] = `${row[t.column]}${t.salt}`;
      break;
    }
    case "seq": {
      const row = rows[t.row % n] as ChainRow;
      row.seq = t.to === row.seq ? row.seq + 1 : t.to;
      bySeqOrder();
      break;
    }
    case "field": {
      const i = t.row % n;
      const row = rows[i] as ChainRow;
      const body = JSON.parse(row.body);
      setSomewhere(body, t.pick, t.value);
      let text = canonicalJson(body);
      if (text === row.body) text = canonicalJson({ ...body, tampered: true });
      row.body = text;
      if (t.mode !== "plain") reseal(row);
      if (t.mode === "rechain") rechain(rows, i + 1);
      break;
    }
    case "delete":
      rows.splice(t.row % n, 1);
      break;
    case "insert": {
      const i = t.at % n;
      const target = rows[i] as ChainRow;
      const prev = rows[i - 1]?.hash ?? GENESIS_HASH;
      const forged = sealRecord(prepareRecord(t.input, {}, new Date()), target.seq, prev);
      rows.splice(i, 0, forged);
      if (t.mode !== "duplicate") for (const row of rows.slice(i + 1)) row.seq += 1;
      if (t.mode === "rechain") rechain(rows, i + 1);
      break;
    }
    case "swap": {
      const a = rows[t.a % n] as ChainRow;
      const b = rows[(t.a + 1 + (t.b % (n - 1))) % n] as ChainRow;
      [a.seq, b.seq] = [b.seq, a.seq];
      bySeqOrder();
      break;
    }
    case "truncate":
      rows.length = t.keep % n;
      break;
    case "checkpoint": {
      const f = t.file % files.length;
      const file = files[f] as CheckpointFile;
      const cp = JSON.parse(file.text);
      if (t.how === "seq") cp.seq += 1;
      if (t.how === "head") cp.head = sha256Hex(cp.head);
      if (t.how === "at") cp.at = "2031-01-01T00:00:00.000Z";
      if (t.how === "sig") {
        const sig = Buffer.from(cp.sig, "base64");
        sig[t.file % sig.length] = ((sig[t.file % sig.length] as number) + 1) % 256;
        cp.sig = sig.toString("base64");
      }
      file.text = JSON.stringify(cp);
      if (t.how === "other-key")
        file.text = signCheckpoint({ v: 1, seq: cp.seq, head: cp.head, at: cp.at }, attacker.privateKey);
      if (t.how === "garbage") file.text = file.text.slice(0, t.file % file.text.length);
      if (t.how === "new-file")
        files.push(checkpointFile(n + 1 + (t.file % 5), sha256Hex(String(t.file)), attacker.privateKey));
      if (t.how === "replace-key") {
        // the attacker rewrites the whole checkpoint directory with their own key
        dirPem = publicPemOf(attacker.publicKey);
        for (const other of files) {
          const c = JSON.parse(other.text);
          other.text = signCheckpoint({ v: 1, seq: c.seq, head: c.head, at: c.at }, attacker.privateKey);
        }
      }
      break;
    }
  }
  return { rows, files, dirPem };
}

/** Sets the pick-th node (in a depth-first walk of the body) to value. */
function setSomewhere(body: Json, pick: number, value: Json): void {
  const slots: [Json, string | number][] = [];
  const walk = (node: Json) => {
    if (node === null || typeof node !== "object") return;
    for (const key of Array.isArray(node) ? node.keys() : Object.keys(node)) {
      slots.push([node, key]);
      walk(node[key]);
    }
  };
  walk(body);
  const [parent, key] = slots[pick % slots.length] as [Json, string | number];
  parent[key] = value;
}

/** What an attacker who knows the format does: make the row self-consistent again. */
function reseal(row: ChainRow): void {
  row.hash = sha256Hex(row.body);
  try {
    const body = JSON.parse(row.body);
    for (const c of ["id", "at", "principal", "server", "tool", "outcome"] as const) {
      if (typeof body[c] === "string") row[c] = body[c];
    }
    if (typeof body.prevHash === "string") row.prev_hash = body.prevHash;
  } catch {}
}

/** Relinks every row from `from` on to its (changed) predecessor, renumbering bodies to the seq column. */
function rechain(rows: ChainRow[], from: number): void {
  for (let i = from; i < rows.length; i++) {
    const row = rows[i] as ChainRow;
    const body = JSON.parse(row.body);
    body.seq = row.seq;
    body.prevHash = (rows[i - 1] as ChainRow).hash;
    row.body = canonicalJson(body);
    reseal(row);
  }
}

describe("verification (property)", () => {
  const logs = fc
    .sample(fc.array(inputArb, { minLength: 6, maxLength: 24 }), { numRuns: 12, seed: 7 })
    .map(buildLog);

  it("raises no false alarm on untouched logs", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(inputArb, { minLength: 0, maxLength: 30 }), async (inputs) => {
        const report = await verify(buildLog(inputs));
        expect(report.problems).toEqual([]);
        expect(report.records).toBe(inputs.length);
      }),
      { numRuns: 300 },
    );
    for (const log of logs) expect((await verify(log)).ok).toBe(true);
  });

  it("detects 100% of 10,000 random tamperings", async () => {
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.nat(logs.length - 1), tamperArb, async (which, t) => {
        const report = await verify(tamper(logs[which] as Log, t));
        expect(report.ok).toBe(false);
        const kind = report.problem?.kind as string;
        seen.set(kind, (seen.get(kind) ?? 0) + 1);
      }),
      { numRuns: 10_000 },
    );
    // every kind of report shows up
    expect([...seen.keys()].sort()).toEqual([
      "checkpoint_mismatch",
      "checkpoint_signature",
      "deleted",
      "inserted",
      "modified",
      "reordered",
      "truncated",
    ]);
  });

  it("reports the first bad record for simple tamperings", async () => {
    const log = logs[0] as Log;
    const at = async (t: Tamper) => (await verify(tamper(log, t))).problem;
    expect(await at({ op: "column", row: 2, column: "body", salt: "x" })).toMatchObject({
      kind: "modified",
      seq: 3,
    });
    expect(await at({ op: "delete", row: 3 })).toMatchObject({ kind: "deleted", seq: 4 });
    expect(await at({ op: "swap", a: 1, b: 0 })).toMatchObject({ kind: "reordered", seq: 2 });
    expect(await at({ op: "truncate", keep: 2 })).toMatchObject({ kind: "truncated", seq: 3 });
    expect(await at({ op: "field", row: 1, pick: 0, value: "x", mode: "rehash" })).toMatchObject({
      kind: "modified",
      seq: 2,
    });
    const input = { principal: "p", server: "s", tool: "t", outcome: "ok" as const };
    expect(await at({ op: "insert", at: 2, mode: "renumber", input })).toMatchObject({
      kind: "inserted",
      seq: 3,
    });
    expect(await at({ op: "insert", at: 2, mode: "duplicate", input })).toMatchObject({
      kind: "inserted",
      seq: 3,
    });
    // a forged, rehashed body whose principal is an object that cannot become a string
    const rows = log.rows.map((r) => ({ ...r }));
    const first = rows[0] as ChainRow;
    first.body = canonicalJson({ ...JSON.parse(first.body), principal: { toString: 1 } });
    reseal(first);
    rechain(rows, 1);
    expect((await verify({ ...log, rows })).problem).toMatchObject({ kind: "modified", seq: 1 });
    expect(await at({ op: "checkpoint", file: 0, how: "sig" })).toMatchObject({
      kind: "checkpoint_signature",
      seq: 5,
    });
  });
});
