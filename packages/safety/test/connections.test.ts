import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { authMigrations, CredentialVault, loadMasterKeys } from "@revops/auth";
import { migrate, openSql } from "@revops/store";
import { type RunningFake, startHubSpotFake, startZendeskFake } from "@revops/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { applySettings } from "../src/cli/settings-file";
import { buildCli } from "../src/index";
import { type Step, scriptedPrompter } from "./scripted-prompter";

const GOOD = "pat-na1-12121212-connections-good";
const REVOKED = "pat-eu1-34343434-connections-revoked";
const ZENDESK_TOKEN = "zd-token-56565656-connections";
const SECRETS = [GOOD, REVOKED, ZENDESK_TOKEN];

let hubspot: RunningFake<unknown>;
let zendesk: RunningFake<unknown>;
let dir: string;
let envFile: string;

beforeAll(async () => {
  hubspot = await startHubSpotFake({ deals: [{ dealname: "Acme renewal", amount: "1000" }] });
  zendesk = await startZendeskFake({});
  hubspot.faults.expireTokens(REVOKED);
});
afterAll(async () => {
  await Promise.all([hubspot.close(), zendesk.close()]);
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "connections-"));
  envFile = join(dir, ".env");
});

/** Runs `revops <args>` on the settings file of the test, as a person at a terminal unless told. */
async function revops(args: string[], opts: { steps?: Step[]; ask?: string; interactive?: boolean } = {}) {
  const lines: string[] = [];
  const prompter = scriptedPrompter(opts.steps ?? []);
  const cli = buildCli({
    env: {
      REVOPS_ENV_FILE: envFile,
      REVOPS_DATA_DIR: join(dir, "data"),
      REVOPS_TEST_VENDOR_BASE_URL: `hubspot=${hubspot.url},zendesk=${zendesk.url}`,
      REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true",
    },
    print: (l) => lines.push(l),
    prompter: () => prompter,
    interactive: opts.interactive ?? true,
    ...(opts.ask !== undefined && { ask: async () => opts.ask as string }),
    cwd: dir,
  });
  const before = process.exitCode;
  try {
    await cli.parseAsync(["node", "revops", ...args]);
  } finally {
    process.exitCode = before;
  }
  const shown = [...lines, ...prompter.lines].join("\n");
  for (const s of SECRETS) expect(shown).not.toContain(s);
  expect(prompter.left(), "every scripted question was asked").toBe(0);
  return { lines, prompts: prompter.lines };
}

const settings = () => parseEnv(readFileSync(envFile, "utf8"));
const stable = (lines: string[]) => lines.map((l) => l.replace(/ · \d+ ms/g, " · N ms"));

describe("revops connections list", () => {
  it("shows each connection with its check, masked; half-set ones name the missing variable", async () => {
    writeFileSync(
      envFile,
      [
        "SALES_CRM=hubspot",
        `HUBSPOT_ACCESS_TOKEN=${GOOD}`,
        `HUBSPOT_ACCESS_TOKEN__EU=${REVOKED}`,
        "CS_SUPPORT=zendesk",
        "ZENDESK_EMAIL=agent@example.com",
      ].join("\n"),
    );
    const { lines } = await revops(["connections", "list", "--timeout", "5"]);
    expect(stable(lines)).toEqual([
      "✓ hubspot · HubSpot · sales (SALES_CRM) · pat-… · N ms",
      expect.stringMatching(
        /^✗ hubspot-eu · HubSpot · sales \(SALES_CRM\) · pat-… · N ms — HUBSPOT_ACCESS_TOKEN is rejected/,
      ),
      expect.stringMatching(/^✗ zendesk — ZENDESK_API_TOKEN is required when CS_SUPPORT=zendesk/),
    ]);
  });

  it("says the servers run on the sandbox when nothing is configured", async () => {
    const { lines } = await revops(["connections", "list"]);
    expect(lines).toEqual([
      "No vendor connection: every server runs on the sandbox. `revops setup` or `revops connections add <vendor>` connects one.",
    ]);
  });
});

