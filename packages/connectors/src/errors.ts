import { type Classifier, defaultClassify, isVendorError, VendorError } from "@revops/resilience";
import { UnsafeUrlError } from "./url-safety";

const NAMES: Record<string, string> = {
  hubspot: "HubSpot",
  salesforce: "Salesforce",
  sendgrid: "SendGrid",
  zendesk: "Zendesk",
  intercom: "Intercom",
  google: "Google",
  mixpanel: "Mixpanel",
};
const RECONNECT: Record<string, string> = {
  hubspot: "reconnect it (or issue a new private-app token) in Settings → Connections",
  salesforce:
    "reconnect it; if it keeps failing, ask a Salesforce admin whether the connected app is still approved",
  sendgrid: "create a new API key with Mail Send access and update the connection",
  zendesk:
    "create a new API token (Admin Center → Apps and integrations → Zendesk API) and update the connection",
  intercom: "reinstall the Intercom app or issue a new access token, then update the connection",
  google: "sign in with Google again in Settings → Connections (the grant may have been revoked or expired)",
  mixpanel:
    "create a new service-account secret (Organization Settings → Service Accounts) and update the connection",
};

/** Vendor-specific wording on top of the default classification, naming the connection. */
export function connectorClassifier(connectionId: string): Classifier {
  return (err, vendor) => {
    if (isVendorError(err)) return err;
    const name = NAMES[vendor] ?? vendor;
    if (err instanceof UnsafeUrlError) {
      return new VendorError({
        vendor,
        kind: "invalid",
        retryable: false,
        message: `${name}: ${err.message}`,
        cause: err,
      });
    }
    const v = defaultClassify(err, vendor);
    const rewrite = (message: string) =>
      new VendorError({
        vendor,
        kind: v.kind,
        retryable: v.retryable,
        message,
        cause: err,
        ...(v.status === undefined ? {} : { status: v.status }),
        ...(v.retryAfterMs === undefined ? {} : { retryAfterMs: v.retryAfterMs }),
      });
    if (v.status === 401) {
      return rewrite(
        `${name} rejected the token for connection ${connectionId}: ${RECONNECT[vendor] ?? "reconnect it"}.`,
      );
    }
    if (v.kind === "quota_exhausted" && vendor === "salesforce") {
      return rewrite(
        `${name} says the daily API allocation of connection ${connectionId} is used up (REQUEST_LIMIT_EXCEEDED); ` +
          "calls resume when it resets (rolling 24 h) or when an admin raises it.",
      );
    }
    if (v.kind === "quota_exhausted") return rewrite(`Connection ${connectionId}: ${v.message}`);
    if (v.status === 403 && v.kind === "auth") {
      return rewrite(
        `${name} denied access for connection ${connectionId} (HTTP 403): check the scopes the credential was granted.`,
      );
    }
    return v;
  };
}
