import { ToolError } from "@revops/kit";
import { isVendorError } from "@revops/resilience";
import { HUBSPOT_MARKETING_SCOPES } from "../config";

const RESTART = "then restart the marketing server.";

/** A failed HubSpot read → a tool error that says what the operator must change (the token, its scopes) or when to retry. */
export function hubspotToolError(err: unknown): unknown {
  if (!isVendorError(err)) return err;
  if (err.kind === "auth" || err.status === 401) {
    return new ToolError(
      "upstream",
      "HubSpot rejected HUBSPOT_ACCESS_TOKEN (HTTP 401): it is invalid, expired or revoked.",
      {
        hint: `Set HUBSPOT_ACCESS_TOKEN to a valid private-app token with ${HUBSPOT_MARKETING_SCOPES.join(", ")}, ${RESTART}`,
        cause: err,
      },
    );
  }
  if (err.status === 403) {
    return new ToolError(
      "upstream",
      "HubSpot denied access for HUBSPOT_ACCESS_TOKEN (HTTP 403): a scope is missing.",
      {
        hint: `Grant the private app ${HUBSPOT_MARKETING_SCOPES.join(", ")} (campaigns need Marketing Hub Professional), ${RESTART}`,
        cause: err,
      },
    );
  }
  if (err.kind === "rate_limited" || err.kind === "quota_exhausted") {
    return new ToolError("rate_limited", err.message, {
      cause: err,
      ...(err.retryAfterMs === undefined ? {} : { retryAfterSeconds: Math.ceil(err.retryAfterMs / 1000) }),
    });
  }
  if (err.retryable || err.kind === "circuit_open") {
    return new ToolError("retryable", `HubSpot is not answering: ${err.message}`, { cause: err });
  }
  return new ToolError("upstream", err.message, { cause: err });
}

/** Runs one port read, translating HubSpot failures on the way out. */
export async function translated<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    throw hubspotToolError(err);
  }
}
