import { registerAuditCommands } from "@revops/audit/cli";
import { loadRolesConfig } from "@revops/auth";
import { registerAuthCommands } from "@revops/auth/cli";
import { ConfigError, loadConfig } from "@revops/kit";
import { openSql } from "@revops/store";
import { Command } from "commander";
import { openAuditFor } from "./audit-log";
import { registerApprovalCommands } from "./cli/approvals";
import { registerConfigCommands } from "./cli/config";
import { registerConnectionsCommands } from "./cli/connections";
import { registerConsoleCommands } from "./cli/console";
import { registerDoctorCommand } from "./cli/doctor";
import { registerInstallCommand } from "./cli/install";
import { registerSandboxCommands } from "./cli/sandbox";
import type { Prompter } from "./cli/setup/prompter";
import { registerSetupCommand } from "./cli/setup/setup";
import { cliVaultAccess } from "./cli/vault-access";
import { type SafetyConfig, safetyConfigSchema } from "./config";

export interface CliOptions {
  env?: Record<string, string | undefined>;
  print?: (line: string) => void;
  /** Answers the CLI's questions (tests); a terminal asks the human otherwise. */
  ask?: (question: string) => Promise<string>;
  /** Answers `revops setup` and `connections add` (tests); clack on the terminal otherwise. */
  prompter?: () => Prompter;
  /** Whether a person can answer prompts; whether stdin and stdout are terminals by default. */
  interactive?: boolean;
  cwd?: string;
  /** Opens the OAuth consent page (tests follow it with an HTTP client); the default browser otherwise. */
  openBrowser?: (url: string) => Promise<void>;
}

/** `revops`: the administrator's command line, shipped in every server's package. */
export function buildCli(opts: CliOptions = {}): Command {
  const program = new Command("revops")
    .description("Administer RevOps MCP servers: API keys, approvals, the audit log and the sandbox company")
    .option("--data-dir <dir>", "where the embedded database lives (REVOPS_DATA_DIR)")
    .showHelpAfterError();
  // Configuration is read when a command runs, so `--help` works whatever the environment holds.
  const config = (): SafetyConfig => {
    const { dataDir } = program.opts<{ dataDir?: string }>();
    return loadConfig(safetyConfigSchema, { argv: dataDir ? ["--data-dir", dataDir] : [], env: opts.env });
  };
  const openDb = () => {
    const cfg = config();
    return openSql({ databaseUrl: cfg.DATABASE_URL, dataDir: cfg.REVOPS_DATA_DIR });
  };
  const env = opts.env ?? process.env;
  registerAuthCommands(program, {
    openDb,
    roles: env.REVOPS_ROLES_FILE ? loadRolesConfig(env.REVOPS_ROLES_FILE) : undefined,
    env,
    print: opts.print,
  });
  registerApprovalCommands(program, {
    openDb,
    openAudit: (db) => openAuditFor(config(), db),
    config,
    print: opts.print ?? ((l) => console.log(l)),
  });
  registerConsoleCommands(program, {
    openDb,
    config,
    roles: env.REVOPS_ROLES_FILE ? loadRolesConfig(env.REVOPS_ROLES_FILE) : undefined,
    print: opts.print ?? ((l) => console.log(l)),
    ...(opts.ask && { ask: opts.ask }),
  });
  registerAuditCommands(program, async () => openAuditFor(config(), await openDb(), true));
  registerDoctorCommand(program, {
    env,
    config,
    vault: cliVaultAccess(config, env),
    print: opts.print ?? ((l) => console.log(l)),
  });
  registerConfigCommands(program, { env, print: opts.print ?? ((l) => console.log(l)) });
  registerInstallCommand(program, { env, print: opts.print ?? ((l) => console.log(l)) });
  const prompts = {
    ...(opts.prompter && { prompter: opts.prompter }),
    ...(opts.interactive !== undefined && { interactive: opts.interactive }),
    ...(opts.cwd && { cwd: opts.cwd }),
    ...(opts.openBrowser && { openBrowser: opts.openBrowser }),
  };
  const vault = (e: Record<string, string | undefined>) => cliVaultAccess(config, e);
  registerSetupCommand(program, { env, vault, ...prompts });
  registerConnectionsCommands(program, {
    env,
    vault,
    openDb,
    openAudit: (db) => openAuditFor(config(), db),
    print: opts.print ?? ((l) => console.log(l)),
    ...(opts.ask && { ask: opts.ask }),
    ...prompts,
  });
  registerSandboxCommands(program, {
    openDb,
    openAudit: (db) => openAuditFor(config(), db),
    config,
    print: opts.print ?? ((l) => console.log(l)),
    ...(opts.ask && { ask: opts.ask }),
  });
  return program;
}

/** Runs the CLI; configuration errors print the fix and exit 2, like the servers. */
export async function runCli(argv: readonly string[] = process.argv): Promise<void> {
  try {
    await buildCli().parseAsync([...argv]);
  } catch (err) {
    // An administrator needs the reason and the fix, not a stack trace.
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = err instanceof ConfigError ? 2 : 1;
  }
}
