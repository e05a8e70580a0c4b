import { Client } from "@sendgrid/client";
import { MailService } from "@sendgrid/mail";
import { attemptContext } from "../attempt-context";
import { type ConnectionConfig, type ResilienceSetup, resolveBaseUrl } from "../connection";
import { createGuardedAgent } from "../guarded-agent";
import { requestOnce, throwIfHttpError } from "../request-once";
import { createRuntime, type Runtime } from "../runtime";
import { UnsafeUrlError, VENDOR_HOSTS } from "../url-safety";

export interface SendGridCredentials {
  apiKey: string;
}

export type SendGridConnection = ConnectionConfig<SendGridCredentials>;

export const SENDGRID_API_URL = "https://api.sendgrid.com";

export interface SendGridSdk {
  runtime: Runtime;
  client: Client;
  mail: MailService;
  baseUrl: URL;
  /** Key rotation: the SDK's setApiKey resets the base URL, so it is re-applied here. */
  setApiKey(apiKey: string): void;
}

interface AxiosLikeConfig {
  url?: string;
  baseURL?: string;
  method?: string;
  params?: Record<string, unknown>;
  data?: unknown;
  headers?: { toJSON?: () => Record<string, unknown> } & Record<string, unknown>;
}

function fullUrl(config: AxiosLikeConfig): URL {
  const url = new URL(config.url ?? "", config.baseURL);
  for (const [k, v] of Object.entries(config.params ?? {}))
    if (v !== undefined) url.searchParams.set(k, String(v));
  return url;
}

function plainHeaders(h: AxiosLikeConfig["headers"]): Record<string, string> {
  const raw = (h?.toJSON ? h.toJSON() : h) ?? {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw))
    if (v !== undefined && v !== null && v !== false) out[k] = String(v);
  return out;
}

/**
 * Per-connection SendGrid client (never the module singletons, which are process-wide), whose axios
 * adapter makes exactly one HTTP exchange per attempt with the attempt's abort signal.
 */
export async function createSendGridSdk(
  connection: SendGridConnection,
  setup: ResilienceSetup = {},
): Promise<SendGridSdk> {
  const baseUrl = await resolveBaseUrl(connection, SENDGRID_API_URL, VENDOR_HOSTS.sendgrid, setup.resolve);
  const agent = createGuardedAgent({
    protocol: baseUrl.protocol === "https:" ? "https:" : "http:",
    allowPrivate: connection.allowInsecureTestBaseUrl === true,
    vendor: "SendGrid",
  });
  const adapter = async (config: AxiosLikeConfig) => {
    const ctx = attemptContext.getStore();
    if (!ctx)
      throw new Error("SendGrid request made outside the resilience policy; use the connector's operations.");
    const res = await requestOnce({
      url: fullUrl(config),
      method: (config.method ?? "get").toUpperCase(),
      headers: plainHeaders(config.headers),
      ...(typeof config.data === "string" ? { body: config.data } : {}),
      agent,
      signal: ctx.signal,
    });
    if (res.status >= 300 && res.status < 400) {
      throw new UnsafeUrlError(
        res.headers.location ?? "(none)",
        "SendGrid answered with a redirect, which is never followed",
      );
    }
    throwIfHttpError(res);
    return { data: res.body, status: res.status, statusText: "", headers: res.headers, config, request: {} };
  };
  const client = new Client();
  const applyBase = () => client.setDefaultRequest("baseUrl", `${baseUrl.origin}/`);
  client.setApiKey(connection.credentials.apiKey);
  applyBase();
  client.setDefaultRequest({ adapter, maxRedirects: 0 } as never);
  const mail = new MailService();
  mail.setClient(client);
  return {
    runtime: createRuntime("sendgrid", connection.id, setup),
    client,
    mail,
    baseUrl,
    setApiKey(apiKey) {
      client.setApiKey(apiKey);
      applyBase();
    },
  };
}
