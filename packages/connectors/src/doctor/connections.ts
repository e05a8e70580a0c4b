import { type ConsentVendor, consentTokenUrl } from "../oauth-consent/providers";
import { DOCTOR_VARIABLES, type DoctorVendor, SELECTORS, type ServerName } from "./settings";

export {
  DOCTOR_VARIABLES,
  type DoctorVendor,
  SELECTORS,
  type Selector,
  type ServerName,
  type SignInMethod,
  selectorsFor,
  TEST_VARIABLES,
  VENDOR_LABELS,
  VENDOR_SETTINGS,
  type VendorVariable,
  vendorVariables,
} from "./settings";

/** One server that selects a vendor connection, and the variable that selects it. */
export interface ServerUse {
  server: ServerName;
  /** e.g. SALES_CRM */
  selector: string;
  /** The connection id that server gives it (sales-hubspot, cs-zendesk, …). */
  connectionId: string;
}

interface Base {
  /** The environment holds at most one account per vendor: its id is the vendor's name. */
  id: string;
  usedBy: ServerUse[];
  /** Test-only fake (REVOPS_TEST_VENDOR_BASE_URL / REVOPS_TEST_ENRICHMENT_BASE_URL), as the apps read it. */
  baseUrl?: string;
  allowInsecureTestBaseUrl: boolean;
  /** Which variable the base URL came from, to name it when the URL is refused. */
  baseUrlVariable?: string;
}

/** A connection whose tokens the OAuth consent stored in the credential vault (`revops setup`). */
export interface VaultedOAuth {
  /** The vault entry of the tokens (<VENDOR>_OAUTH_CONNECTION). */
  id: string;
  clientId: string;
  /** Only when the settings carry it; otherwise the vault's copy is used. */
  clientSecret?: string;
  tokenUrl: string;
}

export type DoctorConnection =
  | (Base & { vendor: "hubspot"; accessToken: string; vault?: VaultedOAuth })
  | (Base & {
      vendor: "salesforce";
      vault?: VaultedOAuth;
      /** A fixed session, or the refresh-token flow's first token (none: the probe redeems the refresh token). */
      accessToken: string;
      instanceUrl?: string;
      oauth?: { clientId: string; clientSecret: string; refreshToken: string; tokenUrl: string };
    })
  | (Base & {
      vendor: "zendesk";
      subdomain?: string;
      /** Empty with the consent's vault tokens. */
      email: string;
      apiToken: string;
      vault?: VaultedOAuth;
    })
  | (Base & { vendor: "intercom"; accessToken: string; region: "us" | "eu" | "au"; vault?: VaultedOAuth })
  | (Base & {
      vendor: "mixpanel";
      projectId: string;
      username: string;
      secret: string;
      region: "us" | "eu" | "in";
      testCa?: string;
    })
  | (Base & { vendor: "apollo"; apiKey: string })
  | (Base & { vendor: "sendgrid"; apiKey: string })
  | (Base & {
      vendor: "google";
      accessToken: string;
      vault?: VaultedOAuth;
      /** GA4_PROPERTY_ID: the marketing server's web analytics property, checked with a report when set. */
      ga4PropertyId?: string;
    });

/** A connection that cannot be used as configured: which variable to set or fix, and how. */
export interface ConfigProblem {
  vendor?: DoctorVendor;
  /** The variable to set or fix. */
  variable: string;
  message: string;
  usedBy: ServerUse[];
}

export interface ConfiguredConnections {
  connections: DoctorConnection[];
  problems: ConfigProblem[];
  /** Credential values found, so any output can be checked or scrubbed for them. */
  secrets: string[];
}

type Env = Record<string, string | undefined>;

/** First 4 characters and an ellipsis; short values are hidden entirely. */
export function maskSecret(value: string): string {
  return value.length >= 8 ? `${value.slice(0, 4)}…` : "…";
}

