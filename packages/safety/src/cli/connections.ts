import { userInfo } from "node:os";
import { parseEnv } from "node:util";
import type { AuditLog } from "@revops/audit";
import { authMigrations, CredentialVault, loadMasterKeys } from "@revops/auth";
import type { DoctorVendor } from "@revops/connectors/doctor";
import { vaultEntriesOf } from "@revops/connectors/oauth-consent";
import { migrate, type SqlDb } from "@revops/store";
import type { Command } from "commander";
import { terminalAsk } from "./sandbox";
import { settingsTarget, writeSettings } from "./settings-file";
import { connectVendor } from "./setup/connect-vendor";
import {
  type ConsentDeps,
  type ConsentFlags,
  consentOptions,
  withConsentFlags,
} from "./setup/consent-options";
import { clackPrompter, type Prompter, SetupCancelled } from "./setup/prompter";
import { isInteractive, NO_TERMINAL } from "./setup/setup";
import { vendorConnectionSets } from "./vendor-connections";

type Env = Record<string, string | undefined>;
type Doctor = typeof import("@revops/connectors/doctor");

export interface ConnectionsCliDeps extends ConsentDeps {
  env: Env;
  print: (line: string) => void;
  openDb: () => Promise<SqlDb>;
  openAudit: (db: SqlDb) => Promise<AuditLog>;
  /** The wizard's questions (add); clack on the terminal by default. */
  prompter?: () => Prompter;
  /** Asks the human at the terminal (remove's typed phrase); undefined when stdin is not a terminal. */
  ask?: (question: string) => Promise<string>;
  interactive?: boolean;
  cwd?: string;
}

const NAME = /^[a-z][a-z0-9_-]{0,31}$/;

const seconds = (raw: string) => {
  const ms = Math.round(Number(raw) * 1000);
  if (!Number.isFinite(ms) || ms < 100) throw new Error("--timeout must be a number of seconds.");
  return ms;
};

function vendorOf(doctor: Doctor, raw: string): DoctorVendor {
  const vendors = (Object.keys(doctor.VENDOR_SETTINGS) as DoctorVendor[]).filter(
    (v) => doctor.VENDOR_SETTINGS[v].length > 0,
  );
  if (!(vendors as string[]).includes(raw))
    throw new Error(`Unknown vendor "${raw}": use ${vendors.join(", ")}.`);
  return raw as DoctorVendor;
}

/** The vault entries the OAuth consent named in the settings (HUBSPOT_OAUTH_CONNECTION, …). */
const consentIds = (file: Env, suffix: string) =>
  ["HUBSPOT", "SALESFORCE"].flatMap((v) => file[`${v}_OAUTH_CONNECTION${suffix}`] ?? []);

/** The settings a removal clears: a vendor's default connection, or every variable of a named one. */
function removalOf(doctor: Doctor, file: Env, target: string) {
  const known = (Object.keys(doctor.VENDOR_SETTINGS) as string[]).includes(target);
  if (known) {
    const vendor = target as DoctorVendor;
    const own = doctor.vendorVariables(vendor).filter((v) => v !== "REVOPS_MASTER_KEY");
    const selectors = doctor.SELECTORS.filter((s) => file[s.variable] === vendor);
    return {
      variables: [...own.filter((v) => file[v] !== undefined), ...selectors.map((s) => s.variable)],
      vaultIds: [
        ...doctor.SELECTORS.flatMap((s) => (s.vendors[vendor] ? [s.vendors[vendor] as string] : [])),
        ...consentIds(file, ""),
      ],
    };
  }
  if (!NAME.test(target)) throw new Error(`"${target}" is neither a vendor nor a connection name.`);
  const suffix = `__${target.toUpperCase()}`;
  const variables = Object.keys(file).filter(
    (k) => k.endsWith(suffix) && doctor.DOCTOR_VARIABLES.includes(k.slice(0, -suffix.length)),
  );
  const vaultIds = [
    ...doctor.SELECTORS.flatMap((s) => Object.values(s.vendors).map((id) => `${id}-${target}`)),
    ...consentIds(file, suffix),
  ];
  return { variables, vaultIds };
}

/** Tokens a server keeps in the credential vault for these connections (Salesforce's refreshed ones). */
async function forgetTokens(db: SqlDb, env: Env, ids: readonly string[]): Promise<number> {
  if (!env.REVOPS_MASTER_KEY && !env.REVOPS_MASTER_KEY_FILE) return 0;
  await migrate(db, authMigrations);
  const vault = new CredentialVault(db, loadMasterKeys(env));
  let n = 0;
  for (const id of new Set(ids)) for (const key of vaultEntriesOf(id)) if (await vault.delete(key)) n++;
  return n;
}

