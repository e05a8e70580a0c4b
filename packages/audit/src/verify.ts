import type { TrustedCheckpoint } from "./checkpoints";
import { type HashedBody, sha256Hex } from "./record";
import { GENESIS_HASH } from "./schema";
import type { ChainRow, VerifyProblem, VerifyReport } from "./types";

/**
 * A row as verification reads it: the copied columns come joined by U+001F in one string (one
 * property instead of seven makes reading rows ~2x faster). Stored principal/server/tool never hold
 * control characters, so the join is unambiguous.
 */
export interface SealedRow {
  seq: number;
  hash: string;
  body: string;
  copied: string;
}

export const COPY_SEPARATOR = "\u001f";
/** Columns copied from the body for querying, in `copied` order. */
const COLUMN_NAMES = ["id", "at", "principal", "server", "tool", "outcome", "prev_hash"] as const;

/** SQL expression producing `copied` (char(31) in SQLite, chr(31) in PostgreSQL). */
export function copiedSql(dialect: "sqlite" | "postgres"): string {
  const sep = dialect === "sqlite" ? "char(31)" : "chr(31)";
  return COLUMN_NAMES.join(` || ${sep} || `);
}

export function toSealedRow(row: ChainRow): SealedRow {
  return {
    seq: row.seq,
    hash: row.hash,
    body: row.body,
    copied: COLUMN_NAMES.map((c) => row[c]).join(COPY_SEPARATOR),
  };
}

export interface ChainSource {
  /** Rows in seq order, a page at a time. */
  pages: AsyncIterable<readonly SealedRow[]> | Iterable<readonly SealedRow[]>;
  /** One row by its seq column: used only to explain a problem, never on the fast path. */
  rowAt(seq: number): Promise<SealedRow | undefined> | SealedRow | undefined;
}

/** The report both verifiers return: signature problems first, then the chain's first problem. */
export function toVerifyReport(
  chain: ChainResult,
  problems: VerifyProblem[],
  checkpoints: readonly TrustedCheckpoint[],
  trust: VerifyReport["trust"],
  started: number,
): VerifyReport {
  if (chain.problem) problems.push(chain.problem);
  const newest = [...checkpoints].sort((a, b) => b.seq - a.seq)[0];
  return {
    ok: problems.length === 0,
    records: chain.records,
    headSeq: chain.headSeq,
    headHash: chain.headHash,
    checkpoints: checkpoints.length,
    unsignedTail: {
      records: Math.max(0, chain.headSeq - (newest?.seq ?? 0)),
      ...(newest && { lastSignedAt: newest.at }),
    },
    trust,
    ...(problems[0] ? { problem: problems[0] } : {}),
    problems,
    ms: performance.now() - started,
  };
}

export interface ChainResult {
  records: number;
  headSeq: number;
  headHash: string;
  problem?: VerifyProblem;
}

/**
 * Walks the chain once: each row's text must hash to its hash, carry its own seq and the previous
 * hash, match its copied columns, and meet every signed checkpoint; stops at the first problem.
 */
export async function verifyChain(
  source: ChainSource,
  checkpoints: readonly TrustedCheckpoint[],
): Promise<ChainResult> {
  const bySeq = new Map<number, TrustedCheckpoint>();
  for (const cp of checkpoints)
    if (!bySeq.has(cp.seq) || bySeq.get(cp.seq)?.head === cp.head) bySeq.set(cp.seq, cp);
  // two valid checkpoints for one seq with different heads: the chain can match at most one
  const conflicting = checkpoints.find((cp) => bySeq.get(cp.seq)?.head !== cp.head);
  let headSeq = 0;
  let headHash = GENESIS_HASH;
  let records = 0;
  const done = (problem?: VerifyProblem): ChainResult =>
    problem ? { records, headSeq, headHash, problem } : { records, headSeq, headHash };
  for await (const page of source.pages) {
    for (const row of page) {
      // synchronous on the fast path: an await per row would cost more than the hash
      const problem = checkRow(row, headSeq, headHash, source);
      if (problem) return done(await problem);
      const cp = bySeq.get(row.seq);
      if (cp && cp.head !== row.hash) {
        return done({
          kind: "checkpoint_mismatch",
          seq: row.seq,
          checkpoint: cp.file,
          message: `record #${row.seq} does not have the hash signed in ${cp.file}: records up to #${row.seq} were rewritten after the checkpoint`,
        });
      }
      records += 1;
      headSeq = row.seq;
      headHash = row.hash;
    }
  }
  if (conflicting) {
    return done({
      kind: "checkpoint_mismatch",
      seq: conflicting.seq,
      checkpoint: conflicting.file,
      message: `${conflicting.file} signs another head for #${conflicting.seq} than a second checkpoint does`,
    });
  }
  const beyond = checkpoints.filter((cp) => cp.seq > headSeq).sort((a, b) => b.seq - a.seq)[0];
  if (beyond) {
    return done({
      kind: "truncated",
      seq: headSeq + 1,
      checkpoint: beyond.file,
      message: `records #${headSeq + 1}..#${beyond.seq} are gone: ${beyond.file} proves the log reached #${beyond.seq}`,
    });
  }
  return done();
}

