import type { AuditLog } from "./log";
import { isOutcome, toIso } from "./record";
import type { AuditOutcome, AuditPage, AuditQuery } from "./types";
import { AUDIT_OUTCOMES } from "./types";

/** JSON arguments of an `audit_query` tool: every field optional, times as ISO-8601 text. */
export interface AuditQueryInput {
  principal?: string;
  tool?: string;
  outcome?: AuditOutcome | AuditOutcome[];
  since?: string;
  until?: string;
  id?: string;
  limit?: number;
  cursor?: string;
}

/** Checks tool arguments (with messages that say what to fix) and runs the query: newest first. */
export function queryAudit(log: AuditLog, input: AuditQueryInput = {}): Promise<AuditPage> {
  return log.query(toAuditQuery(input));
}

export function toAuditQuery(input: AuditQueryInput): AuditQuery {
  const q: AuditQuery = {};
  for (const field of ["principal", "tool", "id", "cursor"] as const) {
    const value = input[field];
    if (value === undefined) continue;
    if (typeof value !== "string" || value.length === 0)
      throw new TypeError(`${field} must be a non-empty string`);
    q[field] = value;
  }
  if (input.outcome !== undefined) {
    const outcomes = Array.isArray(input.outcome) ? input.outcome : [input.outcome];
    const bad = outcomes.find((o) => !isOutcome(o));
    if (bad !== undefined) {
      throw new TypeError(`outcome ${JSON.stringify(bad)} is not one of ${AUDIT_OUTCOMES.join(", ")}`);
    }
    q.outcome = outcomes;
  }
  for (const field of ["since", "until"] as const) {
    const value = input[field];
    if (value === undefined) continue;
    try {
      q[field] = toIso(value);
    } catch {
      throw new TypeError(
        `${field} must be an ISO-8601 time such as 2025-01-31T00:00:00Z; got ${JSON.stringify(value)}`,
      );
    }
  }
  if (input.limit !== undefined) {
    if (!Number.isInteger(input.limit) || input.limit < 1)
      throw new TypeError("limit must be a positive integer");
    q.limit = input.limit;
  }
  return q;
}
