import { type ErrorKind, ToolError, type ToolOutcome } from "@revops/kit";

/** Refusals and pending confirmations are tool errors (a dry run is the one non-executed normal result: the plan). */
export const halt = (kind: ErrorKind, message: string, hint: string): ToolOutcome => ({
  ok: false,
  error: new ToolError(kind, message, { hint }),
});

export const refuse = (message: string, hint: string): ToolOutcome => halt("denied", message, hint);
