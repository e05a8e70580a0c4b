import { readFile, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { posix, win32 } from "node:path";
import type { Command } from "commander";
import { replaceWithBackup } from "./file-write";

export type InstallClient = "claude-desktop" | "claude-code" | "cursor";
export type InstallServer = "sales" | "marketing" | "customer-success" | "suite";

export interface InstallCliDeps {
  print: (line: string) => void;
  /** Where %APPDATA% is read (Windows); the process's environment by default. */
  env?: Record<string, string | undefined>;
  /** The machine the client runs on (tests): process.platform, os.homedir(), process.cwd() by default. */
  platform?: NodeJS.Platform;
  home?: string;
  cwd?: string;
  /** The node binary a `--bin` entry runs (process.execPath by default). */
  nodePath?: string;
}

const CLIENTS: Record<InstallClient, { label: string; next: string }> = {
  "claude-desktop": {
    label: "Claude Desktop",
    next: "Quit and reopen Claude Desktop to load it.",
  },
  "claude-code": {
    label: "Claude Code",
    next: "Claude Code asks you to approve the project's servers the next time it starts here (`/mcp` lists them).",
  },
  cursor: {
    label: "Cursor",
    next: "Cursor picks it up from its MCP settings (Settings → MCP): switch it on there if it is off.",
  },
};

/** The published package and bin of each server (apps/*\/package.json). */
export const SERVER_PACKAGES: Record<InstallServer, { pkg: string; bin: string; name: string }> = {
  sales: { pkg: "@revops/sales-mcp", bin: "revops-sales-mcp", name: "revops-sales" },
  marketing: { pkg: "@revops/marketing-mcp", bin: "revops-marketing-mcp", name: "revops-marketing" },
  "customer-success": { pkg: "@revops/cs-mcp", bin: "revops-cs-mcp", name: "revops-cs" },
  suite: { pkg: "@revops/suite", bin: "revops-suite", name: "revops" },
};

/** Values of these keys are masked in anything printed (the file itself gets what was given). */
const SECRET_KEY = /(PASSWORD|SECRET|TOKEN|KEY|AUTH|CREDENTIAL|COOKIE)/i;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A reference the client expands from its own environment (`${NAME}`): not a secret. */
const ENV_REF = /^\$\{[^}]+\}$/;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

export interface InstallOptions {
  client: InstallClient;
  server: InstallServer;
  env: Record<string, string>;
  configPath?: string;
  project?: boolean;
  name?: string;
  bin?: string;
  dryRun?: boolean;
}

export interface InstallPlan {
  file: string;
  name: string;
  entry: JsonObject;
  /** The file as it is (undefined: it does not exist yet) and as it would be. */
  before: string | undefined;
  after: string;
  changed: boolean;
  /** What happens to the entry. */
  action: "added" | "updated" | "unchanged";
  /** Other servers the file configures, kept as they are. */
  others: string[];
}

/** Where the client reads its MCP servers from, as its documentation says. */
export function defaultConfigPath(
  client: InstallClient,
  opts: {
    platform: NodeJS.Platform;
    home: string;
    cwd: string;
    env: Record<string, string | undefined>;
    project?: boolean;
  },
): string {
  const path = opts.platform === "win32" ? win32 : posix;
  switch (client) {
    case "claude-desktop":
      if (opts.platform === "darwin")
        return path.join(opts.home, "Library", "Application Support", "Claude", "claude_desktop_config.json");
      if (opts.platform === "win32")
        return path.join(
          opts.env.APPDATA ?? path.join(opts.home, "AppData", "Roaming"),
          "Claude",
          "claude_desktop_config.json",
        );
      return path.join(opts.home, ".config", "Claude", "claude_desktop_config.json");
    case "claude-code":
      // the project scope: the file Claude Code shares with everyone working in the folder
      return path.join(opts.cwd, ".mcp.json");
    case "cursor":
      return opts.project
        ? path.join(opts.cwd, ".cursor", "mcp.json")
        : path.join(opts.home, ".cursor", "mcp.json");
  }
}

