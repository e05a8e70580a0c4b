import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { parseEnv } from "node:util";
import { z } from "zod";

/** A comma-separated list variable. */
export const envList = z
  .string()
  .optional()
  .transform((v) =>
    v
      ? v
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean)
      : undefined,
  );
/** A yes/no variable (true/false, 1/0, yes/no). */
export const envBool = z
  .enum(["true", "false", "1", "0", "yes", "no", ""])
  .optional()
  .transform((v) => v === "true" || v === "1" || v === "yes");
const port = z.coerce.number().int().min(0).max(65535);

/** Every variable the kit reads; documented one by one in .env.example. */
export const baseConfigSchema = z.object({
  REVOPS_DATA_DIR: z
    .string()
    .min(1)
    .default(join(homedir(), ".local", "share", "revops")),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  MCP_TRANSPORT: z.enum(["stdio", "http"]).default("stdio"),
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: port.optional(),
  MCP_STATELESS: envBool,
  ALLOWED_HOSTS: envList,
  ALLOWED_ORIGINS: envList,
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(50_000_000).default(1_000_000),
  MAX_SESSIONS: z.coerce.number().int().min(1).default(1000),
  /** Bearer token /metrics requires; unset → /metrics is open (bind to loopback or firewall it). */
  METRICS_TOKEN: z.string().min(16, "use at least 16 characters, e.g. openssl rand -hex 24").optional(),
  MAX_SESSIONS_PER_PRINCIPAL: z.coerce.number().int().min(1).default(20),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).default(30),
  REVOPS_TOOLSETS: envList,
  REVOPS_TOOLS: envList,
  REVOPS_EXCLUDE_TOOLS: envList,
  REVOPS_READ_ONLY: envBool,
  /** all: tools/list shows every enabled tool; search: a few core tools plus tools_search over all of them. */
  REVOPS_TOOL_DISCOVERY: z.enum(["all", "search"]).default("all"),
  /** In search mode, the tools listed up front (default: each server's lead read tool). */
  REVOPS_CORE_TOOLS: envList,
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(300),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  REVOPS_PRINCIPAL: z.string().min(1).default("local-user"),
  REVOPS_PRINCIPAL_SCOPES: envList.transform((v) => v ?? ["*"]),
  SANDBOX_SEED: z.coerce.number().int().default(42),
  SANDBOX_SCALE: z.coerce.number().positive().max(1000).default(1),
});

export type BaseConfig = z.output<typeof baseConfigSchema>;

/** Command-line flags and the variables they set; flags win over the environment. */
const FLAGS: Record<string, { env: string; value?: string }> = {
  "--http": { env: "MCP_TRANSPORT", value: "http" },
  "--stdio": { env: "MCP_TRANSPORT", value: "stdio" },
  "--stateless": { env: "MCP_STATELESS", value: "true" },
  "--read-only": { env: "REVOPS_READ_ONLY", value: "true" },
  "--port": { env: "PORT" },
  "--host": { env: "HOST" },
  "--toolsets": { env: "REVOPS_TOOLSETS" },
  "--tools": { env: "REVOPS_TOOLS" },
  "--exclude-tools": { env: "REVOPS_EXCLUDE_TOOLS" },
  "--discovery": { env: "REVOPS_TOOL_DISCOVERY" },
  "--core-tools": { env: "REVOPS_CORE_TOOLS" },
  "--data-dir": { env: "REVOPS_DATA_DIR" },
  "--log-level": { env: "LOG_LEVEL" },
};

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Flags → variable assignments. Unknown flags are errors so typos never pass silently. */
export function parseFlags(argv: readonly string[], extra: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined];
    if (extra.includes(flag)) continue;
    const spec = FLAGS[flag];
    if (!spec) {
      const known = [...Object.keys(FLAGS), ...extra].join(", ");
      throw new ConfigError(`Unknown option ${flag}. Known options: ${known}.`);
    }
    if (spec.value !== undefined) out[spec.env] = spec.value;
    else {
      const value = inline ?? argv[++i];
      if (value === undefined || value.startsWith("--"))
        throw new ConfigError(`Option ${flag} needs a value.`);
      out[spec.env] = value;
    }
  }
  return out;
}

/** Reads .env (if present) under the process environment, so real variables win. */
export function readEnvFile(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  return parseEnv(readFileSync(path, "utf8")) as Record<string, string>;
}

export interface LoadConfigOptions {
  env?: Record<string, string | undefined>;
  argv?: readonly string[];
  envFile?: string;
  /** Flags the app handles itself (not config), e.g. "--sandbox-intro". */
  extraFlags?: readonly string[];
}

