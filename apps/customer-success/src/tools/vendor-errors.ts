import { ToolError } from "@revops/kit";
import { isVendorError } from "@revops/resilience";

/** A vendor failure as a tool error the assistant can act on; anything else unchanged. */
export function vendorToolError(err: unknown): unknown {
  if (!isVendorError(err)) return err;
  const cause = { cause: err };
  switch (err.kind) {
    case "auth":
      return new ToolError("denied", err.message, {
        ...cause,
        hint: "An administrator has to fix the connection's credentials; retrying will not help.",
      });
    case "rate_limited":
      return new ToolError("rate_limited", err.message, {
        ...cause,
        ...(err.retryAfterMs === undefined ? {} : { retryAfterSeconds: Math.ceil(err.retryAfterMs / 1000) }),
      });
    case "unavailable":
    case "timeout":
    case "circuit_open":
      return new ToolError("retryable", err.message, cause);
    default:
      return new ToolError("upstream", err.message, cause);
  }
}

/** Runs a port call, turning vendor failures into tool errors. */
export async function fromVendor<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw vendorToolError(err);
  }
}