function checkRow(
  row: SealedRow,
  prevSeq: number,
  prevHash: string,
  source: ChainSource,
): VerifyProblem | Promise<VerifyProblem> | undefined {
  const seq = row.seq;
  if (seq === prevSeq) return problem("inserted", seq, `a second record claims #${seq}`);
  if (seq < prevSeq) return problem("reordered", seq, `record #${seq} comes after #${prevSeq}`);
  if (seq > prevSeq + 1) {
    const missing = seq === prevSeq + 2 ? `#${prevSeq + 1} is` : `#${prevSeq + 1}..#${seq - 1} are`;
    return problem("deleted", prevSeq + 1, `record ${missing} missing`);
  }
  const body = parseSealed(row);
  if (!body)
    return problem("modified", seq, `record #${seq} was changed: its text no longer matches its hash`);
  if (body.seq !== seq) return misplaced(row, body, source);
  const expected = [body.id, body.at, body.principal, body.server, body.tool, body.outcome, body.prevHash];
  // a rehashed forgery may carry non-strings (even {"toString":1}): never let join() touch them
  if (!expected.every((v) => typeof v === "string") || expected.join(COPY_SEPARATOR) !== row.copied) {
    const actual = row.copied.split(COPY_SEPARATOR);
    const column =
      COLUMN_NAMES[
        Math.max(
          0,
          expected.findIndex((v, i) => v !== actual[i]),
        )
      ];
    return problem(
      "modified",
      seq,
      `record #${seq} was changed: column ${column} differs from the hashed record`,
    );
  }
  if (body.prevHash !== prevHash) return brokenLink(row, source);
  return undefined;
}

/** The body parsed, when the row's text still hashes to its hash; undefined otherwise. */
function parseSealed(row: SealedRow): HashedBody | undefined {
  if (typeof row.body !== "string" || sha256Hex(row.body) !== row.hash) return undefined;
  try {
    const body = JSON.parse(row.body) as HashedBody;
    return body && body.v === 1 && Number.isSafeInteger(body.seq) ? body : undefined;
  } catch {
    return undefined;
  }
}

/** A sealed record sits at another seq than it was written at: swapped, shifted by an insert, or by a delete. */
async function misplaced(row: SealedRow, body: HashedBody, source: ChainSource): Promise<VerifyProblem> {
  const other = await source.rowAt(body.seq);
  const otherBody = other ? parseSealed(other) : undefined;
  if (otherBody?.seq === row.seq) {
    return problem("reordered", row.seq, `records #${row.seq} and #${body.seq} were swapped`);
  }
  if (body.seq < row.seq) {
    return problem(
      "inserted",
      body.seq,
      `a record was inserted at #${body.seq}: the record written as #${body.seq} now sits at #${row.seq}`,
    );
  }
  return problem(
    "deleted",
    row.seq,
    `records #${row.seq}..#${body.seq - 1} were deleted and later records renumbered (#${body.seq} now sits at #${row.seq})`,
  );
}

/** Self-consistent record that does not point at its predecessor: one of the two was rewritten and rehashed. */
async function brokenLink(row: SealedRow, source: ChainSource): Promise<VerifyProblem> {
  const seq = row.seq;
  if (seq === 1) return problem("modified", 1, "record #1 was rewritten: it does not start the chain");
  const next = await source.rowAt(seq + 1);
  const nextBody = next ? parseSealed(next) : undefined;
  // the successor still points at this record, so the predecessor is the rewritten one
  if (nextBody?.prevHash === row.hash) {
    return problem(
      "modified",
      seq - 1,
      `record #${seq - 1} was rewritten and rehashed: #${seq} no longer links to it`,
    );
  }
  return problem(
    "modified",
    seq,
    `record #${seq} was rewritten and rehashed: it does not link to #${seq - 1}`,
  );
}

function problem(kind: VerifyProblem["kind"], seq: number, message: string): VerifyProblem {
  return { kind, seq, message };
}
