import type { z } from "zod";
import type { ConsentedConnection } from "../oauth-consent/settings";
import {
  type CredentialEnv,
  checkVendor,
  credentialFormats,
  testFakeVariable,
  VENDOR_CREDENTIALS,
  type VendorCredentials,
} from "../vendor-credentials";
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
  VAULT_KEY_VARIABLES,
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
/** Values never echoed in a message. */
const SECRET_NAME = /TOKEN|SECRET|KEY|PASSWORD/;

const val = (env: Env, name: string): string | undefined => {
  const v = env[name]?.trim();
  return v ? v : undefined;
};

/** The vendor a credential variable belongs to (GA4's property is Google's; the test fakes are no vendor's). */
function ownerOf(variable: string): DoctorVendor | undefined {
  if (variable === "GA4_PROPERTY_ID") return "google";
  return DOCTOR_VENDORS.find((v) => variable.startsWith(`${v.toUpperCase()}_`));
}
const DOCTOR_VENDORS = Object.keys(VENDOR_CREDENTIALS) as DoctorVendor[];

/** Every credential variable parsed with the servers' own formats; a value they refuse is a problem here too. */
function parseFormats(env: Env) {
  const values: Record<string, unknown> = {};
  const invalid: { variable: string; message: string }[] = [];
  for (const [name, schema] of Object.entries(credentialFormats.shape)) {
    const raw = val(env, name);
    const parsed = (schema as z.ZodType).safeParse(raw);
    if (parsed.success) values[name] = parsed.data;
    else {
      const got = SECRET_NAME.test(name) ? "" : ` (got "${raw}")`;
      invalid.push({ variable: name, message: `${name}${got} ${parsed.error.issues[0]?.message}.` });
    }
  }
  return { values: values as CredentialEnv, invalid };
}

/** The vault entry of the consent's tokens, as the probe opens it. */
const vaultOf = (c: { consented?: ConsentedConnection }): { vault?: VaultedOAuth } =>
  c.consented
    ? {
        vault: {
          id: c.consented.connectionId,
          clientId: c.consented.clientId,
          tokenUrl: c.consented.tokenUrl,
          ...(c.consented.clientSecret ? { clientSecret: c.consented.clientSecret } : {}),
        },
      }
    : {};

/** The doctor's view of each vendor's checked credentials. */
const TO_CONNECTION: { [V in DoctorVendor]: (base: Base, c: VendorCredentials<V>) => DoctorConnection } = {
  hubspot: (base, c) => ({ ...base, vendor: "hubspot", accessToken: c.accessToken, ...vaultOf(c) }),
  salesforce: (base, c) => ({
    ...base,
    vendor: "salesforce",
    accessToken: c.accessToken ?? "",
    ...(c.instanceUrl ? { instanceUrl: c.instanceUrl } : {}),
    ...(c.oauth ? { oauth: c.oauth } : {}),
    ...vaultOf(c),
  }),
  google: (base, c) => ({
    ...base,
    vendor: "google",
    accessToken: c.accessToken,
    ...(c.propertyId ? { ga4PropertyId: c.propertyId } : {}),
    ...vaultOf(c),
  }),
  zendesk: (base, c) => ({
    ...base,
    vendor: "zendesk",
    ...(c.subdomain ? { subdomain: c.subdomain } : {}),
    email: c.email,
    apiToken: c.apiToken,
    ...vaultOf(c),
  }),
  intercom: (base, c) => ({
    ...base,
    vendor: "intercom",
    accessToken: c.accessToken,
    region: c.region,
    ...vaultOf(c),
  }),
  mixpanel: (base, c) => ({
    ...base,
    vendor: "mixpanel",
    projectId: c.projectId,
    username: c.username,
    secret: c.secret,
    region: c.region,
    ...(c.testCa ? { testCa: c.testCa } : {}),
  }),
  apollo: (base, c) => ({ ...base, vendor: "apollo", apiKey: c.apiKey }),
  sendgrid: (base, c) => ({ ...base, vendor: "sendgrid", apiKey: c.apiKey }),
};

/**
 * The vendor connections the environment configures (credentials present, or a server selecting the vendor),
 * which servers use each, and what is half-configured: each problem names the variable to set or fix.
 * Runs the servers' own rules (../vendor-credentials: formats, then each vendor's checks); nothing is contacted.
 */
export function configuredConnections(env: Env): ConfiguredConnections {
  const problems: ConfigProblem[] = [];
  const connections: DoctorConnection[] = [];
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

  const { values, invalid } = parseFormats(env);
  const refused = new Set<DoctorVendor | undefined>();
  for (const p of invalid) {
    const vendor = ownerOf(p.variable);
    refused.add(vendor);
    problems.push({ ...(vendor ? { vendor } : {}), ...p, usedBy: vendor ? (usedBy.get(vendor) ?? []) : [] });
  }
  const secrets = Object.keys(credentialFormats.shape)
    .filter((n) => SECRET_NAME.test(n))
    .flatMap((n) => val(env, n) ?? []);

  for (const vendor of DOCTOR_VENDORS) {
    const by = usedBy.get(vendor) ?? [];
    const configured = VENDOR_CREDENTIALS[vendor].configuredBy.some((v) => val(env, v) !== undefined);
    if (!by.length && !configured) continue;
    const checked = checkVendor(vendor, values, {
      selector: by.map((u) => `${u.selector}=${vendor}`).join(" and ") || undefined,
      raw: env,
      analytics: by.some((u) => u.selector === "MARKETING_WEB"),
    });
    // a value the formats refused is reported once, above
    for (const p of checked.problems.filter((q) => !invalid.some((i) => i.variable === q.variable))) {
      const message = `${p.variable} ${p.message}`;
      // one refused test fake, however many vendors it would serve
      const same = problems.find((q) => q.variable === p.variable && q.message === message);
      if (same) same.usedBy = [...same.usedBy, ...by];
      else problems.push({ vendor, variable: p.variable, message, usedBy: by });
    }
    // a refused value stops the vendor's connection; a refused test fake stops every vendor's
    if (!checked.ok || refused.has(vendor) || refused.has(undefined)) continue;
    const baseUrl = checked.value.baseUrl;
    const base: Base = {
      id: vendor,
      usedBy: by,
      allowInsecureTestBaseUrl: baseUrl !== undefined,
      ...(baseUrl ? { baseUrl, baseUrlVariable: testFakeVariable(vendor) } : {}),
    };
    connections.push(
      (TO_CONNECTION[vendor] as (b: Base, c: unknown) => DoctorConnection)(base, checked.value),
    );
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
