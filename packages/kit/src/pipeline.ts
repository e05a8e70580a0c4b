import type { z } from "zod";
import { plannedGuard, type ToolContext } from "./define";
import { ToolError, toToolError } from "./errors";
import type { ToolEntry } from "./registry";
import { hasScopes, missingScopes } from "./registry";
import { resolveConnection } from "./tool-connections";

/** One tool call travelling through the pipeline. `input` is set by the validate stage. */
export interface ToolCall {
  entry: ToolEntry;
  args: unknown;
  input: unknown;
  ctx: ToolContext;
}

/**
 * `notes`: warnings raised while the tool ran (budgets, quotas) that the result must show. `caveats`: how to read the
 * answer (a vendor read served from cache or capped), which the kit adds where the output keeps its caveats or note.
 * `preview`: nothing ran; the output is a guard's plan (PlanPreviewSchema) and `text` its rendering for the model.
 */
export type ToolOutcome =
  | { ok: true; output: unknown; notes?: string[]; caveats?: string[]; preview?: { text: string } }
  | { ok: false; error: ToolError };
export type Next = () => Promise<ToolOutcome>;
/** A pipeline stage: do something before and/or after the rest of the pipeline. */
export type Middleware = (call: ToolCall, next: Next) => Promise<ToolOutcome>;

/** Stages that later packages fill in (audit, guards, auth, rate limits). Absent hooks fall back to safe defaults. */
export interface PipelineHooks {
  audit?: Middleware;
  authorize?: Middleware;
  limit?: Middleware;
  guard?: Middleware;
  /** Wraps the handler itself: attributes vendor calls to the tool call and collects their warnings and caveats. */
  meter?: Middleware;
  /**
   * The key that signs 2026-07-28 request state (at least 32 characters), the same on every replica. Without it
   * each process draws a random key, so a retried request must come back to the process that sealed its state.
   */
  requestStateKey?: () => Promise<string>;
}

/** A stage with nothing to do in this configuration (a rate limit of 0): compose leaves it out. */
export const passThrough: Middleware = (_call, next) => next();

/** Runs stages in order; each decides whether and how to call the next. */
export function compose(all: readonly Middleware[], last: (call: ToolCall) => Promise<ToolOutcome>) {
  const stages = all.filter((s) => s !== passThrough);
  return (call: ToolCall): Promise<ToolOutcome> => {
    const run = (i: number): Promise<ToolOutcome> => {
      const stage = stages[i];
      // a stage that is not an async function may throw where it stands: it fails the call like any other
      try {
        return stage ? stage(call, () => run(i + 1)) : last(call);
      } catch (err) {
        return Promise.reject(err);
      }
    };
    return run(0).catch((err: unknown) => ({ ok: false, error: toToolError(err) }));
  };
}

/** Turns zod issues into field paths and a message that says what to fix. */
export function validationError(toolName: string, issues: readonly z.core.$ZodIssue[]): ToolError {
  const fields = issues.map((i) => (i.path.length ? i.path.join(".") : "(arguments)"));
  const detail = issues
    .map((i, n) => `${fields[n]}: ${i.message}`)
    .slice(0, 8)
    .join("; ");
  return new ToolError("user", `Invalid arguments for ${toolName}: ${detail}.`, {
    fields,
    hint: "Correct the listed fields (see the tool's input schema) and call again.",
  });
}

/**
 * The path of the first string (value or key) that is not well-formed Unicode, i.e. holds a lone surrogate: JSON
 * can carry one (`"\ud800"`), but hashing, canonical JSON and vendors refuse it, so it stops here as the caller's.
 */
// ES2024's String.prototype.isWellFormed (Node 20+); the workspace's lib is ES2023
const wellFormed = (s: string): boolean => (s as string & { isWellFormed(): boolean }).isWellFormed();