/** Replaces every occurrence of a secret in `text` by its masked form. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    if (s.length >= 4) out = out.split(s).join(maskSecret(s));
  }
  return out;
}

const FIX = "see docs/integrations.md";
const SUBDOMAIN = /^[a-z0-9][a-z0-9-]{0,62}$/i;

const isHttpUrl = (v: string) => {
  try {
    return ["http:", "https:"].includes(new URL(v).protocol);
  } catch {
    return false;
  }
};

/** One URL for every vendor, or `vendor=URL` pairs (customer-success's format). */
function testBaseUrls(value: string): Record<string, string> | undefined {
  if (isHttpUrl(value)) return { "*": value };
  const pairs = value.split(",").map((p) => p.trim().split(/=(.*)/s, 2) as [string, string?]);
  if (!pairs.every(([k, v]) => /^[a-z]+$/.test(k) && v && isHttpUrl(v))) return undefined;
  return Object.fromEntries(pairs as [string, string][]);
}

const val = (env: Env, name: string): string | undefined => {
  const v = env[name]?.trim();
  return v ? v : undefined;
};

const truthy = (v: string | undefined) => v === "true" || v === "1" || v === "yes";

/**
 * The vendor connections the environment configures (credentials present, or a server selecting the vendor),
 * which servers use each, and what is half-configured: each problem names the variable to set or fix.
 * Reads the same variables as the apps (apps/*\/src/integrations/config.ts); nothing is contacted.
 */
