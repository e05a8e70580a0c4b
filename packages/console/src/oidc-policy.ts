/** Who may sign in with the organisation's login, and with which console role. */
export interface OidcPolicy {
  /** Lower-case email domains allowed; empty = any (then groups must restrict). */
  allowedDomains: readonly string[];
  /** Groups (from `groupsClaim`) of which the user must hold one; empty = any. */
  allowedGroups: readonly string[];
  /** The claim holding the user's groups or roles: a claim name, or a dotted path (realm_access.roles). */
  groupsClaim: string;
  /** Provider group → console role; the first group the user holds wins, so list the strongest first. */
  roleMap: readonly (readonly [group: string, role: string])[];
  /** Role of allowed users whose groups map to none; never an administrator (checked at start-up). */
  defaultRole?: string;
}

export type OidcDecision =
  | { ok: true; email: string; role: string; groups: string[] }
  | { ok: false; email?: string; reason: string };

/** The groups a claim set holds: the exact claim name first (Auth0 uses URLs as names), then a dotted path. */
export function groupsOf(claims: Record<string, unknown>, claim: string): string[] {
  let value: unknown = claims[claim];
  if (value === undefined && claim.includes(".")) {
    value = claim
      .split(".")
      .reduce<unknown>(
        (v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined),
        claims,
      );
  }
  if (typeof value === "string") return value.split(/[\s,]+/).filter(Boolean);
  return Array.isArray(value) ? value.filter((g): g is string => typeof g === "string") : [];
}

/** Decides from the provider's validated claims; refusals say why in words the person can act on. */
export function decideOidc(policy: OidcPolicy, claims: Record<string, unknown>): OidcDecision {
  const email = typeof claims.email === "string" ? claims.email.trim().toLowerCase() : "";
  if (!email || !/^[^\s@]+@[^\s@]+$/.test(email))
    return {
      ok: false,
      reason: "The provider sent no email address for your account; ask your administrator.",
    };
  // an unverified address proves nothing about the domain (anyone can type one at some providers)
  if (claims.email_verified === false)
    return { ok: false, email, reason: `The provider has not verified ${email}; verify it there first.` };
  const domain = email.slice(email.lastIndexOf("@") + 1);
  if (policy.allowedDomains.length && !policy.allowedDomains.includes(domain))
    return {
      ok: false,
      email,
      reason: `Accounts at ${domain} may not use this console; sign in with your organisation's account.`,
    };
  const groups = groupsOf(claims, policy.groupsClaim);
  if (policy.allowedGroups.length && !groups.some((g) => policy.allowedGroups.includes(g)))
    return {
      ok: false,
      email,
      reason: `${email} is in none of the groups allowed to use this console; ask your administrator to add you.`,
    };
  const role = policy.roleMap.find(([group]) => groups.includes(group))?.[1] ?? policy.defaultRole;
  if (!role)
    return {
      ok: false,
      email,
      reason: `No console role is mapped to the groups of ${email}; ask your administrator for one.`,
    };
  return { ok: true, email, role, groups };
}
