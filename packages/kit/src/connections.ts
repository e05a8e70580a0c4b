import { ConfigError, envWithFile } from "./config";
import { ToolError, userError } from "./errors";

/** `HUBSPOT_ACCESS_TOKEN__EU` is variable HUBSPOT_ACCESS_TOKEN of the named connection "eu". */
export const CONNECTION_SEPARATOR = "__";
const NAME = /^[a-z][a-z0-9_-]{0,31}$/;

type Env = Record<string, string | undefined>;

export interface NamedEnvironments {
  /** The named connections the environment defines, sorted. */
  names: string[];
  /** The environment as the named connection sees it: its own variables laid over the default ones. */
  env(name: string): Env;
}

/** Finds the named connections among an app's variables (those with a `__<NAME>` suffix). */
export function namedEnvironments(env: Env, variables: readonly string[]): NamedEnvironments {
  const known = new Set(variables);
  const byName = new Map<string, Env>();
  for (const [key, value] of Object.entries(env)) {
    const at = key.lastIndexOf(CONNECTION_SEPARATOR);
    if (at <= 0 || value === undefined || value === "") continue;
    const base = key.slice(0, at);
    if (!known.has(base)) continue;
    const name = key.slice(at + CONNECTION_SEPARATOR.length).toLowerCase();
    if (!NAME.test(name)) {
      throw new ConfigError(
        `Invalid configuration:\n  ${key}: "${name}" is not a connection name; use lower-case letters, digits, - and _ (e.g. ${base}__EU).`,
      );
    }
    byName.set(name, { ...byName.get(name), [base]: value });
  }
  return {
    names: [...byName.keys()].sort(),
    env: (name) => ({ ...env, ...byName.get(name) }),
  };
}

/**
 * Ports per named connection, built on first use and kept: `using()` or `using(undefined)` is the default set.
 * An unknown name is the caller's mistake, answered with the names that exist.
 */
export function connectionResolver<P>(
  defaults: P,
  named: NamedEnvironments,
  build: (name: string, env: Env) => Promise<P>,
): (name?: string) => Promise<P> {
  const built = new Map<string, Promise<P>>();
  return async (name) => {
    if (name === undefined || name === "default") return defaults;
    if (!named.names.includes(name)) {
      const have = named.names.length ? `: ${named.names.join(", ")}` : "; none are configured";
      throw userError(`There is no connection named "${name}"${have}.`, {
        fields: ["connection"],
        hint: "Omit connection for the default one, or configure it with <VARIABLE>__<NAME> settings (docs/integrations.md).",
      });
    }
    let ports = built.get(name);
    if (!ports) {
      ports = build(name, named.env(name)).catch((err: unknown) => {
        if (!(err instanceof ConfigError)) throw err;
        throw new ToolError("user", `Connection "${name}" is misconfigured. ${err.message}`, {
          fields: ["connection"],
          hint: `Fix its __${name.toUpperCase()} settings and restart the server, or omit connection.`,
        });
      });
      built.set(name, ports);
      // a failed build (bad settings, vendor down at connect) is tried again on the next call
      ports.catch(() => built.delete(name));
    }
    return ports;
  };
}

/** A named connection's config: its id gets the name, so limiters, caches and the ledger keep them apart. */
export function nameConnection<C>(config: C, name?: string): C {
  if (!name || typeof config !== "object" || config === null || !("connectionId" in config)) return config;
  return { ...config, connectionId: `${String(config.connectionId)}-${name}` };
}

/** A named connection's settings problem, told with its own variables: `HUBSPOT_ACCESS_TOKEN__EU`, not the default's. */
export function namedConfigError(name: string, err: ConfigError, variables: readonly string[]): ConfigError {
  const suffix = `${CONNECTION_SEPARATOR}${name.toUpperCase()}`;
  const names = [...variables].sort((a, b) => b.length - a.length).join("|");
  const own = err.message.replace(new RegExp(`\\b(${names})\\b`, "g"), `$1${suffix}`);
  return new ConfigError(`Connection "${name}" is misconfigured (its ${suffix} settings). ${own}`);
}

/** Checks every named connection's settings as the default's are checked: the first bad one throws, renamed. */
export function checkNamedConnections(
  named: NamedEnvironments,
  variables: readonly string[],
  check: (env: Env) => unknown,
): void {
  for (const name of named.names) {
    try {
      check(named.env(name));
    } catch (err) {
      throw err instanceof ConfigError ? namedConfigError(name, err, variables) : err;
    }
  }
}

/**
 * A server's ports with named connections: `build` makes the ports of one environment (the default one, or a
 * named connection's laid over it); `using(name)` gives a named connection's, each built on first use. `check`
 * validates one environment's settings without building anything: every named connection's runs at start-up,
 * so a bad or half-set `X__EU` stops the server as a bad default setting does.
 */
export async function portsWithConnections<P extends { using: (connection?: string) => Promise<P> }>(
  variables: readonly string[],
  build: (env: Env, name?: string) => Promise<Omit<P, "using">>,
  check: (env: Env) => unknown,
): Promise<P> {
  const env = envWithFile();
  const named = namedEnvironments(env, variables);
  const ports = (await build(env)) as P;
  checkNamedConnections(named, variables, check);
  ports.using = connectionResolver(
    ports,
    named,
    async (name, env) =>
      ({
        ...(await build(env, name)),
        using: ports.using,
      }) as P,
  );
  return ports;
}