/** `revops connections list|add|remove`: the vendor connections in the settings file. */
export function registerConnectionsCommands(program: Command, deps: ConnectionsCliDeps): Command {
  const connections = program
    .command("connections")
    .description("The vendor connections the servers use: list with their check, add, remove");

  connections
    .command("list")
    .description("Every configured connection with its check (secrets masked)")
    .option("--json", "print JSON")
    .option("--timeout <seconds>", "deadline of each check", "10")
    .action(async (opts: { json?: boolean; timeout: string }) => {
      const timeoutMs = seconds(opts.timeout);
      const { doctor, connections: all, problems, secrets } = await vendorConnectionSets(deps.env);
      const vault = deps.vault?.(deps.env);
      const results = await Promise.all(
        all.map((c) => doctor.probeConnection(c, { timeoutMs, ...(vault ? { vault } : {}) })),
      );
      const out = (line: string) => deps.print(doctor.scrubSecrets(line, secrets));
      if (opts.json) return out(JSON.stringify({ connections: results, problems }, null, 2));
      if (results.length + problems.length === 0) {
        return out(
          "No vendor connection: every server runs on the sandbox. `revops setup` or `revops connections add <vendor>` connects one.",
        );
      }
      for (const r of results) {
        const mark = r.status === "ok" ? "✓" : r.status === "problem" ? "✗" : "–";
        const servers = r.usedBy.length
          ? r.usedBy.map((u) => `${u.server} (${u.selector})`).join(", ")
          : "unused";
        const latency = r.latencyMs === undefined ? "" : ` · ${r.latencyMs} ms`;
        out(
          `${mark} ${r.id} · ${r.label} · ${servers} · ${r.credential}${latency}${r.message ? ` — ${r.message}` : ""}`,
        );
      }
      for (const p of problems) out(`✗ ${p.vendor ?? p.variable} — ${p.message}`);
    });

  withConsentFlags(
    connections
      .command("add <vendor>")
      .description("Connect a vendor: ask its settings, check the connection, write the settings file")
      .option("--name <name>", "a second account of the vendor, used with the tools' connection argument")
      .option("--timeout <seconds>", "deadline of the check", "10"),
  ).action(async (raw: string, opts: { name?: string; timeout: string } & ConsentFlags) => {
    if (!isInteractive(deps)) throw new Error(NO_TERMINAL("revops connections add"));
    const timeoutMs = seconds(opts.timeout);
    const consent = consentOptions(deps, opts);
    if (opts.name !== undefined && !NAME.test(opts.name))
      throw new Error("--name: lower-case letters, digits, - and _ (e.g. --name eu).");
    const doctor = await import("@revops/connectors/doctor");
    const vendor = vendorOf(doctor, raw);
    const label = doctor.VENDOR_LABELS[vendor];
    const suffix = opts.name ? `__${opts.name.toUpperCase()}` : "";
    const target = settingsTarget(deps.env, deps.cwd);
    const p = (deps.prompter ?? clackPrompter)();
    try {
      p.intro(`Connect ${label}${opts.name ? ` as "${opts.name}"` : ""}`);
      const offering = doctor.SELECTORS.filter((s) => s.vendors[vendor]);
      const using = await p.multiselect(
        `Which servers use ${label}?`,
        offering.map((s) => ({ value: s.variable, label: `${s.server} · ${s.label} (${s.variable})` })),
        offering.filter((s) => target.env[s.variable] === vendor).map((s) => s.variable),
      );
      const result = await connectVendor(vendor, {
        prompter: p,
        doctor,
        env: target.env,
        selectors: Object.fromEntries(using.map((v) => [`${v}${suffix}`, vendor])),
        timeoutMs,
        ...consent,
        ...(opts.name ? { name: opts.name } : {}),
      });
      if (!result) return p.outro(`${label} not added; nothing was written.`);
      const { backup } = await writeSettings(target, result.settings);
      p.success(`Wrote ${label}'s settings to ${target.file} (readable by you only).`);
      if (backup) p.info(`The previous file is saved as ${backup}.`);
      p.outro("Restart the servers (or your MCP client) so they use it.");
    } catch (err) {
      if (!(err instanceof SetupCancelled)) throw err;
      p.outro(err.message);
      process.exitCode = 1;
    }
  });

  connections
    .command("remove <target>")
    .description('Remove a vendor\'s connection or a named one (asks you to type "remove <target>")')
    .option("--confirm <phrase>", 'the phrase "remove <target>", when no terminal can ask')
    .action(async (target: string, opts: { confirm?: string }) => {
      const doctor = await import("@revops/connectors/doctor");
      const settings = settingsTarget(deps.env, deps.cwd);
      const file = settings.text === undefined ? {} : parseEnv(settings.text);
      const { variables, vaultIds } = removalOf(doctor, file, target);
      if (variables.length === 0) {
        throw new Error(
          `${settings.file} configures no connection "${target}"; \`revops connections list\` shows the connections.`,
        );
      }
      const phrase = `remove ${target}`;
      const ask = deps.ask ?? (process.stdin.isTTY ? terminalAsk : undefined);
      deps.print(`This deletes ${variables.join(", ")} from ${settings.file}.`);
      const typed = opts.confirm ?? (await ask?.(`Type "${phrase}" to continue: `));
      if (typed?.trim().toLowerCase() !== phrase) {
        throw new Error(`Not removed: type "${phrase}" at the prompt (or pass --confirm "${phrase}").`);
      }
      const { backup } = await writeSettings(
        settings,
        Object.fromEntries(variables.map((v) => [v, undefined])),
      );
      const db = await deps.openDb();
      try {
        const forgotten = await forgetTokens(db, settings.env, vaultIds);
        const audit = await deps.openAudit(db);
        try {
          await audit.append({
            principal: `${userInfo().username} (cli)`,
            server: "revops-cli",
            tool: "connections_remove",
            outcome: "ok",
            summary: `removed ${target}: ${variables.length} settings, ${forgotten} vault entries`,
          });
        } finally {
          await audit.close();
        }
        deps.print(
          `Removed ${target}: ${variables.length} settings${forgotten ? ` and ${forgotten} stored tokens` : ""}.${backup ? ` The previous file is saved as ${backup}.` : ""}`,
        );
      } finally {
        await db.close();
      }
      const still = variables.filter((v) => deps.env[v] !== undefined);
      if (still.length) deps.print(`Still set in the environment: ${still.join(", ")}; unset them too.`);
    });
  return connections;
}