/** The command that starts the server over stdio: the published package through npx, or a local bin with node. */
export function serverCommand(
  server: InstallServer,
  opts: { platform: NodeJS.Platform; bin?: string; nodePath: string },
): { command: string; args: string[] } {
  if (opts.bin) return { command: opts.nodePath, args: [opts.bin] };
  const { pkg, bin } = SERVER_PACKAGES[server];
  // --package + the bin name: each package ships two bins (the server and `revops`), so npx needs to be told which
  const args = ["-y", "--package", pkg, bin];
  // npx is a .cmd script on Windows, which clients cannot spawn directly
  return opts.platform === "win32"
    ? { command: "cmd", args: ["/c", "npx", ...args] }
    : { command: "npx", args };
}

const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]))
    );
  }
  if (!isObject(a) || !isObject(b)) return false;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
}

/** The indentation the file already uses (2 spaces when new or flat). */
function indentOf(text: string | undefined): string {
  const m = text ? /\n([ \t]+)\S/.exec(text) : null;
  return m?.[1] ?? "  ";
}

/** Works out the change without touching the disk (apart from reading the file). */
export async function planInstall(
  opts: InstallOptions & { file: string; command: { command: string; args: string[] } },
): Promise<InstallPlan> {
  let before: string | undefined;
  try {
    before = await readFile(opts.file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  let doc: JsonObject = {};
  if (before !== undefined && before.trim() !== "") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(before);
    } catch (err) {
      throw new Error(
        `${opts.file} is not valid JSON (${err instanceof Error ? err.message : String(err)}): fix it or pass --config-path; nothing was changed.`,
      );
    }
    if (!isObject(parsed)) throw new Error(`${opts.file} does not hold a JSON object: nothing was changed.`);
    doc = parsed;
  }
  const servers = doc.mcpServers ?? {};
  if (!isObject(servers)) {
    throw new Error(`${opts.file}: "mcpServers" is not an object: fix it by hand; nothing was changed.`);
  }
  const name = opts.name ?? SERVER_PACKAGES[opts.server].name;
  const existing = servers[name];
  const old = isObject(existing) ? existing : undefined;
  // what was there stays (a variable set by hand, a client's own keys such as "disabled"); what was given wins
  const env = { ...(isObject(old?.env) ? old.env : {}), ...opts.env };
  const entry: JsonObject = {
    ...(old ?? {}),
    ...(opts.client === "claude-code" ? { type: "stdio" } : {}),
    command: opts.command.command,
    args: opts.command.args,
  };
  if (Object.keys(env).length) entry.env = env;
  else delete entry.env;
  const others = Object.keys(servers).filter((k) => k !== name);
  if (existing !== undefined && deepEqual(existing, entry)) {
    return {
      file: opts.file,
      name,
      entry,
      before,
      after: before ?? "",
      changed: false,
      action: "unchanged",
      others,
    };
  }
  const next: JsonObject = { ...doc, mcpServers: { ...servers, [name]: entry } };
  const after = `${JSON.stringify(next, null, indentOf(before))}\n`;
  return {
    file: opts.file,
    name,
    entry,
    before,
    after,
    changed: true,
    action: existing === undefined ? "added" : "updated",
    others,
  };
}

