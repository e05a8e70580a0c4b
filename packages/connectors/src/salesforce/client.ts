import type { Agent } from "node:http";
import type { TokenRefresher } from "@revops/auth";
import { Connection } from "jsforce";
import type { ConnectionConfig, ResilienceSetup } from "../connection";
import { createGuardedAgent } from "../guarded-agent";
import { createRuntime, type Runtime } from "../runtime";
import { checkOutboundUrl, checkTestBaseUrl, VENDOR_HOSTS } from "../url-safety";
import { ResilientTransport } from "./transport";

export const SALESFORCE_API_VERSION = "60.0";

export interface SalesforceCredentials {
  /** Static session (tests, short scripts); production connections use `tokens` and the vault. */
  accessToken?: string;
  instanceUrl?: string;
}

export type SalesforceConnection = ConnectionConfig<SalesforceCredentials>;

export interface SalesforceSetup extends ResilienceSetup {
  /** Vault-backed OAuth tokens: refreshed before expiry and once after a 401. */
  tokens?: TokenRefresher;
  /** The vault entry of those tokens, when not the connection's id. */
  tokenConnectionId?: string;
}

export interface SalesforceSdk {
  runtime: Runtime;
  conn: Connection;
  /** Runs jsforce calls with a fresh token and a checked instance URL. */
  withSession<T>(fn: (conn: Connection) => Promise<T>): Promise<T>;
}

/** jsforce with its transport replaced: no SDK retries, every request through the resilience policy. */
export async function createSalesforceSdk(
  connection: SalesforceConnection,
  setup: SalesforceSetup = {},
): Promise<SalesforceSdk> {
  const runtime = createRuntime("salesforce", connection.id, setup);
  const testOnly = connection.allowInsecureTestBaseUrl === true;
  const agents = new Map<string, Agent>();
  const agentFor = (url: URL): Agent => {
    const protocol = url.protocol === "https:" ? "https:" : "http:";
    let agent = agents.get(protocol);
    if (!agent) {
      agent = createGuardedAgent({ protocol, allowPrivate: testOnly, vendor: "Salesforce" });
      agents.set(protocol, agent);
    }
    return agent;
  };
  const checked = new Map<string, string>();
  /** instance_url comes from the token endpoint: outside input, checked before any token goes there. */
  async function safeInstanceUrl(raw: string): Promise<string> {
    const hit = checked.get(raw);
    if (hit) return hit;
    const url = testOnly
      ? checkTestBaseUrl(raw)
      : await checkOutboundUrl(raw, {
          hosts: VENDOR_HOSTS.salesforce,
          ...(setup.resolve ? { resolve: setup.resolve } : {}),
        });
    checked.set(raw, url.origin);
    return url.origin;
  }
  const initial = connection.baseUrl ?? connection.credentials.instanceUrl;
  const conn = new Connection({
    version: SALESFORCE_API_VERSION,
    ...(initial ? { instanceUrl: await safeInstanceUrl(initial) } : {}),
    ...(connection.credentials.accessToken ? { accessToken: connection.credentials.accessToken } : {}),
  });
  (conn as unknown as { _transport: ResilientTransport })._transport = new ResilientTransport(
    runtime,
    agentFor,
  );

  async function withSession<T>(fn: (c: Connection) => Promise<T>): Promise<T> {
    const { tokens } = setup;
    if (!tokens) return fn(conn);
    return tokens.withFreshToken(setup.tokenConnectionId ?? connection.id, async (accessToken, stored) => {
      conn.accessToken = accessToken;
      const instance = connection.baseUrl ?? stored.instanceUrl;
      if (instance) conn.instanceUrl = await safeInstanceUrl(instance);
      return fn(conn);
    });
  }
  return { runtime, conn, withSession };
}
