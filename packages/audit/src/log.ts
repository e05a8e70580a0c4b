import { migrate, type SqlDb } from "@revops/store";
import {
  checkCheckpoints,
  latestCheckpointSeq,
  readCheckpointFiles,
  resolveTrust,
  writeCheckpoint,
} from "./checkpoints";
import { loadOrCreateSigningKey, readSigningKey, type SigningKey } from "./keys";
import {
  attachPersonal,
  normaliseSubject,
  PII_MARKER,
  type PiiRow,
  SIDE_RECORD_MAX,
  type SideValues,
  splitPersonal,
} from "./pii";
import { queryRecords } from "./query";
import {
  type PreparedRecord,
  prepareRecord,
  ROW_COLUMNS,
  rowToRecord,
  rowValues,
  sealRecord,
  toIso,
} from "./record";
import { redactValue } from "./redact";
import {
  AUDIT_LOCK,
  AUDIT_TABLE,
  auditMigrations,
  GENESIS_HASH,
  PII_SUBJECT_TABLE,
  PII_TABLE,
} from "./schema";
import type {
  AuditInput,
  AuditPage,
  AuditQuery,
  AuditRecord,
  ChainRow,
  Checkpoint,
  EraseReport,
  VerifyReport,
} from "./types";
import { copiedSql, type SealedRow, toVerifyReport, verifyChain } from "./verify";

export interface AuditLogOptions {
  db: SqlDb;
  /** Where signed checkpoints go (outside the database). Without it no checkpoints are written. */
  checkpointDir?: string;
  /** Where the Ed25519 signing key lives (created mode 0600 on first use); must differ from checkpointDir. */
  keyDir?: string;
  /** Checkpoint after this many records (default 1000)... */
  checkpointEveryRecords?: number;
  /** ...or this many minutes, whichever comes first (default 5). */
  checkpointEveryMinutes?: number;
  /** Public key (PEM) that verify() trusts instead of the one in keyDir or beside the checkpoints. */
  publicKey?: string;
  /** Secret argument paths removed from every record, e.g. ["credentials.*", "card.number"]. */
  secretPaths?: readonly string[];
  /** Rewrites arguments before they are stored (return a new value); default secret keys are stripped after it. */
  redact?: (args: unknown) => unknown;
  /** Rows per page when verifying or exporting (default 5000). */
  pageSize?: number;
  /** Apply auditMigrations on open (default true). */
  migrate?: boolean;
  /** close() also closes db (for CLIs that own their connection). */
  closeDb?: boolean;
  /** Sign in the background and on close (default true); false for readers such as `revops audit verify`, which must not bless what they check. */
  signs?: boolean;
  /** Failures of background checkpoints (default: a process warning on stderr). */
  onError?: (err: unknown) => void;
  now?: () => Date;
}

export interface ExportRange {
  since?: Date | string;
  until?: Date | string;
}

const DEFAULTS = { checkpointEveryRecords: 1000, checkpointEveryMinutes: 1, pageSize: 5000 };
const HEAD_SQL = `SELECT seq, hash FROM ${AUDIT_TABLE} ORDER BY seq DESC LIMIT 1`;
/** A record ready to chain, with its personal values for the side table. */
interface Prepared {
  record: PreparedRecord;
  pii: PiiRow[];
  subjects: string[];
}

/** A record waiting for its group commit, with who hears how it went. */
interface Queued {
  input: AuditInput | (() => AuditInput);
  resolve: (r: AuditRecord) => void;
  reject: (e: unknown) => void;
}

const PII_COLUMNS = ["record_id", "path", "value", "salt"];
const INSERT_SQL = `INSERT INTO ${AUDIT_TABLE} (${ROW_COLUMNS.join(", ")}) VALUES (${ROW_COLUMNS.map(() => "?").join(", ")})`;

/** Opens the audit log on `db`, creating its table on first use. */
export async function openAuditLog(opts: AuditLogOptions): Promise<AuditLog> {
  if (opts.migrate !== false) await migrate(opts.db, auditMigrations);
  return new AuditLog(opts);
}