describe("revops connections add", () => {
  it("adds a named HubSpot connection after its check passes: suffixed variables, file 0600", async () => {
    writeFileSync(envFile, `SALES_CRM=hubspot\nHUBSPOT_ACCESS_TOKEN=${GOOD}\n`, { mode: 0o644 });
    const { prompts } = await revops(["connections", "add", "hubspot", "--name", "eu"], {
      steps: [
        ["Which servers use HubSpot?", ["SALES_CRM", "MARKETING_SOURCE"]],
        ["How does the suite sign in to HubSpot?", "private-app"],
        ["(HUBSPOT_ACCESS_TOKEN)", GOOD],
      ],
    });
    // a named connection has its own token: the default's is not offered
    expect(prompts.join("\n")).not.toContain("Enter keeps the current one");
    expect(prompts).toContainEqual(
      expect.stringMatching(/^\[success\] ✓ HubSpot · GET \/crm\/v3\/objects\/deals\?limit=1 · \d+ ms$/),
    );
    expect(settings()).toEqual({
      SALES_CRM: "hubspot",
      HUBSPOT_ACCESS_TOKEN: GOOD,
      HUBSPOT_ACCESS_TOKEN__EU: GOOD,
      SALES_CRM__EU: "hubspot",
      MARKETING_SOURCE__EU: "hubspot",
    });
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(`${envFile}.bak-1`, "utf8")).toBe(
      `SALES_CRM=hubspot\nHUBSPOT_ACCESS_TOKEN=${GOOD}\n`,
    );
  });

  it("a failing check is shown; skipping writes nothing", async () => {
    zendesk.faults.always(
      { kind: "status", status: 401, body: { error: "Couldn't authenticate you" } },
      { path: /^\/api\/v2\// },
    );
    try {
      const r = await revops(["connections", "add", "zendesk"], {
        steps: [
          ["Which servers use Zendesk?", ["CS_SUPPORT"]],
          ["How does the suite sign in to Zendesk?", "api-token"],
          ["(ZENDESK_SUBDOMAIN)", "acme"],
          ["(ZENDESK_EMAIL)", "agent@example.com"],
          ["(ZENDESK_API_TOKEN)", ZENDESK_TOKEN],
          ["Zendesk did not pass its check", "skip"],
        ],
      });
      expect(r.prompts.filter((l) => l.startsWith("? ")).length).toBe(6);
      expect(r.prompts).toContainEqual(
        expect.stringMatching(
          /^\[error\] ✗ Zendesk · GET \/api\/v2\/tickets\.json\?page\[size\]=1 · \d+ ms — ZENDESK_EMAIL \/ ZENDESK_API_TOKEN are rejected/,
        ),
      );
      expect(r.prompts.at(-1)).toBe("└ Zendesk not added; nothing was written.");
    } finally {
      zendesk.faults.clear();
    }
    expect(existsSync(envFile)).toBe(false);
  });

  it("a refused token can be kept anyway: written, and `connections list` shows it failing", async () => {
    await revops(["connections", "add", "hubspot"], {
      steps: [
        ["Which servers use HubSpot?", ["MARKETING_SOURCE"]],
        ["How does the suite sign in to HubSpot?", "private-app"],
        ["(HUBSPOT_ACCESS_TOKEN)", REVOKED],
        ["HubSpot did not pass its check", "keep"],
      ],
    });
    expect(settings()).toEqual({ MARKETING_SOURCE: "hubspot", HUBSPOT_ACCESS_TOKEN: REVOKED });
    const { lines } = await revops(["connections", "list"]);
    expect(lines[0]).toMatch(
      /^✗ hubspot · HubSpot · marketing \(MARKETING_SOURCE\) · pat-… · \d+ ms — HUBSPOT_ACCESS_TOKEN is rejected/,
    );
  });

  it("a setting the doctor refuses is shown before any call, and can be entered again", async () => {
    await revops(["connections", "add", "zendesk"], {
      steps: [
        ["Which servers use Zendesk?", ["CS_SUPPORT"]],
        ["How does the suite sign in to Zendesk?", "api-token"],
        ["(ZENDESK_SUBDOMAIN)", "https://acme.zendesk.com"],
        ["(ZENDESK_EMAIL)", "agent@example.com"],
        ["(ZENDESK_API_TOKEN)", ZENDESK_TOKEN],
        ["Zendesk did not pass its check", "retry"],
        ["How does the suite sign in to Zendesk?", "api-token"],
        ["(ZENDESK_SUBDOMAIN)", "acme"],
        ["(ZENDESK_EMAIL)", "agent@example.com"],
        ["(ZENDESK_API_TOKEN)", ""], // Enter keeps the one just typed
      ],
    });
    expect(settings()).toEqual({
      CS_SUPPORT: "zendesk",
      ZENDESK_SUBDOMAIN: "acme",
      ZENDESK_EMAIL: "agent@example.com",
      ZENDESK_API_TOKEN: ZENDESK_TOKEN,
    });
  });

  it("needs a terminal, and names a known vendor", async () => {
    await expect(revops(["connections", "add", "hubspot"], { interactive: false })).rejects.toThrow(
      /needs a terminal.*\.env/,
    );
    await expect(revops(["connections", "add", "pipedrive"])).rejects.toThrow(
      'Unknown vendor "pipedrive": use hubspot, salesforce, zendesk, intercom, mixpanel, apollo, sendgrid, google.',
    );
  });
});