/** `"HUBSPOT_ACCESS_TOKEN": "pat-na1-…"` → `"HUBSPOT_ACCESS_TOKEN": "pat-…"` in anything printed. */
export function maskJsonSecrets(line: string): string {
  return line.replace(/"([^"\\]+)":\s*"((?:[^"\\]|\\.)*)"/g, (all, key: string, value: string) =>
    SECRET_KEY.test(key) && value.length > 0 && !ENV_REF.test(value)
      ? `"${key}": "${value.length >= 12 ? `${value.slice(0, 4)}…` : "…"}"`
      : all,
  );
}

/** A line diff (longest common subsequence) with 2 lines of context, `-`/`+` marked. */
export function lineDiff(before: string, after: string): string[] {
  const a = before === "" ? [] : before.replace(/\n$/, "").split("\n");
  const b = after.replace(/\n$/, "").split("\n");
  if (a.length * b.length > 4_000_000) return [...a.map((l) => `-${l}`), ...b.map((l) => `+${l}`)];
  // lcs[i * w + j]: length of the longest common subsequence of a[i..] and b[j..]
  const w = b.length + 1;
  const lcs = new Int32Array((a.length + 1) * w);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * w + j] =
        a[i] === b[j]
          ? (lcs[(i + 1) * w + j + 1] ?? 0) + 1
          : Math.max(lcs[(i + 1) * w + j] ?? 0, lcs[i * w + j + 1] ?? 0);
    }
  }
  const ops: { mark: " " | "-" | "+"; line: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const left = a[i];
    const right = b[j];
    if (left !== undefined && left === right) {
      ops.push({ mark: " ", line: left });
      i++;
      j++;
    } else if (
      left !== undefined &&
      (right === undefined || (lcs[(i + 1) * w + j] ?? 0) >= (lcs[i * w + j + 1] ?? 0))
    ) {
      ops.push({ mark: "-", line: left });
      i++;
    } else {
      ops.push({ mark: "+", line: right ?? "" });
      j++;
    }
  }
  const near = (k: number) => ops.slice(Math.max(0, k - 2), k + 3).some((o) => o.mark !== " ");
  const out: string[] = [];
  let skipped = false;
  ops.forEach((o, k) => {
    if (o.mark !== " " || near(k)) {
      if (skipped) out.push("@@ …");
      skipped = false;
      out.push(`${o.mark}${o.line}`);
    } else skipped = true;
  });
  if (skipped) out.push("@@ …");
  return out;
}

/** Writes the plan: the old file copied aside first, the new one written whole and renamed into place. */
export async function applyInstall(plan: InstallPlan): Promise<{ backup?: string }> {
  if (!plan.changed) return {};
  return replaceWithBackup(plan.file, plan.before, plan.after);
}

function parseEnvPairs(pairs: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const p of pairs) {
    const at = p.indexOf("=");
    const key = at > 0 ? p.slice(0, at) : "";
    if (!ENV_NAME.test(key)) {
      throw new Error(
        `--env ${p.includes("=") ? key || p : p}: give KEY=VALUE, e.g. --env SALES_CRM=hubspot.`,
      );
    }
    env[key] = p.slice(at + 1);
  }
  return env;
}

const quote = (s: string) => (/^[\w@./:=-]+$/.test(s) ? s : JSON.stringify(s));