/** Append-only, hash-chained audit log with signed checkpoints outside the database. */
export class AuditLog {
  readonly db: SqlDb;
  private readonly opts: AuditLogOptions;
  private readonly everyRecords: number;
  private readonly everyMs: number;
  private readonly now: () => Date;
  private key: SigningKey | undefined;
  private lastCheckpointSeq = 0;
  private lastCheckpointAt: number;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Group commit: records queued by appendSoon, written together. */
  private queue: Queued[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(opts: AuditLogOptions) {
    if (opts.checkpointDir !== undefined && opts.keyDir === undefined) {
      throw new Error("audit checkpoints need keyDir too (a directory separate from checkpointDir)");
    }
    if (opts.checkpointDir !== undefined && opts.checkpointDir === opts.keyDir) {
      throw new Error(
        "audit keyDir must differ from checkpointDir: the private key must not sit beside the checkpoints",
      );
    }
    this.db = opts.db;
    this.opts = opts;
    this.everyRecords = opts.checkpointEveryRecords ?? DEFAULTS.checkpointEveryRecords;
    this.everyMs = (opts.checkpointEveryMinutes ?? DEFAULTS.checkpointEveryMinutes) * 60_000;
    this.now = opts.now ?? (() => new Date());
    this.lastCheckpointAt = Date.now();
    if (opts.checkpointDir !== undefined) {
      this.lastCheckpointSeq = latestCheckpointSeq(opts.checkpointDir);
      // catches records written by appendInTx or by other processes while this one is idle
      if (opts.signs !== false) {
        this.timer = setInterval(() => this.background(), this.everyMs);
        this.timer.unref();
      }
    }
  }

  /** Appends one record in its own transaction. */
  async append(input: AuditInput): Promise<AuditRecord> {
    const [record] = await this.appendBatch([input]);
    return record as AuditRecord;
  }

  /** Appends records in one transaction, consecutive in the chain. */
  async appendBatch(inputs: readonly AuditInput[]): Promise<AuditRecord[]> {
    // queued (group-commit) records go first, so the chain follows the order calls finished in
    if (this.queue.length > 0) await this.flush();
    else await this.flushing;
    return this.writeBatch(inputs);
  }

  private async writeBatch(inputs: readonly AuditInput[]): Promise<AuditRecord[]> {
    const prepared = inputs.map((input) => this.prepare(input));
    if (prepared.length === 0) return [];
    const rows = await this.db.transaction((tx) => this.insert(tx, prepared), { lock: AUDIT_LOCK });
    this.afterCommit(
      rows,
      inputs.some((i) => i.planHash !== undefined),
    );
    return toRecords(prepared, rows);
  }

  /**
   * Group commit: the record joins the records queued within `windowMs` (default 20 ms) in one transaction, so
   * many calls cost one commit. Resolves once it is durable; close() and flush() write what is queued. `input`
   * may be a function: it is called when the batch is written (the caller's answer need not wait for it).
   */
  appendSoon(input: AuditInput | (() => AuditInput), windowMs = 20): Promise<AuditRecord> {
    return new Promise((resolve, reject) => this.enqueue({ input, resolve, reject }, windowMs));
  }

  /**
   * appendSoon for a caller that does not wait: no promise per record, `failed` hears of one that was not written
   * (the read tools' records, queued on every call).
   */
  appendLater(input: AuditInput | (() => AuditInput), failed: (err: unknown) => void, windowMs = 20): void {
    this.enqueue({ input, resolve: ignore, reject: failed }, windowMs);
  }

  private enqueue(entry: Queued, windowMs: number): void {
    if (this.closed) {
      entry.reject(new Error("audit log is closed"));
      return;
    }
    this.queue.push(entry);
    this.flushTimer ??= setTimeout(() => void this.flush(), windowMs);
  }

  /** Writes every queued record now. */
  flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const batch = this.queue.splice(0);
    if (batch.length === 0) return this.flushing;
    // one batch at a time, in order, so the chain order matches the queue order
    this.flushing = this.flushing.then(async () => {
      // a record that cannot even be built fails alone; the rest of the batch is still written
      const ready: { input: AuditInput; resolve: (r: AuditRecord) => void; reject: (e: unknown) => void }[] =
        [];
      for (const b of batch) {
        try {
          ready.push({ ...b, input: typeof b.input === "function" ? b.input() : b.input });
        } catch (err) {
          b.reject(err);
        }
      }
      try {
        const records = await this.writeBatch(ready.map((b) => b.input));
        for (const [i, b] of ready.entries()) b.resolve(records[i] as AuditRecord);
      } catch (err) {
        for (const b of ready) b.reject(err);
      }
    });
    return this.flushing;
  }