export function configuredConnections(env: Env): ConfiguredConnections {
  const problems: ConfigProblem[] = [];
  const connections: DoctorConnection[] = [];
  const secrets: string[] = [];
  const usedBy = new Map<DoctorVendor, ServerUse[]>();

  for (const s of SELECTORS) {
    const raw = val(env, s.variable);
    if (!raw || raw === s.off) continue;
    const connectionId = s.vendors[raw as DoctorVendor];
    if (!connectionId) {
      problems.push({
        variable: s.variable,
        message: `${s.variable}="${raw}" is not a choice: use ${[s.off, ...Object.keys(s.vendors)].join(" or ")} (${FIX}).`,
        usedBy: [],
      });
      continue;
    }
    const list = usedBy.get(raw as DoctorVendor) ?? [];
    list.push({ server: s.server, selector: s.variable, connectionId });
    usedBy.set(raw as DoctorVendor, list);
  }

  // Test-only fakes, honoured exactly when the apps honour them.
  const testRaw = val(env, "REVOPS_TEST_VENDOR_BASE_URL");
  const enrichmentRaw = val(env, "REVOPS_TEST_ENRICHMENT_BASE_URL");
  const allowInsecure = truthy(val(env, "REVOPS_ALLOW_INSECURE_TEST_VENDOR"));
  const testUrls = testRaw ? testBaseUrls(testRaw) : undefined;
  if (testRaw && !testUrls) {
    problems.push({
      variable: "REVOPS_TEST_VENDOR_BASE_URL",
      message:
        "REVOPS_TEST_VENDOR_BASE_URL must be an http(s) URL or vendor=URL pairs separated by commas (tests only).",
      usedBy: [],
    });
  }
  for (const [name, raw] of [
    ["REVOPS_TEST_VENDOR_BASE_URL", testRaw],
    ["REVOPS_TEST_ENRICHMENT_BASE_URL", enrichmentRaw],
  ] as const) {
    if (raw && !allowInsecure) {
      problems.push({
        variable: name,
        message: `${name} is for the test fakes only and is refused unless REVOPS_ALLOW_INSECURE_TEST_VENDOR=true; unset it to reach the real vendor.`,
        usedBy: [],
      });
    }
  }
  const testFor = (vendor: DoctorVendor) => {
    if (!allowInsecure) return { allowInsecureTestBaseUrl: false };
    const url =
      vendor === "apollo" ? enrichmentRaw : testUrls ? (testUrls[vendor] ?? testUrls["*"]) : undefined;
    if (!url) return { allowInsecureTestBaseUrl: false };
    const variable = vendor === "apollo" ? "REVOPS_TEST_ENRICHMENT_BASE_URL" : "REVOPS_TEST_VENDOR_BASE_URL";
    return { baseUrl: url, baseUrlVariable: variable, allowInsecureTestBaseUrl: true };
  };

  /** A fake URL meant for this vendor but refused (no allow flag): the app would not start it, so no probe. */
  const refusedTestUrl = (vendor: DoctorVendor) =>
    !allowInsecure &&
    (vendor === "apollo"
      ? enrichmentRaw !== undefined
      : testUrls !== undefined && (testUrls[vendor] ?? testUrls["*"]) !== undefined);
  const add = (conn: DoctorConnection) => {
    if (!refusedTestUrl(conn.vendor)) return void connections.push(conn);
    const variable =
      conn.vendor === "apollo" ? "REVOPS_TEST_ENRICHMENT_BASE_URL" : "REVOPS_TEST_VENDOR_BASE_URL";
    problems.push({
      vendor: conn.vendor,
      variable,
      message: `not checked: the servers refuse this connection while ${variable} is set without REVOPS_ALLOW_INSECURE_TEST_VENDOR=true.`,
      usedBy: conn.usedBy,
    });
  };
  const wanted = (vendor: DoctorVendor, variables: readonly string[]) =>
    usedBy.has(vendor) || variables.some((v) => val(env, v) !== undefined);
  const missing = (vendor: DoctorVendor, variable: string, what: string) => {
    const by = usedBy.get(vendor) ?? [];
    const selected = by.map((u) => `${u.selector}=${vendor}`).join(" and ");
    problems.push({
      vendor,
      variable,
      message: `${variable} is missing${selected ? ` (${selected})` : ""}: ${what}`,
      usedBy: by,
    });
  };
  const invalid = (vendor: DoctorVendor, variable: string, what: string) =>
    problems.push({ vendor, variable, message: `${variable} ${what}`, usedBy: usedBy.get(vendor) ?? [] });
  const base = (vendor: DoctorVendor) => ({
    id: vendor,
    usedBy: usedBy.get(vendor) ?? [],
    ...testFor(vendor),
  });

  /** The OAuth consent's connection, when its variable is set (null: set but incomplete, reported). */
  const vaulted = (vendor: ConsentVendor, tokenUrl: string): VaultedOAuth | null | undefined => {
    const prefix = vendor.toUpperCase();
    const id = val(env, `${prefix}_OAUTH_CONNECTION`);
    if (!id) return undefined;
    const clientId = val(env, `${prefix}_CLIENT_ID`);
    const clientSecret = val(env, `${prefix}_CLIENT_SECRET`);
    if (clientSecret) secrets.push(clientSecret);
    if (!clientId) {
      missing(
        vendor,
        `${prefix}_CLIENT_ID`,
        `is needed with ${prefix}_OAUTH_CONNECTION: the app's client id.`,
      );
      return null;
    }
    return { id, clientId, tokenUrl, ...(clientSecret ? { clientSecret } : {}) };
  };

  // HubSpot
  if (wanted("hubspot", ["HUBSPOT_ACCESS_TOKEN", "HUBSPOT_OAUTH_CONNECTION"])) {
    const token = val(env, "HUBSPOT_ACCESS_TOKEN");
    const test = testFor("hubspot");
    const vault = vaulted(
      "hubspot",
      consentTokenUrl("hubspot", { ...(test.baseUrl ? { testBaseUrl: test.baseUrl } : {}) }),
    );
    if (vault) add({ ...base("hubspot"), vendor: "hubspot", accessToken: "", vault });
    else if (vault === null) {
      // reported by vaulted()
    } else if (!token) {
      missing(
        "hubspot",
        "HUBSPOT_ACCESS_TOKEN",
        "set a HubSpot private-app token (Settings → Integrations → Private Apps).",
      );
    } else {
      secrets.push(token);
      add({ ...base("hubspot"), vendor: "hubspot", accessToken: token });
    }
  }

  // Google (Calendar and Gmail): its fake has its own variable, as the sales app reads it
  if (wanted("google", ["GOOGLE_ACCESS_TOKEN", "GOOGLE_OAUTH_CONNECTION"])) {
    const fake = allowInsecure ? val(env, "REVOPS_TEST_GOOGLE_BASE_URL") : undefined;
    const test = fake
      ? { baseUrl: fake, baseUrlVariable: "REVOPS_TEST_GOOGLE_BASE_URL", allowInsecureTestBaseUrl: true }
      : { allowInsecureTestBaseUrl: false };
    const ga4 = val(env, "GA4_PROPERTY_ID");
    const google = {
      id: "google",
      usedBy: usedBy.get("google") ?? [],
      ...test,
      vendor: "google" as const,
      ...(ga4 ? { ga4PropertyId: ga4 } : {}),
    };
    const vault = vaulted("google", consentTokenUrl("google", fake ? { testBaseUrl: fake } : {}));
    const token = val(env, "GOOGLE_ACCESS_TOKEN");
    if (vault) connections.push({ ...google, accessToken: "", vault });
    else if (vault === null) {
      // reported by vaulted()
    } else if (!token) {
      missing(
        "google",
        "GOOGLE_ACCESS_TOKEN",
        "run `revops connections add google` to sign in with Google (or set an OAuth access token).",
      );
    } else {
      secrets.push(token);
      connections.push({ ...google, accessToken: token });
    }
  }

  // Salesforce
  if (
    wanted("salesforce", [
      "SALESFORCE_ACCESS_TOKEN",
      "SALESFORCE_INSTANCE_URL",
      "SALESFORCE_REFRESH_TOKEN",
      "SALESFORCE_OAUTH_CONNECTION",
    ]) &&
    !val(env, "SALESFORCE_OAUTH_CONNECTION")
  ) {
    const token = val(env, "SALESFORCE_ACCESS_TOKEN");
    const instanceUrl = val(env, "SALESFORCE_INSTANCE_URL");
    const test = testFor("salesforce");
    const refresh = val(env, "SALESFORCE_REFRESH_TOKEN");
    if (refresh) secrets.push(refresh);
    let ok = true;
    const clientId = val(env, "SALESFORCE_CLIENT_ID");
    const clientSecret = val(env, "SALESFORCE_CLIENT_SECRET");
    if (clientSecret) secrets.push(clientSecret);
    if (refresh && (!clientId || !clientSecret)) {
      ok = false;
      missing(
        "salesforce",
        clientId ? "SALESFORCE_CLIENT_SECRET" : "SALESFORCE_CLIENT_ID",
        "is needed with SALESFORCE_REFRESH_TOKEN: copy it from the connected app (Setup → App Manager → View).",
      );
    } else if (!token && !refresh) {
      ok = false;
      missing(
        "salesforce",
        "SALESFORCE_REFRESH_TOKEN",
        "or SALESFORCE_ACCESS_TOKEN: set the integration user's refresh token with the connected app's SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET (or a session access token).",
      );
    } else if (token) secrets.push(token);
    const login = val(env, "SALESFORCE_LOGIN_URL") ?? "https://login.salesforce.com";
    const oauth =
      refresh && clientId && clientSecret
        ? {
            clientId,
            clientSecret,
            refreshToken: refresh,
            tokenUrl: `${test.baseUrl ?? login.replace(/\/+$/, "")}/services/oauth2/token`,
          }
        : undefined;
    if (!instanceUrl && !test.baseUrl && !refresh) {
      ok = false;
      missing("salesforce", "SALESFORCE_INSTANCE_URL", "set your org's https://<domain>.my.salesforce.com.");
    } else if (instanceUrl && !isHttpUrl(instanceUrl)) {
      ok = false;
      invalid(
        "salesforce",
        "SALESFORCE_INSTANCE_URL",
        "is not a URL: set https://<domain>.my.salesforce.com.",
      );
    }
    if (ok && (token || oauth)) {
      add({
        ...base("salesforce"),
        vendor: "salesforce",
        accessToken: token ?? "",
        ...(instanceUrl ? { instanceUrl } : {}),
        ...(oauth ? { oauth } : {}),
      });
    }
  }

  // Salesforce through the consent: the tokens and the instance URL are in the vault
  if (val(env, "SALESFORCE_OAUTH_CONNECTION")) {
    const test = testFor("salesforce");
    const login = val(env, "SALESFORCE_LOGIN_URL");
    const vault = vaulted(
      "salesforce",
      consentTokenUrl("salesforce", {
        ...(test.baseUrl ? { testBaseUrl: test.baseUrl } : {}),
        ...(login ? { loginUrl: login } : {}),
      }),
    );
    if (vault) add({ ...base("salesforce"), vendor: "salesforce", accessToken: "", vault });
  }

  // Zendesk
  if (
    wanted("zendesk", ["ZENDESK_SUBDOMAIN", "ZENDESK_EMAIL", "ZENDESK_API_TOKEN", "ZENDESK_OAUTH_CONNECTION"])
  ) {
    const subdomain = val(env, "ZENDESK_SUBDOMAIN");
    const email = val(env, "ZENDESK_EMAIL");
    const apiToken = val(env, "ZENDESK_API_TOKEN");
    const test = testFor("zendesk");
    if (apiToken) secrets.push(apiToken);
    const vault = vaulted(
      "zendesk",
      consentTokenUrl(
        "zendesk",
        test.baseUrl ? { testBaseUrl: test.baseUrl } : { subdomain: subdomain ?? "" },
      ),
    );
    // the consent's tokens replace the agent email and API token
    const viaVault = vault !== undefined;
    let ok = vault !== null;
    if (!subdomain && !test.baseUrl) {
      ok = false;
      missing(
        "zendesk",
        "ZENDESK_SUBDOMAIN",
        "set the account's subdomain (acme for https://acme.zendesk.com).",
      );
    } else if (subdomain && !SUBDOMAIN.test(subdomain)) {
      ok = false;
      invalid(
        "zendesk",
        "ZENDESK_SUBDOMAIN",
        `"${subdomain}" is not a subdomain: give only the first label (acme for https://acme.zendesk.com).`,
      );
    }
    if (!email && !viaVault) {
      ok = false;
      missing("zendesk", "ZENDESK_EMAIL", "set the email of the agent whose API token is used.");
    }
    if (!apiToken && !viaVault) {
      ok = false;
      missing(
        "zendesk",
        "ZENDESK_API_TOKEN",
        "create one in Admin Center → Apps and integrations → Zendesk API.",
      );
    }
    if (ok) {
      add({
        ...base("zendesk"),
        vendor: "zendesk",
        ...(subdomain ? { subdomain } : {}),
        email: viaVault ? "" : (email ?? ""),
        apiToken: viaVault ? "" : (apiToken ?? ""),
        ...(vault ? { vault } : {}),
      });
    }
  }

  // Intercom
  if (wanted("intercom", ["INTERCOM_ACCESS_TOKEN", "INTERCOM_OAUTH_CONNECTION"])) {
    const token = val(env, "INTERCOM_ACCESS_TOKEN");
    const region = val(env, "INTERCOM_REGION") ?? "us";
    const test = testFor("intercom");
    const vault = vaulted(
      "intercom",
      consentTokenUrl("intercom", test.baseUrl ? { testBaseUrl: test.baseUrl } : {}),
    );
    let ok = vault !== null;
    if (!["us", "eu", "au"].includes(region)) {
      ok = false;
      invalid("intercom", "INTERCOM_REGION", `"${region}" is not a region: use us, eu or au.`);
    }
    if (!token && vault === undefined) {
      ok = false;
      missing(
        "intercom",
        "INTERCOM_ACCESS_TOKEN",
        "set the access token of an Intercom app that can read users, companies and conversations (Developer Hub → your app → Authentication).",
      );
    } else if (token && !vault) secrets.push(token);
    if (ok) {
      add({
        ...base("intercom"),
        vendor: "intercom",
        accessToken: vault ? "" : (token ?? ""),
        region: region as "us" | "eu" | "au",
        ...(vault ? { vault } : {}),
      });
    }
  }

  // Mixpanel
  if (
    wanted("mixpanel", [
      "MIXPANEL_PROJECT_ID",
      "MIXPANEL_SERVICE_ACCOUNT_USERNAME",
      "MIXPANEL_SERVICE_ACCOUNT_SECRET",
    ])
  ) {
    const projectId = val(env, "MIXPANEL_PROJECT_ID");
    const username = val(env, "MIXPANEL_SERVICE_ACCOUNT_USERNAME");
    const secret = val(env, "MIXPANEL_SERVICE_ACCOUNT_SECRET");
    const region = val(env, "MIXPANEL_REGION") ?? "us";
    if (secret) secrets.push(secret);
    let ok = true;
    if (!projectId) {
      ok = false;
      missing("mixpanel", "MIXPANEL_PROJECT_ID", "the number in Project Settings → Overview.");
    } else if (!/^\d+$/.test(projectId)) {
      ok = false;
      invalid(
        "mixpanel",
        "MIXPANEL_PROJECT_ID",
        "must be the numeric project id (Project Settings → Overview).",
      );
    }
    if (!username) {
      ok = false;
      missing(
        "mixpanel",
        "MIXPANEL_SERVICE_ACCOUNT_USERNAME",
        "create a service account with access to the project (Organization Settings → Service Accounts).",
      );
    }
    if (!secret) {
      ok = false;
      missing(
        "mixpanel",
        "MIXPANEL_SERVICE_ACCOUNT_SECRET",
        "the secret shown once when the service account was created.",
      );
    }
    if (!["us", "eu", "in"].includes(region)) {
      ok = false;
      invalid("mixpanel", "MIXPANEL_REGION", `"${region}" is not a region: use us, eu or in.`);
    }
    const ca = val(env, "REVOPS_TEST_VENDOR_CA");
    const test = testFor("mixpanel");
    if (ok && projectId && username && secret) {
      add({
        ...base("mixpanel"),
        vendor: "mixpanel",
        projectId,
        username,
        secret,
        region: region as "us" | "eu" | "in",
        ...(test.baseUrl && ca ? { testCa: ca } : {}),
      });
    }
  }

  // Apollo
  if (wanted("apollo", ["APOLLO_API_KEY"])) {
    const key = val(env, "APOLLO_API_KEY");
    if (!key) {
      missing(
        "apollo",
        "APOLLO_API_KEY",
        "create an API key in Apollo (Settings → Integrations → API Keys), or unset SALES_ENRICHMENT.",
      );
    } else {
      secrets.push(key);
      add({ ...base("apollo"), vendor: "apollo", apiKey: key });
    }
  }

  return { connections, problems, secrets };
}

