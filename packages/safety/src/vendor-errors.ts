import { ToolError } from "@revops/kit";
import { isVendorError, type VendorError } from "@revops/resilience/errors";

const HINTS: Partial<Record<VendorError["kind"], string>> = {
  auth: "An administrator has to fix the connection's credentials (run `revops doctor`); retrying will not help.",
  budget_exceeded: "An administrator can raise REVOPS_VENDOR_BUDGETS; otherwise wait for the next period.",
  quota_exhausted: "The vendor's daily allocation is spent; retry after it resets or raise the plan's limit.",
  invalid: "The vendor refused the request as sent; check the input and the connection's settings.",
};

/** A vendor failure that no tool translated → a tool error the assistant can act on (never "internal"). */
export function vendorToolError(err: unknown): unknown {
  if (!isVendorError(err)) return err;
  const opts = {
    cause: err,
    ...(HINTS[err.kind] ? { hint: HINTS[err.kind] } : {}),
    ...(err.retryAfterMs === undefined ? {} : { retryAfterSeconds: Math.ceil(err.retryAfterMs / 1000) }),
  };
  switch (err.kind) {
    case "auth":
    case "budget_exceeded":
      return new ToolError("denied", err.message, opts);
    case "rate_limited":
    case "quota_exhausted":
      return new ToolError("rate_limited", err.message, opts);
    case "not_found":
      return new ToolError("not_found", err.message, opts);
    case "unavailable":
    case "timeout":
    case "circuit_open":
      return new ToolError("retryable", err.message, opts);
    default:
      return new ToolError("upstream", err.message, opts);
  }
}

/** Runs a port call, turning vendor failures into tool errors (resources, which do not pass the tool pipeline). */
export async function fromVendor<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw vendorToolError(err);
  }
}