  /**
   * Appends inside the caller's transaction, so a local write and its record commit or roll back
   * together. The chain lock is held until that transaction ends: keep it short.
   */
  async appendInTx(tx: SqlDb, input: AuditInput): Promise<AuditRecord> {
    const prepared = [this.prepare(input)];
    // a savepoint: a failure here leaves the caller's transaction usable (PostgreSQL aborts otherwise)
    const rows = await tx.transaction((inner) => this.insert(inner, prepared), { lock: AUDIT_LOCK });
    return toRecords(prepared, rows)[0] as AuditRecord;
  }

  /** Records newest first, personal values put back from the side table ("[erased]" once erased). */
  async query(q: AuditQuery = {}): Promise<AuditPage> {
    const page = await queryRecords(this.db, q);
    return { ...page, records: await this.withPersonal(page.records) };
  }

  /**
   * Deletes the personal values of every record naming `subject` (an email, matched case-insensitively).
   * The chain is untouched (it holds only salted digests), so verify() still passes; query and export
   * then show "[erased]". Other people named in the same records lose their values there too.
   */
  async erase(subject: string): Promise<EraseReport> {
    const who = normaliseSubject(subject);
    if (who.length === 0) throw new TypeError("erase needs a subject (an email address)");
    const records = `SELECT record_id FROM ${PII_SUBJECT_TABLE} WHERE subject = ?`;
    return this.db.transaction(async (tx) => {
      const found = await tx.query<{ n: number | string }>(
        `SELECT COUNT(*) AS n FROM ${PII_SUBJECT_TABLE} WHERE subject = ?`,
        [who],
      );
      const values = await tx.query<{ n: number | string }>(
        `SELECT COUNT(*) AS n FROM ${PII_TABLE} WHERE record_id IN (${records})`,
        [who],
      );
      await tx.run(`DELETE FROM ${PII_TABLE} WHERE record_id IN (${records})`, [who]);
      await tx.run(`DELETE FROM ${PII_SUBJECT_TABLE} WHERE record_id IN (${records})`, [who]);
      return { subject: who, records: Number(found[0]?.n ?? 0), values: Number(values[0]?.n ?? 0) };
    });
  }

  /** Puts side-table values back into records holding personal-value markers (one query per page). */
  private async withPersonal(records: AuditRecord[]): Promise<AuditRecord[]> {
    const marked = records.filter(hasMarkers);
    if (marked.length === 0) return records;
    const rows = await this.db.query<{ record_id: string; path: string; value: string | null; salt: string }>(
      `SELECT record_id, path, value, salt FROM ${PII_TABLE} WHERE record_id IN (${marked.map(() => "?").join(", ")})`,
      marked.map((r) => r.id),
    );
    const byRecord = new Map<string, Map<string, { value: string | null; salt: string }>>();
    for (const row of rows) {
      const side = byRecord.get(row.record_id) ?? new Map();
      byRecord.set(row.record_id, side);
      side.set(row.path, { value: row.value, salt: row.salt });
    }
    const none: SideValues = new Map();
    return records.map((r) => {
      if (!hasMarkers(r)) return r;
      const side = byRecord.get(r.id) ?? none;
      const out = { ...r };
      for (const field of ["args", "before", "after"] as const)
        if (out[field] !== undefined) out[field] = attachPersonal(field, out[field], side);
      return out;
    });
  }

