import { readFileSync } from "node:fs";
import { z } from "zod";
import { AREAS, isValidScope, VERBS } from "./scopes";

/** Role name → granted scopes. */
export type RoleMap = Readonly<Record<string, readonly string[]>>;

const allReads = AREAS.map((a) => `${a}:read`);

/** Spend (money: enrichment credits, ad budgets) is never implied by write; only managers and admin get it. */
export const BUILTIN_ROLES: RoleMap = Object.freeze({
  "sales-rep": ["sales:read", "sales:write", "sales:send"],
  "sales-manager": ["sales:read", "sales:write", "sales:send", "sales:spend", "marketing:read", "cs:read"],
  marketer: ["marketing:read", "marketing:write", "marketing:send", "sales:read"],
  "cs-manager": ["cs:read", "cs:write", "cs:send", "sales:read"],
  admin: ["*"],
  auditor: allReads,
});

const scopeSchema = z.string().refine(isValidScope, {
  error: (issue) =>
    `invalid scope ${JSON.stringify(issue.input)}: expected "*" or <area>:<verb> with area ${AREAS.join("|")} (or *) and verb ${VERBS.join("|")} (or *)`,
});

const roleSchema = z.union([
  z.array(scopeSchema),
  z.strictObject({ scopes: z.array(scopeSchema).default([]), extends: z.array(z.string()).default([]) }),
]);

const ROLE_NAME = /^[a-z][a-z0-9-]{0,63}$/;

const fileSchema = z.strictObject({
  roles: z.record(z.string(), roleSchema).superRefine((roles, ctx) => {
    for (const name of Object.keys(roles)) {
      if (!ROLE_NAME.test(name)) {
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: "role names are lower-case letters, digits and '-'",
        });
      }
    }
  }),
});

export type RolesFile = z.input<typeof fileSchema>;

export class RolesConfigError extends Error {
  override name = "RolesConfigError";
}

/** Validates a roles document and merges it over the built-ins (a file may redefine a built-in). */
export function parseRolesConfig(value: unknown, source = "roles config"): RoleMap {
  const parsed = fileSchema.safeParse(value);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${formatPath(i.path)}: ${i.message}`);
    throw new RolesConfigError(`Invalid ${source}:\n${lines.join("\n")}`);
  }
  const defs = parsed.data.roles;
  const merged: Record<string, readonly string[]> = { ...BUILTIN_ROLES };
  const expand = (name: string, trail: string[]): string[] => {
    if (trail.includes(name)) {
      throw new RolesConfigError(
        `Invalid ${source}: roles.${trail[0]}.extends is circular (${[...trail, name].join(" → ")})`,
      );
    }
    const def = defs[name];
    if (def === undefined) {
      const builtin = BUILTIN_ROLES[name];
      if (builtin) return [...builtin];
      throw new RolesConfigError(
        `Invalid ${source}: roles.${trail.at(-1)}.extends names unknown role "${name}"`,
      );
    }
    if (Array.isArray(def)) return def;
    return [...def.scopes, ...def.extends.flatMap((parent) => expand(parent, [...trail, name]))];
  };
  for (const name of Object.keys(defs)) merged[name] = normalize(expand(name, []));
  return Object.freeze(merged);
}

/** Reads a JSON roles file; errors name the file and the bad field. */
export function loadRolesConfig(path: string): RoleMap {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new RolesConfigError(
      `Cannot read roles file ${path}: ${(err as NodeJS.ErrnoException).code ?? err}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new RolesConfigError(`Roles file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  return parseRolesConfig(json, `roles file ${path}`);
}

export class UnknownRoleError extends Error {
  override name = "UnknownRoleError";
}

/** Union of the roles' scopes, sorted and de-duplicated; throws on an unknown role. */
export function resolveScopes(roles: readonly string[], config: RoleMap = BUILTIN_ROLES): string[] {
  const scopes = roles.flatMap((role) => {
    const granted = Object.hasOwn(config, role) ? config[role] : undefined;
    if (!granted) {
      throw new UnknownRoleError(
        `Unknown role "${role}"; known roles: ${Object.keys(config).sort().join(", ")}`,
      );
    }
    return granted;
  });
  return normalize(scopes);
}

export function isKnownRole(role: string, config: RoleMap = BUILTIN_ROLES): boolean {
  return Object.hasOwn(config, role);
}

function normalize(scopes: readonly string[]): string[] {
  return scopes.includes("*") ? ["*"] : [...new Set(scopes)].sort();
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(root)";
  return path.reduce<string>(
    (acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
    "",
  );
}
