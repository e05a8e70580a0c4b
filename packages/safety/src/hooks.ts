import { type AuditLog, auditMiddleware, deferReads } from "@revops/audit";
import { createGuard, requestStateKey } from "@revops/guards";
import type { KitRuntime, Middleware, PipelineHooks } from "@revops/kit";
import { type CallScope, callScopesEnabled, runInCallScope } from "@revops/resilience/call-scope";
import { landedWrite, sandboxDatabase, sandboxNow } from "@revops/sandbox";
import { auditLogFor } from "./audit-log";
import type { SafetyConfig } from "./config";
import { recordGuardDecision } from "./decisions";
import { vendorToolError } from "./vendor-errors";

/** The kit's pipeline hooks, filled for every tool of every server: no tool writes a line of this. */
export const safetyHooks =
  (server: string) =>
  async (rt: KitRuntime): Promise<PipelineHooks> => {
    const config = rt.config as SafetyConfig;
    // opened on the first call, not at start: `tools/list` should not wait for the database
    const log = (): Promise<AuditLog> => auditLogFor(rt);
    let stage: Promise<Middleware> | undefined;
    // once the log is open, calls go straight to its stage: no promise of the opening per call
    let ready: Middleware | undefined;
    const audit: Middleware = (call, next) => (ready ? ready(call, next) : opening(call, next));
    const opening: Middleware = async (call, next) => {
      stage ??= log().then((l) => {
        // reads are group-committed within 20 ms after they answer; writes and decisions are durable first
        ready = auditMiddleware(l, {
          server,
          defer: deferReads,
          onError: (err, c) => rt.log.error({ err, tool: c.entry.name }, "audit record not written"),
        });
        return ready;
      });
      stage.catch(() => {
        stage = undefined;
      });
      return (await stage)(call, next);
    };
    return {
      audit,
      meter: attributeVendorCalls,
      // every replica on the same key-value store signs and verifies 2026-07-28 confirmation state alike
      requestStateKey: requestStateKey({ config, kv: rt.kv }),
      guard: createGuard({
        config,
        sql: rt.sql,
        kv: rt.kv,
        record: async (decision) => recordGuardDecision(await log(), server)(decision),
        // Outbound to real addresses is limited to GUARD_SANDBOX_ALLOWED_DOMAINS unless the plan says the sandbox only
        // records it (delivery: "simulated").
        sandbox: true,
        // a resumed approval whose sandbox write had committed (journalled with its key) is not written again
        landed: async (key) => landedWrite(await sandboxDatabase(rt), key),
        simulatedNow: async () => new Date(await sandboxNow(await sandboxDatabase(rt))),
      }),
    };
  };

/**
 * Vendor calls made by the handler are charged to this tool and principal; their budget warnings join the result,
 * and so do the notes of stale or capped reads (the kit puts those where the result keeps its caveats).
 */
export const attributeVendorCalls: Middleware = async (call, next) => {
  try {
    if (!callScopesEnabled()) return await next();
    const scope: CallScope = {
      principal: call.ctx.principal.id,
      tool: call.entry.name,
      warnings: [],
      notes: [],
    };
    const outcome = await runInCallScope(scope, next);
    if (!outcome.ok) return outcome;
    const { warnings, notes } = scope;
    return {
      ...outcome,
      ...(warnings.length > 0 && { notes: [...(outcome.notes ?? []), ...warnings] }),
      ...(notes.length > 0 && { caveats: [...(outcome.caveats ?? []), ...notes] }),
    };
  } catch (err) {
    throw vendorToolError(err);
  }
};