const VARIABLE_NAMES = new RegExp(
  `\\b(${[...DOCTOR_VARIABLES].sort((a, b) => b.length - a.length).join("|")})\\b`,
  "g",
);

/**
 * A named connection's own connections and problems (`HUBSPOT_ACCESS_TOKEN__EU` → connection "eu"): `named` is its
 * environment laid over the default one; what it shares unchanged with the default is left to the default.
 */
export function namedConnectionsOf(
  name: string,
  named: ConfiguredConnections,
  defaults: ConfiguredConnections,
): ConfiguredConnections {
  const key = ({ id: _id, usedBy: _u, ...rest }: DoctorConnection) => JSON.stringify(rest);
  const same = new Set(defaults.connections.map(key));
  const sameProblem = new Set(defaults.problems.map((p) => `${p.variable}:${p.message}`));
  const suffix = `__${name.toUpperCase()}`;
  return {
    connections: named.connections
      .filter((c) => !same.has(key(c)))
      .map((c) => ({
        ...c,
        id: `${c.id}-${name}`,
        usedBy: c.usedBy.map((u) => ({ ...u, connectionId: `${u.connectionId}-${name}` })),
      })),
    problems: named.problems
      .filter((p) => !sameProblem.has(`${p.variable}:${p.message}`))
      .map((p) => ({
        ...p,
        variable: `${p.variable}${suffix}`,
        // the variables to fix are the connection's own: HUBSPOT_ACCESS_TOKEN__EU, not the default's
        message: p.message.replace(VARIABLE_NAMES, (v) => `${v}${suffix}`),
        usedBy: p.usedBy.map((u) => ({ ...u, connectionId: `${u.connectionId}-${name}` })),
      })),
    secrets: named.secrets,
  };
}
