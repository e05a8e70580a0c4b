export const AREAS = ["sales", "marketing", "cs", "audit"] as const;
export const VERBS = ["read", "write", "send", "spend"] as const;
export type Area = (typeof AREAS)[number];
export type Verb = (typeof VERBS)[number];

/** "*", "<area>:<verb>", "<area>:*" or "*:<verb>". */
export const SCOPE_PATTERN = new RegExp(`^(\\*|(${AREAS.join("|")}|\\*):(${VERBS.join("|")}|\\*))$`);

export function isValidScope(scope: string): boolean {
  return SCOPE_PATTERN.test(scope) && scope !== "*:*";
}

/** True when `granted` covers `needed`, honouring "*", "<area>:*" and "*:<verb>" wildcards. */
export function hasScope(granted: readonly string[], needed: string): boolean {
  const [area, verb] = needed.split(":");
  return granted.some((g) => g === "*" || g === needed || g === `${area}:*` || g === `*:${verb}`);
}

/** The subset of `needed` that `granted` does not cover. */
export function missingScopes(granted: readonly string[], needed: readonly string[]): string[] {
  return needed.filter((n) => !hasScope(granted, n));
}