describe("revops connections remove", () => {
  const FILE = [
    "# settings",
    "SALES_CRM=hubspot",
    "MARKETING_SOURCE=hubspot",
    `HUBSPOT_ACCESS_TOKEN=${GOOD}`,
    `HUBSPOT_ACCESS_TOKEN__EU=${REVOKED}`,
    "SALES_CRM__EU=hubspot",
    "LOG_LEVEL=info",
    "",
  ].join("\n");

  it("is refused without a terminal or the typed phrase; nothing changes", async () => {
    writeFileSync(envFile, FILE);
    await expect(revops(["connections", "remove", "hubspot"])).rejects.toThrow(
      'Not removed: type "remove hubspot" at the prompt (or pass --confirm "remove hubspot").',
    );
    await expect(revops(["connections", "remove", "hubspot"], { ask: "yes" })).rejects.toThrow(/Not removed/);
    expect(readFileSync(envFile, "utf8")).toBe(FILE);
  });

  it("removes a vendor's default connection after the phrase is typed; the servers go back to the sandbox", async () => {
    writeFileSync(envFile, FILE);
    const { lines } = await revops(["connections", "remove", "hubspot"], { ask: "remove hubspot" });
    expect(lines[0]).toBe(`This deletes HUBSPOT_ACCESS_TOKEN, SALES_CRM, MARKETING_SOURCE from ${envFile}.`);
    expect(lines[1]).toBe(`Removed hubspot: 3 settings. The previous file is saved as ${envFile}.bak-1.`);
    expect(readFileSync(envFile, "utf8")).toBe(
      [
        "# settings",
        `HUBSPOT_ACCESS_TOKEN__EU=${REVOKED}`,
        "SALES_CRM__EU=hubspot",
        "LOG_LEVEL=info",
        "",
      ].join("\n"),
    );
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
  });

  it("removes a named connection with --confirm (the same path as `revops sandbox reset`)", async () => {
    writeFileSync(envFile, FILE);
    await revops(["connections", "remove", "eu", "--confirm", "remove eu"]);
    expect(settings()).toEqual({
      SALES_CRM: "hubspot",
      MARKETING_SOURCE: "hubspot",
      HUBSPOT_ACCESS_TOKEN: GOOD,
      LOG_LEVEL: "info",
    });
  });

  it("removing Salesforce also forgets its tokens in the vault, and is audited", async () => {
    const key = randomBytes(32).toString("base64");
    writeFileSync(
      envFile,
      `SALES_CRM=salesforce\nSALESFORCE_CLIENT_ID=3MVG9\nSALESFORCE_REFRESH_TOKEN=${REVOKED}\nREVOPS_MASTER_KEY=${key}\n`,
    );
    const db = await openSql({ dataDir: join(dir, "data") });
    try {
      await migrate(db, authMigrations);
      const vault = new CredentialVault(db, loadMasterKeys({ REVOPS_MASTER_KEY: key }));
      await vault.put("sales-salesforce", "tokens", { vendor: "salesforce" });
      await vault.put("sales-salesforce.seed", "hash", { vendor: "salesforce" });
      await vault.put("cs-zendesk", "kept", { vendor: "zendesk" });
      const { lines } = await revops([
        "connections",
        "remove",
        "salesforce",
        "--confirm",
        "remove salesforce",
      ]);
      expect(lines[1]).toMatch(/^Removed salesforce: 3 settings and 2 stored tokens\./);
      expect((await vault.list()).map((c) => c.connectionId)).toEqual(["cs-zendesk"]);
      // the vault's key stays: other connections' tokens need it
      expect(settings()).toEqual({ REVOPS_MASTER_KEY: key });
      const audited = await db.query<{ tool: string; principal: string }>(
        "SELECT tool, principal FROM audit_log WHERE tool = 'connections_remove'",
      );
      expect(audited).toEqual([
        { tool: "connections_remove", principal: expect.stringMatching(/ \(cli\)$/) },
      ]);
    } finally {
      await db.close();
    }
  });

  it("names what does not exist", async () => {
    writeFileSync(envFile, FILE);
    await expect(revops(["connections", "remove", "zendesk", "--confirm", "remove zendesk"])).rejects.toThrow(
      `${envFile} configures no connection "zendesk"`,
    );
  });
});

describe("revops setup without a terminal", () => {
  it("fails with the way to configure without one", async () => {
    await expect(revops(["setup"], { interactive: false })).rejects.toThrow(
      "revops setup asks questions and needs a terminal. Without one, put the settings in .env",
    );
  });
});

describe("applySettings", () => {
  it("replaces in place, appends, removes, and quotes what needs it", () => {
    const before = "# keep\nexport A=1\nB=2\nB=3\nC=x\n";
    expect(applySettings(before, { A: "9", B: undefined, D: 'a "b" c', E: "plain-1.2" })).toBe(
      '# keep\nA=9\nC=x\nD="a \\"b\\" c"\nE=plain-1.2\n',
    );
    expect(parseEnv(applySettings(undefined, { K: "p@ss word#1" }))).toEqual({ K: "p@ss word#1" });
  });
});
