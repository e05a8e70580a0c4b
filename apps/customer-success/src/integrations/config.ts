import { ConfigError, envBool, loadConfig } from "@revops/kit";
import { z } from "zod";

const FIX = "Fix it in the environment or .env (see docs/integrations.md).";
const SUBDOMAIN = /^[a-z0-9][a-z0-9-]{0,62}$/i;

/** Every variable the customer-success integrations read: the one place they are read and validated. */
export const csIntegrationEnv = z.object({
  CS_SUPPORT: z.enum(["sandbox", "zendesk"]).default("sandbox"),
  ZENDESK_SUBDOMAIN: z.string().trim().min(1).optional(),
  ZENDESK_EMAIL: z.email().optional(),
  ZENDESK_API_TOKEN: z.string().min(1).optional(),
  CS_STALE_MAX_AGE_MINUTES: z.coerce.number().int().min(0).max(10_080).default(60),
  REVOPS_TEST_VENDOR_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  REVOPS_ALLOW_INSECURE_TEST_VENDOR: envBool,
});

export type CsSupportConfig =
  | { support: "sandbox" }
  | {
      support: "zendesk";
      connectionId: string;
      subdomain?: string;
      email: string;
      apiToken: string;
      staleMaxAgeMs: number;
      baseUrl?: string;
      allowInsecureTestBaseUrl: boolean;
    };

function problem(name: string, message: string): never {
  throw new ConfigError(`Invalid configuration:\n  ${name}: ${message} ${FIX}`);
}

/** Reads CS_SUPPORT and the Zendesk credentials; a bad value throws a ConfigError naming the variable and the fix. */
export function loadCsSupportConfig(env: Record<string, string | undefined> = process.env): CsSupportConfig {
  const e = loadConfig(csIntegrationEnv, { env });
  if (e.CS_SUPPORT === "sandbox") return { support: "sandbox" };
  if (e.REVOPS_TEST_VENDOR_BASE_URL && !e.REVOPS_ALLOW_INSECURE_TEST_VENDOR) {
    problem(
      "REVOPS_TEST_VENDOR_BASE_URL",
      "is for the test fakes only and is refused unless REVOPS_ALLOW_INSECURE_TEST_VENDOR=true; unset it to reach the real vendor.",
    );
  }
  const sub = e.ZENDESK_SUBDOMAIN;
  if (!sub && !e.REVOPS_TEST_VENDOR_BASE_URL) {
    problem(
      "ZENDESK_SUBDOMAIN",
      "is required when CS_SUPPORT=zendesk: set the account's subdomain (acme for https://acme.zendesk.com).",
    );
  }
  if (sub && !SUBDOMAIN.test(sub)) {
    problem(
      "ZENDESK_SUBDOMAIN",
      `"${sub}" is not a subdomain: give only the first label (acme for https://acme.zendesk.com).`,
    );
  }
  if (!e.ZENDESK_EMAIL) {
    problem(
      "ZENDESK_EMAIL",
      "is required when CS_SUPPORT=zendesk: set the email of the agent whose API token is used.",
    );
  }
  if (!e.ZENDESK_API_TOKEN) {
    problem(
      "ZENDESK_API_TOKEN",
      "is required when CS_SUPPORT=zendesk: create one in Admin Center → Apps and integrations → Zendesk API.",
    );
  }
  return {
    support: "zendesk",
    connectionId: "cs-zendesk",
    ...(sub ? { subdomain: sub } : {}),
    email: e.ZENDESK_EMAIL,
    apiToken: e.ZENDESK_API_TOKEN,
    staleMaxAgeMs: e.CS_STALE_MAX_AGE_MINUTES * 60_000,
    ...(e.REVOPS_TEST_VENDOR_BASE_URL ? { baseUrl: e.REVOPS_TEST_VENDOR_BASE_URL } : {}),
    allowInsecureTestBaseUrl: e.REVOPS_ALLOW_INSECURE_TEST_VENDOR,
  };
}
