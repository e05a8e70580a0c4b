import { createHash, randomUUID } from "node:crypto";
import canonicalize from "canonicalize";
import { wellFormed } from "./redact";
import { clip } from "./summary";
import type { AuditInput, AuditOutcome, AuditRecord, ChainRow } from "./types";
import { AUDIT_OUTCOMES } from "./types";

export type HashedBody = Omit<AuditRecord, "hash">;

/** Fields already redacted and JSON-safe; only seq and prevHash are missing. */
export type PreparedRecord = Omit<HashedBody, "seq" | "prevHash">;

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError("audit record is not JSON-serialisable");
  return text;
}

/** Validates the input and fills id and time; secret removal happens before this (see AuditLog). */
export function prepareRecord(
  input: AuditInput,
  redacted: Partial<PreparedRecord>,
  now: Date,
): PreparedRecord {
  for (const field of ["principal", "server", "tool"] as const) {
    if (typeof input[field] !== "string" || input[field].length === 0) {
      throw new TypeError(`audit record needs a non-empty ${field}`);
    }
  }
  if (!AUDIT_OUTCOMES.includes(input.outcome)) {
    throw new TypeError(
      `audit outcome must be one of ${AUDIT_OUTCOMES.join(", ")}; got ${String(input.outcome)}`,
    );
  }
  return {
    v: 1,
    id: randomUUID(),
    at: toIso(input.at ?? now),
    principal: identifier(input.principal),
    server: identifier(input.server),
    tool: identifier(input.tool),
    outcome: input.outcome,
    ...redacted,
    ...optional("planHash", text(input.planHash)),
    ...optional("summary", input.summary === undefined ? undefined : clip(wellFormed(String(input.summary)))),
    ...optional("idempotencyKey", text(input.idempotencyKey)),
    ...optional("traceId", text(input.traceId)),
  };
}

/** Fixes the record's place in the chain and hashes its canonical JSON. */
export function sealRecord(prepared: PreparedRecord, seq: number, prevHash: string): ChainRow {
  const body = canonicalJson({ ...prepared, seq, prevHash });
  return {
    seq,
    id: prepared.id,
    at: prepared.at,
    principal: prepared.principal,
    server: prepared.server,
    tool: prepared.tool,
    outcome: prepared.outcome,
    prev_hash: prevHash,
    hash: sha256Hex(body),
    body,
  };
}

/** The record as written: parsed from the hashed text, never from the copied columns. */
export function rowToRecord(row: Pick<ChainRow, "body" | "hash">): AuditRecord {
  return { ...(JSON.parse(row.body) as HashedBody), hash: row.hash };
}

export function toIso(at: Date | string): string {
  const date = at instanceof Date ? at : new Date(at);
  if (Number.isNaN(date.getTime())) throw new TypeError(`invalid time ${JSON.stringify(String(at))}`);
  return date.toISOString();
}

export function isOutcome(value: unknown): value is AuditOutcome {
  return AUDIT_OUTCOMES.includes(value as AuditOutcome);
}

/** Names used as query columns: no control characters (they would blur the verifier's column join). */
function identifier(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  return wellFormed(value).replace(/[\u0000-\u001f\u007f]/g, "\uFFFD");
}

/** Optional text fields: stored as well-formed strings (canonical JSON rejects lone surrogates). */
function text(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : wellFormed(String(value));
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

export const ROW_COLUMNS = [
  "seq",
  "id",
  "at",
  "principal",
  "server",
  "tool",
  "outcome",
  "prev_hash",
  "hash",
  "body",
];

export function rowValues(row: ChainRow): unknown[] {
  return [
    row.seq,
    row.id,
    row.at,
    row.principal,
    row.server,
    row.tool,
    row.outcome,
    row.prev_hash,
    row.hash,
    row.body,
  ];
}
