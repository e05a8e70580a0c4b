import type { TokenRefresher } from "@revops/auth";
import type {
  CostLedger,
  QuotaTracker,
  ResilientCaller,
  VendorLimiter,
  VendorPolicyOptions,
} from "@revops/resilience";
import type { KeyValue } from "@revops/store";
import { checkOutboundUrl, checkTestBaseUrl, type Resolver } from "./url-safety";

export type ConnectorVendor =
  | "hubspot"
  | "salesforce"
  | "sendgrid"
  | "zendesk"
  | "intercom"
  | "google"
  | "mixpanel"
  | "apollo";

/** One connected vendor account, as stored (credentials come from the vault). */
export interface ConnectionConfig<C> {
  id: string;
  vendor: ConnectorVendor;
  /** Overrides the vendor's API host (EU data residency, a sandbox); must be https on a vendor host. */
  baseUrl?: string;
  credentials: C;
  /** Test-only: lets `baseUrl` point at a fake on http://127.0.0.1; refused in every other case. */
  allowInsecureTestBaseUrl?: boolean;
}

/** OAuth tokens a consent stored in the vault (`revops setup`): refreshed before expiry and once after a 401. */
export interface VaultTokenSetup {
  tokens?: TokenRefresher;
  /** The vault entry of those tokens, when not the connection's id (one consent shared by two servers). */
  tokenConnectionId?: string;
}

/** How calls of one connection are made resilient; everything optional has a vendor default. */
export interface ResilienceSetup {
  policy?: Omit<VendorPolicyOptions, "connection" | "classify">;
  limiter?: VendorLimiter;
  /** Told of every connection's caller, so usage reports can show remaining quota. */
  onCaller?: (caller: ResilientCaller) => void;
  /** Builds (or reuses) the limiter of a connection when `limiter` is not given. */
  limiterFor?: (vendor: string, connection: string) => VendorLimiter;
  ledger?: CostLedger;
  quota?: QuotaTracker;
  principal?: string;
  tool?: string;
  /** Enables stale-read fallback for reads: the last good answer, flagged, while the vendor is down. */
  staleCache?: { cache: KeyValue; maxAgeMs: number };
  /** DNS for URL safety checks (tests inject one). */
  resolve?: Resolver;
}

/** The base URL to use: the vendor default, or a checked override. */
export async function resolveBaseUrl(
  config: ConnectionConfig<unknown>,
  defaultUrl: string,
  hosts: readonly string[],
  resolve?: Resolver,
): Promise<URL> {
  if (!config.baseUrl) return new URL(defaultUrl);
  if (config.allowInsecureTestBaseUrl) return checkTestBaseUrl(config.baseUrl);
  return checkOutboundUrl(config.baseUrl, { hosts, ...(resolve ? { resolve } : {}) });
}
