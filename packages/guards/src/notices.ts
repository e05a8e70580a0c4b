import { type ErrorKind, ToolError, type ToolOutcome } from "@revops/kit";

/** Anything but execution is reported as a tool error: the tool's output schema describes executed results only. */
export const halt = (kind: ErrorKind, message: string, hint: string): ToolOutcome => ({
  ok: false,
  error: new ToolError(kind, message, { hint }),
});

export const refuse = (message: string, hint: string): ToolOutcome => halt("denied", message, hint);