export function illFormedTextPath(value: unknown, path: string[] = [], depth = 0): string | undefined {
  if (typeof value === "string")
    return wellFormed(value) ? undefined : path.length ? path.join(".") : "(arguments)";
  if (depth > 64 || !value || typeof value !== "object") return undefined;
  // one path stack for the whole walk: the arguments of a call are read on every call, and nearly always clean
  const at = (key: string, v: unknown): string | undefined => {
    path.push(key);
    const found = illFormedTextPath(v, path, depth + 1);
    path.pop();
    return found;
  };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = at(String(i), value[i]);
      if (found) return found;
    }
    return undefined;
  }
  for (const k of Object.keys(value)) {
    if (!wellFormed(k)) return [...path, "(key)"].join(".");
    const found = at(k, (value as Record<string, unknown>)[k]);
    if (found) return found;
  }
  return undefined;
}

// validate and authorizeScopes hand on next()'s own promise: an async stage would wrap it in one more per call
export const validate: Middleware = (call, next) => {
  const broken = illFormedTextPath(call.args);
  if (broken) {
    return Promise.resolve({
      ok: false,
      error: new ToolError(
        "user",
        `Invalid arguments for ${call.entry.name}: ${broken}: text is not well-formed Unicode (a lone surrogate).`,
        { fields: [broken], hint: "Remove or replace the broken character, then call again." },
      ),
    });
  }
  const parsed = call.entry.def.input.safeParse(call.args ?? {});
  if (!parsed.success)
    return Promise.resolve({ ok: false, error: validationError(call.entry.name, parsed.error.issues) });
  call.input = parsed.data;
  return next();
};

export const authorizeScopes: Middleware = (call, next) => {
  if (hasScopes(call.ctx.principal, call.entry.def.scopes)) return next();
  const missing = missingScopes(call.ctx.principal, call.entry.def.scopes);
  return Promise.resolve({
    ok: false,
    error: new ToolError(
      "denied",
      `${call.ctx.principal.id} lacks the scope ${missing.join(", ")} needed by ${call.entry.name}.`,
    ),
  });
};

/** Without the guards package a guarded tool never runs: safe by construction. */
export const refuseGuarded: Middleware = async (call, next) => {
  const spec = plannedGuard(call.entry.def);
  // a call the tool says needs no human (a settings view, a spend under the confirm size) changes nothing guarded
  if (!spec || (spec.needed && !(await spec.needed(call.input, call.ctx)))) return next();
  return {
    ok: false,
    error: new ToolError(
      "denied",
      `${call.entry.name} needs human confirmation, and no confirmation guard is installed.`,
    ),
  };
};

/** The handler, with its output checked against the declared schema (a mismatch is our bug, not the user's). */
export async function execute(call: ToolCall): Promise<ToolOutcome> {
  call.ctx.signal.throwIfAborted();
  const output = await call.entry.def.handler({ input: call.input, ctx: call.ctx });
  if (call.entry.def.raw) return { ok: true, output };
  const checked = call.entry.def.output.safeParse(output);
  if (!checked.success) {
    call.ctx.log.error(
      { tool: call.entry.name, issues: checked.error.issues.slice(0, 5) },
      "tool output failed its schema",
    );
    return {
      ok: false,
      error: new ToolError("internal", `${call.entry.name} produced output that does not match its schema.`),
    };
  }
  return { ok: true, output: checked.data };
}

/**
 * The pipeline of DESIGN.md. The rate limit comes first, so no caller can grow the log or the load faster than
 * its limit; audit wraps the rest so denials and bad input within the limit are recorded too.
 */
export function buildPipeline(hooks: PipelineHooks, limit: Middleware) {
  const stages: Middleware[] = [
    hooks.limit ?? limit,
    ...(hooks.audit ? [hooks.audit] : []),
    validate,
    authorizeScopes,
    ...(hooks.authorize ? [hooks.authorize] : []),
    resolveConnection,
    hooks.guard ?? refuseGuarded,
    ...(hooks.meter ? [hooks.meter] : []),
  ];
  return compose(stages, execute);
}
