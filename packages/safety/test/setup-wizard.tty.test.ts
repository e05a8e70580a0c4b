import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { type HubSpotState, type RunningFake, startHubSpotFake } from "@revops/testing";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const GOOD = "pat-na1-77777777-wizard-good-token";
const BAD = "pat-na1-00000000-wizard-revoked-token";
// a private tmux server: nothing else on the machine is touched, and it ends with the test
const TMUX = ["-L", `revops-setup-${process.pid}`];
const SESSION = "wizard";

const tmux = (...args: string[]) => execFileSync("tmux", [...TMUX, ...args], { encoding: "utf8" });
const screen = () => tmux("capture-pane", "-p", "-J", "-S", "-200", "-t", SESSION);
const keys = (...k: string[]) => tmux("send-keys", "-t", SESSION, ...k);
const type = (text: string) => tmux("send-keys", "-t", SESSION, "-l", text);

/** Waits until the terminal shows `text` (`times` occurrences); the screen so far when it does not. */
async function waitFor(text: string, times = 1, timeoutMs = 20_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const now = screen();
    if (now.split(text).length - 1 >= times) return now;
    if (Date.now() > until) throw new Error(`"${text}" not shown within ${timeoutMs} ms. Screen:\n${now}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The answer a submitted select shows after its question. */
const answered = (text: string, question: string) => {
  const lines = text.split("\n");
  const at = lines.findIndex((l) => l.includes(question));
  return lines[at + 1] ?? "";
};

/** tmux renders the terminal; CI installs it (.ci/run), so there a missing tmux fails instead of skipping. */
const hasTmux = (() => {
  try {
    execFileSync("tmux", ["-V"]);
    return true;
  } catch {
    return false;
  }
})();

describe.runIf(hasTmux || process.env.CI)("revops setup in a terminal (tmux)", () => {
  let hubspot: RunningFake<HubSpotState>;
  let dir: string;
  let cli: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "revops-setup-"));
    // the CLI as customers run it: one bundle, as scripts/build-app.mjs makes it
    await build({
      entryPoints: { revops: join(import.meta.dirname, "../src/cli-main.ts") },
      outdir: join(dir, "bin"),
      bundle: true,
      splitting: true,
      format: "esm",
      platform: "node",
      target: "node22",
      external: ["pg-native"],
      banner: {
        js: "import { createRequire as __revopsCreateRequire } from 'node:module'; const require = __revopsCreateRequire(import.meta.url);",
      },
      logLevel: "warning",
    });
    cli = join(dir, "bin", "revops.js");
    hubspot = await startHubSpotFake({ deals: [{ dealname: "Acme renewal", amount: "1000" }] });
    hubspot.faults.expireTokens(BAD);
  }, 120_000);

  afterAll(async () => {
    try {
      tmux("kill-server");
    } catch {
      // already gone
    }
    await hubspot?.close();
  });

  it("sales with HubSpot: a revoked token fails its check, the retry passes, .env is written 0600 with a backup", async () => {
    const envFile = join(dir, ".env");
    writeFileSync(envFile, "# our settings\nLOG_LEVEL=info\n", { mode: 0o644 });
    const env = {
      REVOPS_ENV_FILE: envFile,
      REVOPS_DATA_DIR: join(dir, "data"),
      REVOPS_TEST_VENDOR_BASE_URL: `hubspot=${hubspot.url}`,
      REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true",
      NODE_NO_WARNINGS: "1",
      TERM: "xterm-256color",
    };
    const start = [
      "new-session",
      "-d",
      "-s",
      SESSION,
      "-x",
      "140",
      "-y",
      "60",
      ...Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]),
      `cd ${dir} && ${process.execPath} ${cli} setup; echo "EXIT=$?"; sleep 60`,
    ];
    tmux(...start);

    await waitFor("Which server will your team use?");
    keys("Enter"); // Sales is the first choice
    await waitFor("Sales server · CRM (SALES_CRM)");
    keys("Up", "Up", "Enter"); // from "Keep the sandbox" up to HubSpot
    await waitFor("Sales server · company enrichment (SALES_ENRICHMENT)");
    keys("Enter"); // Not used
    await waitFor("Sales server · calendar and email (SALES_CALENDAR)");
    keys("Enter"); // Keep the sandbox
    await waitFor("How does the suite sign in to HubSpot?");
    keys("Enter"); // the private-app token
    await waitFor("HubSpot private-app access token (HUBSPOT_ACCESS_TOKEN)");
    type(BAD);
    keys("Enter");

    let shown = await waitFor("HubSpot did not pass its check. What now?");
    expect(shown).toContain("✗ HubSpot · GET /crm/v3/objects/deals?limit=1");
    expect(shown).toContain("HUBSPOT_ACCESS_TOKEN is rejected");
    keys("Enter"); // Enter the settings again
    await waitFor("How does the suite sign in to HubSpot?", 2);
    keys("Enter"); // the private-app token again
    await waitFor("HubSpot private-app access token (HUBSPOT_ACCESS_TOKEN)", 2);
    type(GOOD);
    keys("Enter");

    shown = await waitFor("EXIT=");
    expect(shown).toContain("EXIT=0");
    expect(shown).toMatch(/✓ HubSpot · GET \/crm\/v3\/objects\/deals\?limit=1 · \d+ ms/);
    expect(answered(shown, "Sales server · CRM (SALES_CRM)")).toContain("HubSpot");
    expect(shown).toContain(`Wrote 4 settings to ${envFile} (readable by you only).`);
    expect(shown).toContain(`The previous file is saved as ${envFile}.bak-1.`);
    expect(shown).toContain(`revops install claude-desktop --server sales --env REVOPS_ENV_FILE=${envFile}`);
    // typed secrets are masked on the screen, in the answers and in the check's message
    expect(shown).not.toContain(GOOD);
    expect(shown).not.toContain(BAD);

    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    const written = readFileSync(envFile, "utf8");
    expect(written.startsWith("# our settings\nLOG_LEVEL=info\n")).toBe(true);
    expect(parseEnv(written)).toEqual({
      LOG_LEVEL: "info",
      SALES_CRM: "hubspot",
      SALES_ENRICHMENT: "none",
      SALES_CALENDAR: "sandbox",
      HUBSPOT_ACCESS_TOKEN: GOOD,
    });
    expect(readFileSync(`${envFile}.bak-1`, "utf8")).toBe("# our settings\nLOG_LEVEL=info\n");
    expect(statSync(`${envFile}.bak-1`).mode & 0o777).toBe(0o600);
    // the check reached the fake with each token, read-only
    const auths = hubspot.requests.map((r) => r.headers.authorization);
    expect(auths).toContain(`Bearer ${BAD}`);
    expect(auths).toContain(`Bearer ${GOOD}`);
    expect(hubspot.requests.every((r) => r.method === "GET")).toBe(true);
  }, 90_000);

  it("HubSpot through its OAuth consent: the browser follows the printed address, the doctor then uses and refreshes the stored token", async () => {
    const envFile = join(dir, "oauth.env");
    const env = {
      REVOPS_ENV_FILE: envFile,
      REVOPS_DATA_DIR: join(dir, "oauth-data"),
      REVOPS_TEST_VENDOR_BASE_URL: `hubspot=${hubspot.url}`,
      REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true",
      NODE_NO_WARNINGS: "1",
      TERM: "xterm-256color",
    };
    try {
      tmux("kill-session", "-t", SESSION);
    } catch {
      // the first test's session already ended
    }
    // wide enough that the consent address stays on one line
    tmux(
      "new-session",
      "-d",
      "-s",
      SESSION,
      "-x",
      "900",
      "-y",
      "60",
      ...Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]),
      `cd ${dir} && ${process.execPath} ${cli} setup --no-browser; echo "EXIT=$?"; sleep 60`,
    );
    await waitFor("Which server will your team use?");
    keys("Enter");
    await waitFor("Sales server · CRM (SALES_CRM)");
    keys("Up", "Up", "Enter");
    await waitFor("Sales server · company enrichment (SALES_ENRICHMENT)");
    keys("Enter");
    await waitFor("Sales server · calendar and email (SALES_CALENDAR)");
    keys("Enter"); // Keep the sandbox
    await waitFor("How does the suite sign in to HubSpot?");
    keys("Down", "Enter"); // Sign in with HubSpot in the browser
    await waitFor("App client id (HUBSPOT_CLIENT_ID)");
    type("hubspot-test-client");
    keys("Enter");
    await waitFor("App client secret (HUBSPOT_CLIENT_SECRET)");
    type("hubspot-test-secret");
    keys("Enter");

    // the "browser": the address the wizard printed, the fake's consent page, its Allow button, the redirect back
    const printed = await waitFor("Waiting for HubSpot to send you back here");
    const url = /(http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?\S+)/.exec(printed)?.[1] as string;
    expect(new URL(url).searchParams.get("redirect_uri")).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    const consent = await (await fetch(url)).text();
    expect(consent).toContain("<button id=allow");
    const form = new URLSearchParams(new URL(url).searchParams);
    form.set("decision", "allow");
    const allowed = await fetch(url.split("?")[0] as string, {
      method: "POST",
      body: form,
      redirect: "manual",
    });
    const back = await fetch(allowed.headers.get("location") as string);
    expect(await back.text()).toContain("HubSpot connected");

    const shown = await waitFor("EXIT=");
    expect(shown).toContain("EXIT=0");
    expect(shown).toContain(
      "HubSpot allowed access: tokens stored encrypted in the credential vault as sales-hubspot.",
    );
    expect(shown).not.toContain("hubspot-test-secret");
    const written = parseEnv(readFileSync(envFile, "utf8"));
    expect(written).toMatchObject({
      HUBSPOT_OAUTH_CONNECTION: "sales-hubspot",
      HUBSPOT_CLIENT_ID: "hubspot-test-client",
    });
    expect(JSON.stringify(written)).not.toContain("hubspot-test-secret");

    // `revops doctor` with the stored token; then after the token's lifetime it refreshes and saves the new one
    // asynchronously: the fakes answer from this process
    const doctor = () =>
      new Promise<string>((resolve) =>
        execFile(
          process.execPath,
          [cli, "doctor", "--json"],
          { encoding: "utf8", cwd: dir, env: { ...process.env, ...env } },
          (_err, stdout) => resolve(stdout),
        ),
      );
    const refreshes = () => hubspot.state.oauth.grants.filter((g) => g.type === "refresh_token").length;
    const hubspotCheck = (out: string) =>
      (
        JSON.parse(out) as { connections: { vendor: string; status: string; credential: string }[] }
      ).connections.find((c) => c.vendor === "hubspot");
    expect(hubspotCheck(await doctor())).toMatchObject({
      status: "ok",
      credential: "OAuth, tokens in the vault (sales-hubspot)",
    });
    expect(refreshes()).toBe(0);
    const clock = hubspot.state.oauth.now;
    hubspot.state.oauth.now = () => clock() + 31 * 60_000;
    try {
      expect(hubspotCheck(await doctor())).toMatchObject({ status: "ok" });
      expect(refreshes()).toBe(1);
    } finally {
      hubspot.state.oauth.now = clock;
    }
  }, 120_000);
});
