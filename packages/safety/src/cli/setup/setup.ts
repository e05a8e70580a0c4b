import { isatty } from "node:tty";
import type { DoctorVendor, Selector } from "@revops/connectors/doctor";
import type { Command } from "commander";
import { type SettingsTarget, settingsTarget, writeSettings } from "../settings-file";
import { connectVendor } from "./connect-vendor";
import { type ConsentDeps, type ConsentFlags, consentOptions, withConsentFlags } from "./consent-options";
import { clackPrompter, type Prompter, SetupCancelled } from "./prompter";

type Env = Record<string, string | undefined>;

export interface SetupCliDeps extends ConsentDeps {
  env: Env;
  /** The questions; clack on the terminal by default. */
  prompter?: () => Prompter;
  /** Whether a person can answer (stdin and stdout are terminals) unless told. */
  interactive?: boolean;
  cwd?: string;
}

export const NO_TERMINAL = (command: string) =>
  `${command} asks questions and needs a terminal. Without one, put the settings in .env (or the REVOPS_ENV profile's .env.<profile>; see .env.example and docs/integrations.md) or pass them as environment variables (or to a client with \`revops install <client> --env KEY=VALUE\`), then run \`revops doctor\` to check them.`;

const SERVERS = {
  sales: "Sales",
  marketing: "Marketing",
  "customer-success": "Customer success",
  suite: "The suite (all three in one)",
} as const;
type ServerChoice = keyof typeof SERVERS;

/** A person is at the terminal (the prompts need both directions). */
export const isInteractive = (deps: { interactive?: boolean }) =>
  deps.interactive ?? (isatty(0) && isatty(1));

/** How the client should start the chosen server so it reads these settings, whatever its working folder. */
export function nextStep(server: ServerChoice, target: SettingsTarget, env: Env): string {
  const profile = env.REVOPS_ENV?.trim();
  const flags = [
    server === "suite" ? "" : ` --server ${server}`,
    ` --env REVOPS_ENV_FILE=${target.base}`,
    profile ? ` --env REVOPS_ENV=${profile}` : "",
  ].join("");
  return `Next: revops install claude-desktop${flags}   (or claude-code, cursor)`;
}

/** Asks which vendor each of the chosen servers' ports uses (or the sandbox), starting from the current choice. */
async function pickVendors(
  p: Prompter,
  selectors: readonly Selector[],
  env: Env,
  labels: Record<string, string>,
) {
  const picked = new Map<Selector, DoctorVendor | undefined>();
  for (const s of selectors) {
    const vendors = Object.keys(s.vendors) as DoctorVendor[];
    const off = s.off === "none" ? "Not used" : "Keep the sandbox";
    const current = env[s.variable];
    const answer = await p.select(
      `${SERVERS[s.server]} server · ${s.label} (${s.variable})`,
      [
        ...vendors.map((v) => ({ value: v as string, label: labels[v] ?? v })),
        { value: s.off, label: off, hint: s.off === "sandbox" ? "the demo company" : "" },
      ],
      current && (vendors as string[]).includes(current) ? current : s.off,
    );
    picked.set(s, answer === s.off ? undefined : (answer as DoctorVendor));
  }
  return picked;
}

/** `revops setup`: picks the servers, connects and checks each vendor, writes the settings file. */
export function registerSetupCommand(program: Command, deps: SetupCliDeps): Command {
  return withConsentFlags(
    program
      .command("setup")
      .description("Guided setup: choose the servers, connect and check each vendor, write the settings file")
      .option("--timeout <seconds>", "deadline of each connection check", "10"),
  ).action(async (opts: { timeout: string } & ConsentFlags) => {
    if (!isInteractive(deps)) throw new Error(NO_TERMINAL("revops setup"));
    const timeoutMs = Math.round(Number(opts.timeout) * 1000);
    if (!Number.isFinite(timeoutMs) || timeoutMs < 100)
      throw new Error("--timeout must be a number of seconds.");
    const consent = consentOptions(deps, opts);
    const doctor = await import("@revops/connectors/doctor");
    const p = (deps.prompter ?? clackPrompter)();
    const target = settingsTarget(deps.env, deps.cwd);
    try {
      p.intro("RevOps MCP Suite setup");
      p.info(`Settings file: ${target.file}${target.text === undefined ? " (new)" : ""}`);
      const server = await p.select(
        "Which server will your team use?",
        (Object.keys(SERVERS) as ServerChoice[]).map((s) => ({ value: s, label: SERVERS[s] })),
      );
      const chosen =
        server === "suite" ? doctor.SELECTORS : doctor.SELECTORS.filter((s) => s.server === server);
      const picked = await pickVendors(p, chosen, target.env, doctor.VENDOR_LABELS);

      const changes: Env = {};
      for (const [s, vendor] of picked) if (!vendor) changes[s.variable] = s.off;
      // a vendor two servers use (HubSpot for sales and marketing) is asked for once
      for (const vendor of new Set([...picked.values()].filter((v) => v !== undefined))) {
        const selectors = [...picked].filter(([, v]) => v === vendor).map(([s]) => s);
        // a vault key generated for an earlier vendor is the one this vendor's tokens go under too
        const key = changes.REVOPS_MASTER_KEY;
        const result = await connectVendor(vendor, {
          prompter: p,
          doctor,
          env: key ? { ...target.env, REVOPS_MASTER_KEY: key } : target.env,
          selectors: Object.fromEntries(selectors.map((s) => [s.variable, vendor])),
          timeoutMs,
          ...consent,
        });
        if (result) Object.assign(changes, result.settings);
        else for (const s of selectors) changes[s.variable] = s.off;
      }

      const { backup } = await writeSettings(target, changes);
      const written = Object.entries(changes).filter(([, v]) => v !== undefined).length;
      p.success(`Wrote ${written} settings to ${target.file} (readable by you only).`);
      if (backup) p.info(`The previous file is saved as ${backup}.`);
      p.note(nextStep(server, target, deps.env), "Add the server to your MCP client");
      p.outro("Done. `revops doctor` checks every connection again at any time.");
    } catch (err) {
      if (err instanceof SetupCancelled) {
        p.outro(err.message);
        process.exitCode = 1;
        return;
      }
      throw err;
    }
  });
}
