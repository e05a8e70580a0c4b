import { createInterface } from "node:readline/promises";
import { Writable } from "node:stream";
import type { RoleMap } from "@revops/auth";
import { ConsoleUsers } from "@revops/console";
import type { SqlDb } from "@revops/store";
import type { Command } from "commander";
import type { SafetyConfig } from "../config";

export interface ConsoleCliDeps {
  openDb: () => Promise<SqlDb>;
  config: () => SafetyConfig;
  roles?: RoleMap | undefined;
  print: (line: string) => void;
  /** Answers the password prompt (tests); a terminal asks without echo otherwise. */
  ask?: (question: string) => Promise<string>;
}

/** Asks on the terminal without echoing what is typed. */
const askHidden = async (question: string): Promise<string> => {
  process.stderr.write(question);
  const muted = new Writable({ write: (_chunk, _enc, done) => done() });
  const rl = createInterface({ input: process.stdin, output: muted, terminal: true });
  try {
    return await rl.question("");
  } finally {
    rl.close();
    process.stderr.write("\n");
  }
};

/** Where the console is reached: --url, else PUBLIC_URL's origin, else the local address. */
function consoleBase(cfg: SafetyConfig, url: string | undefined): string {
  if (url) return url.replace(/\/+$/, "");
  if (cfg.PUBLIC_URL) return new URL(cfg.PUBLIC_URL).origin;
  const host = cfg.HOST.includes(":") ? `[${cfg.HOST}]` : cfg.HOST;
  return `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${cfg.PORT ?? "<port>"}`;
}

/** `revops console user add|list|disable`: the humans who sign in to /console. */
export function registerConsoleCommands(program: Command, deps: ConsoleCliDeps): Command {
  const withUsers = async (fn: (users: ConsoleUsers) => Promise<void>) => {
    const db = await deps.openDb();
    try {
      await fn(new ConsoleUsers(db, deps.roles ? { roles: deps.roles } : {}));
    } finally {
      await db.close();
    }
  };
  const cmd = program
    .command("console")
    .description("The admin console at /console (approvals, audit log, keys)");
  const user = cmd.command("user").description("People who sign in to the console");

  user
    .command("add <email>")
    .description("Add a user (or change their role) and print a one-time sign-in link")
    .requiredOption("--role <role>", "an auth role, e.g. admin, sales-manager, auditor")
    .option("--password", "set a password now (asked without echo) instead of printing a link")
    .option("--url <base>", "the console's address for the link, e.g. https://mcp.example.com")
    .action((email: string, opts: { role: string; password?: boolean; url?: string }) =>
      withUsers(async (users) => {
        if (opts.password) {
          const ask = deps.ask ?? (process.stdin.isTTY ? askHidden : undefined);
          if (!ask)
            throw new Error("--password needs a terminal; leave it out to get a sign-in link instead.");
          const first = await ask("Password (at least 12 characters): ");
          if ((await ask("Again: ")) !== first) throw new Error("The passwords differ; nothing changed.");
          const u = await users.add({ email, role: opts.role, password: first });
          return deps.print(
            `Console user ${u.email} (${u.role}) can sign in at ${consoleBase(deps.config(), opts.url)}/console.`,
          );
        }
        const u = await users.add({ email, role: opts.role });
        const link = await users.createSignInLink(u.email);
        deps.print(
          `Console user ${u.email} (${u.role}) added. One-time sign-in link (until ${link.expiresAt}):`,
        );
        deps.print(`${consoleBase(deps.config(), opts.url)}/console/welcome?token=${link.token}`);
      }),
    );

  user
    .command("list")
    .description("List console users")
    .action(() =>
      withUsers(async (users) => {
        const list = await users.list();
        if (list.length === 0) return deps.print("No console users; add one with `revops console user add`.");
        for (const u of list)
          deps.print(
            `${u.email}  ${u.role}  ${u.disabledAt ? `disabled ${u.disabledAt}` : u.hasPassword ? "active" : "link not used yet"}`,
          );
      }),
    );

  user
    .command("disable <email>")
    .description("Disable a user and end their sessions at once")
    .action((email: string) =>
      withUsers(async (users) => {
        if (!(await users.disable(email))) throw new Error(`No active console user ${email}.`);
        deps.print(`Disabled ${email}; their sessions ended.`);
      }),
    );
  return cmd;
}
