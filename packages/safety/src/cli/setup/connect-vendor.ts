import { randomBytes } from "node:crypto";
import type {
  DoctorConnection,
  DoctorVendor,
  ProbeResult,
  SignInMethod,
  VaultAccess,
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
  /** The credential vault under the master key of these settings (the consent's tokens go there). */
  vault?: (env: Env) => VaultAccess;
  /** Opens the consent page in the user's browser; unset, the address is only printed. */
  openBrowser?: (url: string) => Promise<void>;
  /** The loopback port of the OAuth redirect (0: any free one). */
  callbackPort?: number;
  /** How long the consent may take in the browser. */
  consentTimeoutMs?: number;
}

/** The settings to write for the vendor, or undefined when the user skipped it. */
export type VendorStepResult = { settings: Env; check: ProbeResult | undefined } | undefined;

const suffixOf = (name?: string) => (name ? `__${name.toUpperCase()}` : "");

/** How the user signs in today: the consent's if it ran, else the method whose variables are set, else the first. */
function currentMethod(methods: readonly SignInMethod[], env: Env, suffix: string): SignInMethod | undefined {
  const set = (v: VendorVariable) => env[`${v.name}${suffix}`] !== undefined;
  return (
    methods.find((m) => m.variables.some((v) => v.fromConsent && set(v))) ??
    methods.find((m) => m.variables.some((v) => !v.generated && set(v))) ??
    methods[0]
  );
}

/** The vault entry of the consent's tokens: the connection id of the first server using it (sales-hubspot). */
function consentConnectionId(o: VendorStepOptions, vendor: DoctorVendor): string {
  const suffix = suffixOf(o.name);
  const variables = Object.keys(o.selectors).map((k) =>
    suffix && k.endsWith(suffix) ? k.slice(0, -suffix.length) : k,
  );
  const id = o.doctor.SELECTORS.filter((s) => variables.includes(s.variable)).map(
    (s) => s.vendors[vendor],
  )[0];
  return `${id ?? `${vendor}-oauth`}${o.name ? `-${o.name}` : ""}`;
}

/**
 * The vendor's OAuth consent in the browser: the code redeemed, the tokens and the client secret stored
 * encrypted in the vault. A message when it did not happen (nothing stored).
 */
async function consent(
  o: VendorStepOptions,
  conn: DoctorConnection,
  clientSecret: string | undefined,
  env: Env,
): Promise<string | undefined> {
  const { prompter: p, doctor } = o;
  if (
    !("vault" in conn) ||
    !conn.vault ||
    !(doctor.CONSENT_VENDORS as readonly string[]).includes(conn.vendor)
  )
    return "No OAuth consent for this vendor.";
  const label = doctor.VENDOR_LABELS[conn.vendor];
  const secret = clientSecret ?? conn.vault.clientSecret;
  if (!secret) return "The app's client secret is required.";
  if (!o.vault)
    return "The credential vault is not available here: use `revops setup` or `revops connections add`.";
  const provider = doctor.consentProvider(conn.vendor as (typeof doctor.CONSENT_VENDORS)[number], {
    tokenUrl: conn.vault.tokenUrl,
    ...(conn.baseUrl ? { testBaseUrl: conn.baseUrl } : {}),
  });
  try {
    const { tokens } = await doctor.runConsent({
      provider,
      clientId: conn.vault.clientId,
      clientSecret: secret,
      ...(o.callbackPort !== undefined ? { port: o.callbackPort } : {}),
      ...(o.consentTimeoutMs !== undefined ? { timeoutMs: o.consentTimeoutMs } : {}),
      open: async (url) => {
        p.info(`Allow access in your browser. If it does not open, visit:\n${url}`);
        if (o.openBrowser)
          await o.openBrowser(url).catch(() => p.warn("Could not open a browser: open the address above."));
        p.info(
          `Waiting for ${label} to send you back here (redirect ${new URL(url).searchParams.get("redirect_uri")})…`,
        );
      },
    });
    const id = conn.vault.id;
    await o.vault(env)(({ vault }) =>
      doctor.storeConsent(vault, { connectionId: id, vendor: provider.vendor, tokens, clientSecret: secret }),
    );
    p.success(`${label} allowed access: tokens stored encrypted in the credential vault as ${id}.`);
    return undefined;
  } catch (err) {
    if (err instanceof doctor.ConsentError) return err.message;
    return `${label} sign-in failed: ${(err as Error).message}`;
  }
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
  const made: Env = {};
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
    // secrets the vault keeps (the app's client secret): asked, never written to the settings file
    let vaulted: string | undefined;
    for (const v of method.variables) {
      const key = `${v.name}${v.generated ? "" : suffix}`;
      if (v.fromConsent) {
        settings[key] = consentConnectionId(o, vendor);
        continue;
      }
      if (v.vaulted) {
        const typed = await ask({ ...v, optional: env[key] !== undefined }, env[key], p);
        vaulted = typed;
        settings[key] = undefined;
        continue;
      }
      if (v.generated) {
        // a key made on an earlier try is kept (and written): tokens may already be stored under it
        if (made[key]) settings[key] = made[key];
        if (env[key]) continue;
        settings[key] = made[key] = randomBytes(32).toString("base64");
        p.warn(
          `Generated ${key} for the credential vault: keep a copy in your secret store; without it the stored tokens cannot be read.`,
        );
        continue;
      }
      settings[key] = await ask(v, env[key], p);
    }
    // the other sign-in methods' variables are cleared, so the servers use the one chosen
    const own = new Set(method.variables.map((v) => v.name));
    for (const m of methods)
      for (const v of m.variables)
        if (m !== method && !v.generated && !own.has(v.name) && env[`${v.name}${suffix}`] !== undefined)
          settings[`${v.name}${suffix}`] = undefined;

    const seen = connectionOf(o, vendor, settings);
    let check: ProbeResult | undefined;
    let failure: string | undefined;
    if (seen.problems.length || !seen.connection) {
      failure = seen.problems.join(" ") || `${label} is not configured by these settings.`;
    } else {
      const conn = seen.connection;
      const withKey = { ...env, ...settings };
      const vaultedConn = "vault" in conn && conn.vault !== undefined;
      failure = method.consent && vaultedConn ? await consent(o, conn, vaulted, withKey) : undefined;
    }
    if (failure === undefined && seen.connection) {
      const conn = seen.connection;
      const vault = o.vault?.({ ...env, ...settings });
      check = await p.spin(`Checking ${label}…`, () =>
        doctor.probeConnection(conn, { timeoutMs: o.timeoutMs, ...(vault ? { vault } : {}) }),
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