const PROFILE = /^[a-z][a-z0-9-]{0,31}$/;

/** The file that holds the current profile's own settings (`.env`, or `.env.<REVOPS_ENV>`), existing or not. */
export function profileSettingsFile(env: Record<string, string | undefined> = process.env): string {
  const base = env.REVOPS_ENV_FILE ?? ".env";
  const profile = env.REVOPS_ENV?.trim();
  if (!profile) return base;
  if (!PROFILE.test(profile))
    throw new ConfigError(
      `REVOPS_ENV (got "${profile}"): use a profile name such as dev, staging or prod (lowercase letters, digits, -).`,
    );
  return join(dirname(base), `${base.split(/[\\/]/).pop()}.${profile}`);
}

/** The settings files in force: `.env` (or REVOPS_ENV_FILE), then `.env.<REVOPS_ENV>` beside it for a profile. */
export function settingsFiles(env: Record<string, string | undefined> = process.env): string[] {
  const base = env.REVOPS_ENV_FILE ?? ".env";
  const file = profileSettingsFile(env);
  if (file === base) return [base];
  if (!existsSync(file))
    throw new ConfigError(
      `REVOPS_ENV=${env.REVOPS_ENV?.trim()}, but ${file} does not exist: create it, or unset REVOPS_ENV.`,
    );
  return [base, file];
}

/** A profile's settings as its files define them (no process environment): later files win. */
export function readSettings(env: Record<string, string | undefined> = process.env): Record<string, string> {
  return Object.assign({}, ...settingsFiles(env).map(readEnvFile));
}

/** The environment as configuration sees it: the process's variables over those of the settings files. */
export function envWithFile(
  env: Record<string, string | undefined> = process.env,
): Record<string, string | undefined> {
  return { ...readSettings(env), ...env };
}

/** One setting that differs between two profiles, secrets masked (with a fingerprint, so "changed" still shows). */
export interface SettingDifference {
  name: string;
  a: string | null;
  b: string | null;
}

/** What differs between two profiles' settings files (`revops config diff dev prod`). */
export function diffProfiles(
  a: string,
  b: string,
  env: Record<string, string | undefined> = process.env,
): SettingDifference[] {
  const left = readSettings({ ...env, REVOPS_ENV: a });
  const right = readSettings({ ...env, REVOPS_ENV: b });
  const show = (name: string, v: string | undefined) => {
    if (v === undefined) return null;
    const masked = maskSecret(name, v);
    if (masked === v) return v;
    // two different secrets both read "***": a short digest tells them apart without revealing either
    return `${masked} (sha256 ${createHash("sha256").update(v).digest("hex").slice(0, 8)})`;
  };
  return [...new Set([...Object.keys(left), ...Object.keys(right)])]
    .filter((k) => left[k] !== right[k])
    .sort()
    .map((name) => ({ name, a: show(name, left[name]), b: show(name, right[name]) }));
}

/** Validates configuration once; a bad value throws a ConfigError naming the variable and the fix. */
export function loadConfig<S extends z.ZodObject>(schema: S, opts: LoadConfigOptions = {}): z.output<S> {
  const env = opts.env ?? process.env;
  const fileEnv = opts.envFile ? readEnvFile(opts.envFile) : readSettings(env);
  const merged: Record<string, string | undefined> = {
    ...fileEnv,
    ...env,
    ...parseFlags(opts.argv ?? [], opts.extraFlags),
  };
  const keys = Object.keys(schema.shape);
  const picked = Object.fromEntries(keys.map((k) => [k, merged[k] === "" ? undefined : merged[k]]));
  // parsed once per process: zod's compiled fast path for objects would cost ≈10 ms of every start to build
  const parsed = schema.safeParse(picked, { jitless: true });
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => {
    const name = String(i.path[0] ?? "?");
    const got =
      name in picked && picked[name] !== undefined
        ? ` (got "${maskSecret(name, String(picked[name]))}")`
        : "";
    return `  ${name}${got}: ${i.message}. Fix it in the environment or .env (see .env.example).`;
  });
  throw new ConfigError(`Invalid configuration:\n${problems.join("\n")}`);
}

const SECRET_NAME = /(PASSWORD|SECRET|TOKEN|KEY|URL)/;
/** Never echo a secret back in an error: URLs lose their password, keys are hidden. */
export function maskSecret(name: string, value: string): string {
  if (!SECRET_NAME.test(name)) return value;
  if (name.endsWith("URL")) return value.replace(/\/\/([^:/@]*):[^@]*@/, "//$1:***@");
  return "***";
}
