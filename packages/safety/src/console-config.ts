import { isLoopbackHost, type RoleMap, resolveScopes } from "@revops/auth";
import type { OidcSettings } from "@revops/console";
import { ConfigError } from "@revops/kit";
import { z } from "zod";

const list = (what: string, item: RegExp) =>
  z
    .string()
    .transform((v) => [
      ...new Set(
        v
          .split(",")
          .map((x) => x.trim())
          .filter(Boolean),
      ),
    ])
    .refine((xs) => xs.every((x) => item.test(x)), `use ${what}, comma-separated`)
    .optional();

/** "group=role,group=role": the first group a person holds decides, so the strongest goes first. */
const roleMap = z
  .string()
  .transform((v) =>
    v
      .split(",")
      .map((pair) => pair.trim())
      .filter(Boolean)
      .map((pair) => {
        const i = pair.lastIndexOf("=");
        return i < 0 ? (["", ""] as const) : ([pair.slice(0, i).trim(), pair.slice(i + 1).trim()] as const);
      }),
  )
  .refine(
    (pairs) => pairs.every(([g, r]) => g && r),
    'use "group=role" pairs, comma-separated, strongest first (e.g. revops-admins=admin,finance=auditor)',
  )
  .optional();

/** The admin console's sign-in settings; documented one by one in .env.example. */
export const consoleConfigShape = {
  /** The organisation's OpenID Provider (issuer URL, discovered at /.well-known/openid-configuration). */
  CONSOLE_OIDC_ISSUER: z.url({ protocol: /^https?$/ }).optional(),
  CONSOLE_OIDC_CLIENT_ID: z.string().min(1).optional(),
  CONSOLE_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  CONSOLE_OIDC_PROVIDER_NAME: z.string().min(1).max(60).optional(),
  CONSOLE_OIDC_SCOPES: z
    .string()
    .refine((s) => s.split(/\s+/).includes("openid"), 'include "openid" (e.g. openid email profile groups)')
    .optional(),
  CONSOLE_OIDC_ALLOWED_DOMAINS: list("email domains such as acme.com", /^[a-z0-9.-]+\.[a-z]{2,}$/i),
  CONSOLE_OIDC_ALLOWED_GROUPS: list("group names", /^\S.*$/),
  CONSOLE_OIDC_GROUPS_CLAIM: z.string().min(1).default("groups"),
  CONSOLE_OIDC_ROLE_MAP: roleMap,
  CONSOLE_OIDC_DEFAULT_ROLE: z.string().min(1).optional(),
  /** Password sign-in and one-time links; "false" leaves only the organisation's login. */
  CONSOLE_LOCAL_SIGNIN: z
    .enum(["true", "false", "1", "0", "yes", "no", ""])
    .optional()
    .transform((v) => !(v === "false" || v === "0" || v === "no")),
};

const consoleConfigObject = z.object(consoleConfigShape);
type ConsoleConfig = z.output<typeof consoleConfigObject> & {
  HOST: string;
  PUBLIC_URL?: string | undefined;
  CONSOLE_URL?: string | undefined;
};

const TUNING: readonly string[] = ["CONSOLE_OIDC_GROUPS_CLAIM", "CONSOLE_OIDC_SCOPES"];

