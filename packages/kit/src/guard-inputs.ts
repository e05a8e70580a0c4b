import { z } from "zod";
import type { ToolDefinition } from "./define";
import { plannedGuard } from "./define";

/** Arguments the kit adds to every tool with a planned guard; the guard reads and removes them before the handler. */
export const GUARD_CONTROL_INPUTS = {
  dry_run: z.boolean().optional(),
  approval_id: z.string().min(1).max(64).optional(),
  confirmation_token: z.string().min(1).max(2048).optional(),
};

export const GUARD_CONTROL_KEYS = Object.keys(GUARD_CONTROL_INPUTS) as (keyof typeof GUARD_CONTROL_INPUTS)[];

/**
 * The tool as served: a planned guard's control arguments joined to its input, so no tool spreads them by hand.
 * A tool that is not read-only must say how it is guarded, or why it needs no guard.
 */
export function withGuardInputs(def: ToolDefinition): ToolDefinition {
  if (!def.annotations.readOnlyHint && !def.guard) {
    throw new Error(
      `Tool ${def.name} is not read-only: declare guard { kind, preview } or guard { none: "<why no human confirms it>" }.`,
    );
  }
  // a lazy tool's index lists the joined input already; the kit joins them to its input when it loads (ADR 0053)
  if (!plannedGuard(def) || def.lazy) return def;
  if (!(def.input instanceof z.ZodObject))
    throw new Error(`Guarded tool ${def.name} needs a z.object input.`);
  return { ...def, input: def.input.extend(GUARD_CONTROL_INPUTS) };
}

/** What a dry run returns instead of the tool's output: the plan a human would confirm, and nothing changed. */
export const PlanPreviewSchema = z.object({
  dry_run: z.literal(true),
  plan_hash: z.string(),
  plan: z.record(z.string(), z.unknown()),
  approval_required: z
    .array(z.string())
    .describe("Why only the approval queue may confirm it; empty: in-chat"),
});