/** `revops install claude-desktop|claude-code|cursor`: writes the client's MCP configuration for a server. */
export function registerInstallCommand(program: Command, deps: InstallCliDeps): Command {
  return program
    .command("install")
    .description("Add a server to an MCP client's configuration (Claude Desktop, Claude Code or Cursor)")
    .argument("<client>", "claude-desktop | claude-code | cursor")
    .option("--server <name>", "sales | marketing | customer-success | suite", "suite")
    .option("--env <KEY=VALUE...>", "a variable the server starts with (repeatable); nothing else is copied")
    .option("--config-path <file>", "the configuration file to change (default: the client's own)")
    .option("--project", "Cursor: this folder's .cursor/mcp.json instead of ~/.cursor/mcp.json")
    .option("--name <name>", "the server's name in the client (default: revops, revops-sales, …)")
    .option("--bin <file>", "start a local build (node <file>, e.g. apps/suite/dist/bin.js) instead of npx")
    .option("--dry-run", "print the change as a diff and write nothing")
    .action(
      async (
        client: string,
        o: {
          server: string;
          env?: string[];
          configPath?: string;
          project?: boolean;
          name?: string;
          bin?: string;
          dryRun?: boolean;
        },
      ) => {
        if (!(client in CLIENTS)) {
          throw new Error(`Unknown client "${client}": use ${Object.keys(CLIENTS).join(", ")}.`);
        }
        if (!(o.server in SERVER_PACKAGES)) {
          throw new Error(`Unknown server "${o.server}": use ${Object.keys(SERVER_PACKAGES).join(", ")}.`);
        }
        if (o.name !== undefined && !/^[\w.-]{1,64}$/.test(o.name)) {
          throw new Error("--name: use letters, digits, '.', '_' and '-' (at most 64).");
        }
        const c = client as InstallClient;
        const server = o.server as InstallServer;
        const platform = deps.platform ?? process.platform;
        const path = platform === "win32" ? win32 : posix;
        const cwd = deps.cwd ?? process.cwd();
        const home = deps.home ?? homedir();
        const env = deps.env ?? process.env;
        let bin: string | undefined;
        if (o.bin) {
          bin = path.resolve(cwd, o.bin);
          try {
            if (!(await stat(bin)).isFile()) throw new Error("not a file");
          } catch {
            throw new Error(
              `--bin ${bin} does not exist: build it first (pnpm build) or leave --bin out to use npx.`,
            );
          }
        }
        const file = o.configPath
          ? path.resolve(cwd, o.configPath)
          : defaultConfigPath(c, { platform, home, cwd, env, project: o.project });
        const given = parseEnvPairs(o.env ?? []);
        const command = serverCommand(server, {
          platform,
          nodePath: deps.nodePath ?? process.execPath,
          ...(bin ? { bin } : {}),
        });
        const plan = await planInstall({
          client: c,
          server,
          env: given,
          file,
          command,
          ...(o.name ? { name: o.name } : {}),
        });
        const { label, next } = CLIENTS[c];
        const out = (line: string) => deps.print(maskJsonSecrets(line));
        const what = `${server === "suite" ? "the suite" : `the ${server} server`} over stdio: ${[command.command, ...command.args].map(quote).join(" ")}`;

        if (!plan.changed) {
          out(`${label}: "${plan.name}" is already configured in ${file} (${what}); nothing changed.`);
          return;
        }
        if (o.dryRun) {
          out(
            `--dry-run: ${label} would get "${plan.name}" ${plan.action === "added" ? "added" : "updated"} in ${file} (${what}). Nothing written.`,
          );
          out(`--- ${plan.before === undefined ? "/dev/null" : file}`);
          out(`+++ ${file}`);
          for (const line of lineDiff(plan.before ?? "", plan.after)) out(line);
          return;
        }
        const { backup } = await applyInstall(plan);
        out(`${label}: ${plan.action} "${plan.name}" in ${file} (${what}).`);
        if (backup) out(`The previous file is saved as ${backup}.`);
        if (plan.others.length) out(`Kept the other servers: ${plan.others.join(", ")}.`);
        const vars = Object.keys(plan.entry.env && isObject(plan.entry.env) ? plan.entry.env : {});
        out(
          vars.length
            ? `It starts with ${vars.join(", ")}; every other setting comes from the server's own .env and defaults.`
            : "It starts on the sandbox (no credentials written); connect vendors with --env KEY=VALUE or the server's .env.",
        );
        const literalSecrets = Object.entries(given).filter(
          ([k, v]) => SECRET_KEY.test(k) && !ENV_REF.test(v),
        );
        if (c === "claude-code" && literalSecrets.length) {
          out(
            // biome-ignore lint/suspicious/noTemplateCurlyInString: Claude Code's own ${VAR} expansion, shown to the user
            "Warning: .mcp.json is meant to be shared (committed): prefer --env NAME='${NAME}' so Claude Code reads the secret from your environment.",
          );
        }
        out(next);
      },
    );
}