/** Settings that only make sense together: a half-set OIDC login stops start-up, naming what to set. */
export function checkConsoleConfig(c: ConsoleConfig, ctx: z.RefinementCtx): void {
  const problem = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
  // what asks for the login (claim name and scopes only tune it)
  const set = (Object.keys(c) as (keyof ConsoleConfig)[]).filter(
    (k) => k.startsWith("CONSOLE_OIDC_") && !TUNING.includes(k) && c[k] !== undefined,
  );
  if (!set.length) {
    if (c.CONSOLE_LOCAL_SIGNIN === false)
      problem(
        "CONSOLE_LOCAL_SIGNIN",
        "with password sign-in off nobody could sign in: set CONSOLE_OIDC_ISSUER (and its client) or remove it",
      );
    return;
  }
  const first = set[0] as string;
  for (const [k, what] of [
    ["CONSOLE_OIDC_ISSUER", "the provider's issuer URL, e.g. https://login.acme.com"],
    ["CONSOLE_OIDC_CLIENT_ID", "the client id the provider gave the console"],
    ["CONSOLE_OIDC_CLIENT_SECRET", "that client's secret"],
  ] as const)
    if (!c[k])
      problem(k, `${first} is set, so set ${k} too: ${what} (or unset every CONSOLE_OIDC_ variable)`);
  const issuer = c.CONSOLE_OIDC_ISSUER ? new URL(c.CONSOLE_OIDC_ISSUER) : undefined;
  if (issuer?.protocol === "http:" && !isLoopbackHost(issuer.hostname))
    problem(
      "CONSOLE_OIDC_ISSUER",
      "use the provider's https:// URL (plain http only for a provider on this machine)",
    );
  if (!c.CONSOLE_OIDC_ALLOWED_DOMAINS?.length && !c.CONSOLE_OIDC_ALLOWED_GROUPS?.length)
    problem(
      "CONSOLE_OIDC_ALLOWED_DOMAINS",
      "set the email domains (or CONSOLE_OIDC_ALLOWED_GROUPS the groups) allowed to sign in; without either anyone with an account at the provider could",
    );
  if (!c.CONSOLE_OIDC_ROLE_MAP?.length && !c.CONSOLE_OIDC_DEFAULT_ROLE)
    problem(
      "CONSOLE_OIDC_ROLE_MAP",
      "map the provider's groups to console roles (e.g. revops-admins=admin,finance=auditor) or set CONSOLE_OIDC_DEFAULT_ROLE; otherwise nobody gets a role",
    );
  if (!c.CONSOLE_URL && !c.PUBLIC_URL && !isLoopbackHost(c.HOST))
    problem(
      "CONSOLE_URL",
      "set the console's public address (e.g. https://revops.example.com/console): the provider sends people back to <CONSOLE_URL>/oidc/callback",
    );
}

/** The console's OIDC settings, or undefined; roles are checked against the configured roles (REVOPS_ROLES_FILE). */
export function consoleOidcSettings(
  c: ConsoleConfig,
  roles: RoleMap,
  consoleUrl: string,
): OidcSettings | undefined {
  if (!c.CONSOLE_OIDC_ISSUER || !c.CONSOLE_OIDC_CLIENT_ID || !c.CONSOLE_OIDC_CLIENT_SECRET) return undefined;
  const refuse = (name: string, message: string): never => {
    throw new ConfigError(
      `Invalid configuration:\n  ${name}: ${message}. Fix it in the environment or .env (see .env.example).`,
    );
  };
  const known = Object.keys(roles).sort().join(", ");
  for (const [group, role] of c.CONSOLE_OIDC_ROLE_MAP ?? [])
    if (!Object.hasOwn(roles, role))
      refuse("CONSOLE_OIDC_ROLE_MAP", `group ${group} maps to unknown role "${role}"; known roles: ${known}`);
  const fallback = c.CONSOLE_OIDC_DEFAULT_ROLE;
  if (fallback && !Object.hasOwn(roles, fallback))
    refuse("CONSOLE_OIDC_DEFAULT_ROLE", `unknown role "${fallback}"; known roles: ${known}`);
  if (fallback && resolveScopes([fallback], roles).includes("*"))
    refuse(
      "CONSOLE_OIDC_DEFAULT_ROLE",
      `"${fallback}" is an administrator role, and nobody becomes an administrator by default: map a group to it in CONSOLE_OIDC_ROLE_MAP`,
    );
  return {
    issuer: c.CONSOLE_OIDC_ISSUER,
    clientId: c.CONSOLE_OIDC_CLIENT_ID,
    clientSecret: c.CONSOLE_OIDC_CLIENT_SECRET,
    redirectUri: `${consoleUrl.replace(/\/+$/, "")}/oidc/callback`,
    providerName: c.CONSOLE_OIDC_PROVIDER_NAME ?? new URL(c.CONSOLE_OIDC_ISSUER).hostname,
    ...(c.CONSOLE_OIDC_SCOPES && { scopes: c.CONSOLE_OIDC_SCOPES }),
    allowedDomains: (c.CONSOLE_OIDC_ALLOWED_DOMAINS ?? []).map((d) => d.toLowerCase()),
    allowedGroups: c.CONSOLE_OIDC_ALLOWED_GROUPS ?? [],
    groupsClaim: c.CONSOLE_OIDC_GROUPS_CLAIM,
    roleMap: c.CONSOLE_OIDC_ROLE_MAP ?? [],
    ...(fallback && { defaultRole: fallback }),
  };
}
