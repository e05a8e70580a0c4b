import { randomBytes } from "node:crypto";
import type {
  DoctorConnection,
  DoctorVendor,
  ProbeResult,
  SignInMethod,
  VendorVariable,
} from "@revops/connectors/doctor";
import type { Prompter } from "./prompter";

type Env = Record<string, string | undefined>;
type Doctor = typeof import("@revops/connectors/doctor");

export interface VendorStepOptions {
  prompter: Prompter;
  doctor: Doctor;
  /** What the servers would read today (environment over settings files): current values and test fakes. */
  env: Env;
  /** A named connection (`--name eu`): its variables carry the `__EU` suffix. */
  name?: string;
  /** Selector settings that point servers at this vendor, written with its settings (SALES_CRM=hubspot). */
  selectors: Env;
  timeoutMs: number;
}

/** The settings to write for the vendor, or undefined when the user skipped it. */
export type VendorStepResult = { settings: Env; check: ProbeResult | undefined } | undefined;

const suffixOf = (name?: string) => (name ? `__${name.toUpperCase()}` : "");

/** How the user signs in today: the method whose variables are set, else the first one. */
function currentMethod(methods: readonly SignInMethod[], env: Env, suffix: string): SignInMethod | undefined {
  return (
    methods.find((m) => m.variables.some((v) => !v.generated && env[`${v.name}${suffix}`])) ?? methods[0]
  );
}

async function ask(v: VendorVariable, current: string | undefined, p: Prompter): Promise<string | undefined> {
  const question = `${v.label} (${v.name})${v.hint ? ` — ${v.hint}` : ""}`;
  if (v.choices) {
    const choices = v.choices.map((c) => ({ value: c, label: c }));
    return p.select(question, choices, current && v.choices.includes(current) ? current : v.choices[0]);
  }
  const required = (s: string) =>
    s.trim() === "" && !v.optional && !current ? `${v.name} is required.` : undefined;
  if (v.secret) {
    const keep = current ? " — Enter keeps the current one" : "";
    const typed = await p.secret(`${question}${keep}`, { check: required });
    return typed.trim() === "" ? current : typed.trim();
  }
  const typed = await p.text(question, {
    ...(current !== undefined && { initial: current }),
    ...(v.optional && { placeholder: "empty for the default" }),
    check: required,
  });
  return typed.trim() === "" ? undefined : typed.trim();
}

/** The connection as the servers would see it with these settings: the doctor's own reading of them. */
function connectionOf(o: VendorStepOptions, vendor: DoctorVendor, settings: Env) {
  const suffix = suffixOf(o.name);
  // a named connection is its own variables laid over the default ones
  const own = Object.fromEntries(
    Object.entries({ ...o.selectors, ...settings }).map(([k, v]) => [
      suffix && k.endsWith(suffix) ? k.slice(0, -suffix.length) : k,
      v,
    ]),
  );
  const seen = o.doctor.configuredConnections({ ...o.env, ...own });
  return {
    connection: seen.connections.find((c: DoctorConnection) => c.vendor === vendor),
    problems: seen.problems.filter((p) => p.vendor === vendor).map((p) => p.message),
    secrets: seen.secrets,
  };
}

/**
 * Asks for one vendor's settings (secrets masked), checks the connection with the doctor's own check, shows
 * the result and, when it fails, lets the user enter them again, keep them anyway or skip the vendor.
 */
export async function connectVendor(vendor: DoctorVendor, o: VendorStepOptions): Promise<VendorStepResult> {
  const { prompter: p, doctor } = o;
  const label = doctor.VENDOR_LABELS[vendor];
  const methods = doctor.VENDOR_SETTINGS[vendor];
  const suffix = suffixOf(o.name);
  if (methods.length === 0) {
    p.warn(`${label}: no server reads its settings yet; it stays on the sandbox.`);
    return undefined;
  }
  let env = o.env;
  for (;;) {
    const initial = currentMethod(methods, env, suffix);
    const chosen =
      methods.length > 1 && initial
        ? await p.select(
            `How does the suite sign in to ${label}?`,
            methods.map((m) => ({ value: m.id, label: m.label })),
            initial.id,
          )
        : initial?.id;
    const method = methods.find((m) => m.id === chosen);
    if (!method) return undefined;
    const settings: Env = {};
    for (const v of method.variables) {
      const key = `${v.name}${v.generated ? "" : suffix}`;
      if (v.generated) {
        if (env[key]) continue;
        settings[key] = randomBytes(32).toString("base64");
        p.warn(
          `Generated ${key} for the credential vault: keep a copy in your secret store; without it the stored tokens cannot be read.`,
        );
        continue;
      }
      settings[key] = await ask(v, env[key], p);
    }
    // the other sign-in methods' variables are cleared, so the servers use the one chosen
    for (const m of methods)
      for (const v of m.variables)
        if (m !== method && !v.generated && env[`${v.name}${suffix}`] !== undefined)
          settings[`${v.name}${suffix}`] = undefined;

    const seen = connectionOf(o, vendor, settings);
    let check: ProbeResult | undefined;
    let failure: string | undefined;
    if (seen.problems.length || !seen.connection) {
      failure = seen.problems.join(" ") || `${label} is not configured by these settings.`;
    } else {
      const conn = seen.connection;
      check = await p.spin(`Checking ${label}…`, () =>
        doctor.probeConnection(conn, { timeoutMs: o.timeoutMs }),
      );
      const shown = doctor.scrubSecrets(
        `${label} · ${check.check}${check.latencyMs === undefined ? "" : ` · ${check.latencyMs} ms`}${check.message ? ` — ${check.message}` : ""}`,
        seen.secrets,
      );
      if (check.status === "problem") failure = shown;
      else if (check.status === "ok") p.success(`✓ ${shown}`);
      // a check that would cost money is not made: the settings are kept, unchecked
      else p.warn(`– ${shown}`);
    }
    if (failure === undefined) return { settings: { ...settings, ...o.selectors }, check };
    p.error(`✗ ${doctor.scrubSecrets(failure, seen.secrets)}`);
    const next = await p.select(`${label} did not pass its check. What now?`, [
      { value: "retry", label: "Enter the settings again" },
      // settings the servers refuse would stop them at start: only a refused or unreachable vendor can wait
      ...(check
        ? [
            {
              value: "keep",
              label: "Keep them anyway",
              hint: "the servers report this vendor as failing until fixed",
            },
          ]
        : []),
      { value: "skip", label: `Skip ${label}`, hint: "its servers stay on the sandbox" },
    ]);
    if (next === "keep") return { settings: { ...settings, ...o.selectors }, check };
    if (next === "skip") return undefined;
    // ask again, offering what was just typed as the current values
    env = { ...env, ...Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) };
  }
}
