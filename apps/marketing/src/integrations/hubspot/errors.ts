import { ToolError } from "@revops/kit";
import { isVendorError } from "@revops/resilience";
import { vendorToolError } from "@revops/safety/vendor-errors";
import { HUBSPOT_MARKETING_SCOPES } from "../config";

const RESTART = "then restart the marketing server.";

/** A failed HubSpot read → a tool error naming the token or scopes to fix; other failures as every vendor's. */
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
  return vendorToolError(err);
}

/** Runs one port read, translating HubSpot failures on the way out. */
export async function translated<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    throw hubspotToolError(err);
  }
}