  /** Every record in the time range, oldest first, read a page at a time. */
  async *export(range: ExportRange = {}): AsyncGenerator<AuditRecord> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (range.since !== undefined) {
      where.push("at >= ?");
      params.push(toIso(range.since));
    }
    if (range.until !== undefined) {
      where.push("at < ?");
      params.push(toIso(range.until));
    }
    const select = `SELECT seq, hash, body FROM ${AUDIT_TABLE}`;
    for await (const page of this.pages<ChainRow>(select, where, params))
      yield* await this.withPersonal(page.map(rowToRecord));
  }

  /** Walks the whole chain and checks every checkpoint; see VerifyReport. */
  async verify(): Promise<VerifyReport> {
    const started = performance.now();
    const dir = this.opts.checkpointDir;
    const { files, publicPem } = dir === undefined ? { files: [] } : readCheckpointFiles(dir);
    const keyDirKey = this.opts.keyDir === undefined ? undefined : readSigningKey(this.opts.keyDir);
    const trust = resolveTrust({
      pinnedPem: this.opts.publicKey,
      keyDirPem: keyDirKey?.publicPem,
      dirPem: publicPem,
    });
    const { trusted, problems } = checkCheckpoints(files, trust.key);
    problems.unshift(...trust.problems);
    const select = `SELECT seq, hash, body, ${copiedSql(this.db.dialect)} AS copied FROM ${AUDIT_TABLE}`;
    const chain = await verifyChain(
      {
        pages: this.sealedPages(select),
        rowAt: (seq) => this.db.one<SealedRow>(`${select} WHERE seq = ?`, [seq]),
      },
      trusted,
    );
    return toVerifyReport(chain, problems, trusted, trust.trust, started);
  }

  /** Signs the current head now (no-op without checkpointDir or records). */
  async checkpoint(): Promise<Checkpoint | undefined> {
    if (this.opts.checkpointDir === undefined) return undefined;
    const head = await this.head();
    if (head.seq === 0) return undefined;
    return this.writeCheckpoint(head.seq, head.hash);
  }

  async head(): Promise<{ seq: number; hash: string }> {
    const row = await this.db.one<{ seq: number; hash: string }>(HEAD_SQL);
    return row ?? { seq: 0, hash: GENESIS_HASH };
  }

  /** Stops the checkpoint timer, signs any unsigned tail (unless `signs` is false), and closes db when closeDb was set. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    clearInterval(this.timer);
    if (this.opts.checkpointDir !== undefined && this.opts.signs !== false) {
      const head = await this.head().catch(() => undefined);
      if (head && head.seq > latestCheckpointSeq(this.opts.checkpointDir))
        this.safely(() => this.writeCheckpoint(head.seq, head.hash));
    }
    if (this.opts.closeDb) await this.db.close();
  }

  /** Secrets removed, personal values split off to the side table, oversized values capped. */
  private prepare(input: AuditInput): Prepared {
    const paths = [...(this.opts.secretPaths ?? []), ...(input.secretPaths ?? [])];
    const redacted: Partial<PreparedRecord> = {};
    const pii: Omit<PiiRow, "recordId">[] = [];
    const subjects = new Set<string>();
    const budget = { left: SIDE_RECORD_MAX };
    const keep = (field: "args" | "before" | "after", value: unknown) => {
      const split = splitPersonal(field, value, budget);
      redacted[field] = split.value;
      if (split.hash !== undefined) redacted[`${field}Hash`] = split.hash;
      pii.push(...split.rows);
      for (const s of split.subjects) subjects.add(s);
    };
    if (input.args !== undefined) {
      const args = this.opts.redact ? this.opts.redact(input.args) : input.args;
      keep("args", redactValue(args, { paths }));
    }
    if (input.before !== undefined) keep("before", redactValue(input.before));
    if (input.after !== undefined) keep("after", redactValue(input.after));
    const record = prepareRecord(input, redacted, this.now());
    return {
      record,
      pii: pii.map((row) => ({ ...row, recordId: record.id })),
      subjects: pii.length > 0 ? [...subjects] : [],
    };
  }

  /** Reads the head and inserts after it; runs under the chain lock inside a transaction. */
  private async insert(tx: SqlDb, prepared: readonly Prepared[]): Promise<ChainRow[]> {
    const head = await tx.one<{ seq: number; hash: string }>(HEAD_SQL);
    let seq = head?.seq ?? 0;
    let prev = head?.hash ?? GENESIS_HASH;
    const rows = prepared.map((p) => {
      const row = sealRecord(p.record, ++seq, prev);
      prev = row.hash;
      return row;
    });
    if (rows.length === 1) await tx.run(INSERT_SQL, rowValues(rows[0] as ChainRow));
    else await tx.insertMany(AUDIT_TABLE, ROW_COLUMNS, rows.map(rowValues));
    // personal values commit with their records, in the same transaction
    const pii = prepared.flatMap((p) => p.pii);
    if (pii.length > 0)
      await tx.insertMany(
        PII_TABLE,
        PII_COLUMNS,
        pii.map((r) => [r.recordId, r.path, r.value, r.salt]),
      );
    const subjects = prepared.flatMap((p) => p.subjects.map((s) => [s, p.record.id]));
    if (subjects.length > 0) await tx.insertMany(PII_SUBJECT_TABLE, ["subject", "record_id"], subjects);
    return rows;
  }

  private afterCommit(rows: readonly ChainRow[], signNow = false): void {
    const last = rows[rows.length - 1];
    const dir = this.opts.checkpointDir;
    if (!last || dir === undefined) return;
    // a guard decision or an executed write is signed at once: the unsigned tail never holds one
    if (signNow) {
      this.safely(() => this.writeCheckpoint(last.seq, last.hash));
      return;
    }
    const due =
      last.seq - this.lastCheckpointSeq >= this.everyRecords ||
      Date.now() - this.lastCheckpointAt >= this.everyMs;
    if (!due) return;
    // another process may have signed meanwhile
    this.lastCheckpointSeq = Math.max(this.lastCheckpointSeq, latestCheckpointSeq(dir));
    if (
      last.seq - this.lastCheckpointSeq >= this.everyRecords ||
      Date.now() - this.lastCheckpointAt >= this.everyMs
    ) {
      this.safely(() => this.writeCheckpoint(last.seq, last.hash));
    }
  }

  private writeCheckpoint(seq: number, head: string): Checkpoint {
    const dir = this.opts.checkpointDir as string;
    this.key ??= loadOrCreateSigningKey(this.opts.keyDir as string);
    const checkpoint: Checkpoint = { v: 1, seq, head, at: this.now().toISOString() };
    writeCheckpoint(dir, this.key, checkpoint);
    this.lastCheckpointSeq = Math.max(this.lastCheckpointSeq, seq);
    this.lastCheckpointAt = Date.now();
    return checkpoint;
  }

  private background(): void {
    const dir = this.opts.checkpointDir;
    if (this.closed || dir === undefined) return;
    this.head().then(
      (head) => {
        if (!this.closed && head.seq > latestCheckpointSeq(dir))
          this.safely(() => this.writeCheckpoint(head.seq, head.hash));
      },
      (err: unknown) => this.reportError(err),
    );
  }

  private safely(fn: () => unknown): void {
    try {
      fn();
    } catch (err) {
      this.reportError(err);
    }
  }

  private reportError(err: unknown): void {
    if (this.opts.onError) this.opts.onError(err);
    else
      process.emitWarning(err instanceof Error ? err : new Error(String(err)), {
        code: "REVOPS_AUDIT_CHECKPOINT",
      });
  }

  /** The verification scan: rows fetched as arrays (no object per row from the driver), one shape for V8. */
  private async *sealedPages(select: string): AsyncGenerator<SealedRow[]> {
    const size = this.opts.pageSize ?? DEFAULTS.pageSize;
    let after = 0;
    for (;;) {
      const raw = await this.db.queryArrays(`${select} WHERE seq > ? ORDER BY seq LIMIT ?`, [after, size]);
      if (raw.length === 0) return;
      const page = raw.map(
        (r): SealedRow => ({
          seq: Number(r[0]),
          hash: r[1] as string,
          body: r[2] as string,
          copied: r[3] as string,
        }),
      );
      yield page;
      after = (page[page.length - 1] as SealedRow).seq;
      if (page.length < size) return;
    }
  }

  /** Keyset pagination in seq order: constant memory however long the log. */
  private async *pages<R extends { seq: number }>(
    select: string,
    where: string[],
    params: unknown[],
  ): AsyncGenerator<R[]> {
    const size = this.opts.pageSize ?? DEFAULTS.pageSize;
    let after = 0;
    const filter = where.length ? ` AND ${where.join(" AND ")}` : "";
    for (;;) {
      const page = await this.db.query<R>(`${select} WHERE seq > ?${filter} ORDER BY seq LIMIT ?`, [
        after,
        ...params,
        size,
      ]);
      if (page.length === 0) return;
      yield page;
      after = (page[page.length - 1] as R).seq;
      if (page.length < size) return;
    }
  }
}

const ignore = (): void => {};

function hasMarkers(record: AuditRecord): boolean {
  return [record.args, record.before, record.after].some(
    (v) =>
      v !== undefined && v !== null && typeof v === "object" && JSON.stringify(v).includes(`"${PII_MARKER}"`),
  );
}

/** What append returns: the record as chained (personal values as markers). */
function toRecords(prepared: readonly Prepared[], rows: readonly ChainRow[]): AuditRecord[] {
  return rows.map((row, i) => ({
    ...(prepared[i] as Prepared).record,
    seq: row.seq,
    prevHash: row.prev_hash,
    hash: row.hash,
  }));
}
