import type { Principal } from "./principal";
import { BUILTIN_ROLES, type RoleMap, resolveScopes } from "./roles";

export interface LocalPrincipalOptions {
  /** The OS or configured user name running the stdio server. */
  user: string;
  role: string;
}

/** Over stdio the caller is whoever started the process: trust the configured user and role. */
export function localPrincipal(opts: LocalPrincipalOptions, roles: RoleMap = BUILTIN_ROLES): Principal {
  if (!opts.user) throw new Error("localPrincipal: user must be a non-empty string");
  return {
    id: `local:${opts.user}`,
    name: opts.user,
    scopes: resolveScopes([opts.role], roles),
    via: "stdio-local",
  };
}
