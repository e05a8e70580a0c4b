import type { SqlDb } from "@revops/store";
import type { AuditLog } from "./log";
import { clip, summarizeOutput } from "./summary";
import type { AuditInput, AuditOutcome, AuditRecord } from "./types";

/** The parts of the kit's ToolCall the audit stage reads (structurally compatible with it). */
export interface AuditableCall {
  entry: {
    name: string;
    def: { toolset: string; annotations?: { readOnlyHint?: boolean }; guard?: unknown };
    module?: { name: string };
  };
  args: unknown;
  ctx: { principal: { id: string }; requestId: string; write?: { planHash: string; idempotencyKey: string } };
}

/** The kit's ToolOutcome, structurally. */
export type AuditableOutcome =
  | { ok: true; output: unknown; preview?: unknown }
  | { ok: false; error: { kind: string; message: string } };

export interface AuditMiddlewareOptions {
  /** Server name recorded with each call; defaults to the tool's module name, else its toolset. */
  server?: string;
  /** Secret argument paths per call, on top of the log's own. */
  secretPaths?: (call: AuditableCall) => readonly string[] | undefined;
  /** Result summary; the default counts rows and keeps the first 200 characters. */
  summarize?: (outcome: AuditableOutcome) => string;
  /** Extra fields (before/after, plan hash...) for one record. */
  enrich?: (call: AuditableCall, outcome: AuditableOutcome) => Partial<AuditInput> | undefined;
  /** The record could not be written; the call's own outcome is still returned (default: rethrow). */
  onError?: (err: unknown, call: AuditableCall) => void;
  /**
   * Calls whose record may be group-committed after the result is returned (see AuditLog.appendLater):
   * the caller does not wait for it, and a crash can lose the last few milliseconds of such records.
   * Failures go to onError. Default: none, every record is durable before the result returns.
   */
  defer?: (call: AuditableCall) => boolean;
}

/** Read-only, unguarded calls: nothing changed, so their records may trail the result by a few ms. */
export const deferReads = (call: AuditableCall): boolean =>
  call.entry.def.annotations?.readOnlyHint === true && !call.entry.def.guard;

/** ToolError kind → audit outcome: refusals are "denied", everything else that failed is "error". */
export function outcomeOf(outcome: AuditableOutcome): AuditOutcome {
  // a dry run answers normally, but nothing ran: it is a preview, never "ok"
  if (outcome.ok) return "preview" in outcome && outcome.preview ? "previewed" : "ok";
  return outcome.error.kind === "denied" ? "denied" : "error";
}

export function defaultSummary(outcome: AuditableOutcome): string {
  return outcome.ok
    ? summarizeOutput(outcome.output)
    : clip(`${outcome.error.kind}: ${outcome.error.message}`);
}

/**
 * Pipeline stage `(call, next) => outcome` recording one audit record per tool call, after the
 * rest of the pipeline ran (so denials and invalid input are recorded too).
 */
export function auditMiddleware(log: AuditLog, opts: AuditMiddlewareOptions = {}) {
  const summarize = opts.summarize ?? defaultSummary;
  return async <C extends AuditableCall, O extends AuditableOutcome>(
    call: C,
    next: () => Promise<O>,
  ): Promise<O> => {
    const outcome = await next();
    const build = (): AuditInput => {
      const secretPaths = opts.secretPaths?.(call);
      return {
        principal: call.ctx.principal.id,
        server: opts.server ?? call.entry.module?.name ?? call.entry.def.toolset,
        tool: call.entry.name,
        outcome: outcomeOf(outcome),
        args: call.args ?? {},
        summary: summarize(outcome),
        traceId: call.ctx.requestId,
        ...idempotencyKeyOf(call.args),
        // an executed write names its confirmed plan and, in the summary, the record the vendor wrote
        ...(call.ctx.write && {
          planHash: call.ctx.write.planHash,
          idempotencyKey: call.ctx.write.idempotencyKey,
          summary: writtenSummary(outcome) ?? summarize(outcome),
        }),
        ...(secretPaths ? { secretPaths } : {}),
        ...opts.enrich?.(call, outcome),
      };
    };
    if (opts.defer?.(call)) {
      // the record (its summary hashes the whole output) is built when its group commits, after the answer left
      log.appendLater(build, (err: unknown) => {
        if (opts.onError) opts.onError(err, call);
        else process.emitWarning(`audit record of ${call.entry.name} was not written: ${String(err)}`);
      });
      return outcome;
    }
    try {
      await log.append(build());
    } catch (err) {
      if (!opts.onError) throw err;
      opts.onError(err, call);
    }
    return outcome;
  };
}

function writtenSummary(outcome: AuditableOutcome): string | undefined {
  if (!outcome.ok || !outcome.output || typeof outcome.output !== "object") return undefined;
  const w = (outcome.output as { written?: { system?: unknown; id?: unknown } }).written;
  return w ? clip(`written ${String(w.system)}:${String(w.id)}`) : undefined;
}

function idempotencyKeyOf(args: unknown): { idempotencyKey?: string } {
  if (!args || typeof args !== "object") return {};
  const a = args as Record<string, unknown>;
  const key = a.idempotency_key ?? a.idempotencyKey;
  return typeof key === "string" ? { idempotencyKey: key } : {};
}

export type DecisionOutcome = Extract<AuditOutcome, "previewed" | "confirmed" | "rejected" | "expired">;

export interface GuardDecision {
  outcome: DecisionOutcome;
  principal: string;
  server: string;
  tool: string;
  planHash: string;
  args?: unknown;
  secretPaths?: readonly string[];
  summary?: string;
  idempotencyKey?: string;
  traceId?: string;
  at?: Date | string;
}

const DECISIONS: readonly DecisionOutcome[] = ["previewed", "confirmed", "rejected", "expired"];

/** Records a guard decision on a plan; pass `tx` to commit it with the guard's own state change. */
export function recordDecision(log: AuditLog, decision: GuardDecision, tx?: SqlDb): Promise<AuditRecord> {
  if (!DECISIONS.includes(decision.outcome)) {
    return Promise.reject(
      new TypeError(`guard decision must be one of ${DECISIONS.join(", ")}; got ${String(decision.outcome)}`),
    );
  }
  if (typeof decision.planHash !== "string" || decision.planHash.length === 0) {
    return Promise.reject(new TypeError("guard decision needs the plan hash"));
  }
  return tx ? log.appendInTx(tx, decision) : log.append(decision);
}
