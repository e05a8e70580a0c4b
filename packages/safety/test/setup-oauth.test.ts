import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { authMigrations, CredentialVault, loadMasterKeys } from "@revops/auth";
import { VENDOR_SETTINGS } from "@revops/connectors/doctor";
import { migrate, openSql } from "@revops/store";
import {
  type HubSpotState,
  type IntercomState,
  type RunningFake,
  type SalesforceState,
  startHubSpotFake,
  startIntercomFake,
  startSalesforceFake,
  startZendeskFake,
  type ZendeskState,
} from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli } from "../src/cli";
import { type Step, scriptedPrompter } from "./scripted-prompter";

let hubspot: RunningFake<HubSpotState>;
let salesforce: RunningFake<SalesforceState>;
let zendesk: RunningFake<ZendeskState>;
let intercom: RunningFake<IntercomState>;
const HS = { id: "hubspot-test-client", secret: "hubspot-test-secret" };
const SF = { id: "salesforce-test-client", secret: "salesforce-test-secret" };

beforeAll(async () => {
  hubspot = await startHubSpotFake({ deals: [{ dealname: "Acme renewal", amount: "1000" }] });
  salesforce = await startSalesforceFake({ Account: [{ Name: "Acme" }] });
  zendesk = await startZendeskFake({ tickets: [{ subject: "Printer on fire" }] });
  intercom = await startIntercomFake({ accessToken: "ic-api-token", conversations: [{ title: "Billing" }] });
});
afterAll(async () => {
  await Promise.all([hubspot.close(), salesforce.close(), zendesk.close(), intercom.close()]);
});

/** The user's browser: opens the consent page, presses Allow or Deny, follows the redirect to the wizard. */
const browser = (decision: "allow" | "deny") => async (url: string) => {
  const page = await fetch(url);
  expect(await page.text()).toContain("<button id=allow");
  const form = new URLSearchParams(new URL(url).searchParams);
  form.set("decision", decision);
  const post = await fetch(url.split("?")[0] as string, { method: "POST", body: form, redirect: "manual" });
  // the wizard waits for this request; it is not awaited here, as a browser would not block the opener
  void fetch(post.headers.get("location") as string);
};

function cliIn(dir: string, steps: Step[], open: (url: string) => Promise<void>) {
  const prompter = scriptedPrompter(steps);
  const env = {
    REVOPS_ENV_FILE: join(dir, ".env"),
    REVOPS_DATA_DIR: join(dir, "data"),
    REVOPS_TEST_VENDOR_BASE_URL: `hubspot=${hubspot.url},salesforce=${salesforce.url},zendesk=${zendesk.url},intercom=${intercom.url}`,
    REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true",
  };
  const lines: string[] = [];
  const cli = buildCli({
    env,
    prompter: () => prompter,
    interactive: true,
    cwd: dir,
    openBrowser: open,
    print: (l) => void lines.push(l),
  });
  return { cli, prompter, lines, env };
}

async function vaultOf(dir: string) {
  const file = parseEnv(readFileSync(join(dir, ".env"), "utf8"));
  const db = await openSql({ dataDir: join(dir, "data") });
  await migrate(db, authMigrations);
  return { db, vault: new CredentialVault(db, loadMasterKeys(file)), file };
}

describe("revops setup: the vendor's OAuth consent", () => {
  it("HubSpot: consent in the browser, tokens in the vault, the file without secrets; list and remove", async () => {
    const dir = mkdtempSync(join(tmpdir(), "setup-oauth-"));
    const { cli, prompter } = cliIn(
      dir,
      [
        ["Which server will your team use?", "sales"],
        ["Sales server · CRM (SALES_CRM)", "hubspot"],
        ["Sales server · company enrichment (SALES_ENRICHMENT)", "none"],
        ["Sales server · calendar and email (SALES_CALENDAR)", "sandbox"],
        ["How does the suite sign in to HubSpot?", "oauth"],
        ["(HUBSPOT_CLIENT_ID)", HS.id],
        ["(HUBSPOT_CLIENT_SECRET)", HS.secret],
      ],
      browser("allow"),
    );
    await cli.parseAsync(["node", "revops", "setup", "--timeout", "5"]);
    expect(prompter.left()).toBe(0);
    const shown = prompter.lines.join("\n");
    expect(shown).toContain(
      "[success] HubSpot allowed access: tokens stored encrypted in the credential vault as sales-hubspot.",
    );
    expect(shown).toMatch(/✓ HubSpot · GET \/crm\/v3\/objects\/deals\?limit=1/);
    expect(shown).not.toContain(HS.secret);

    const { db, vault, file } = await vaultOf(dir);
    try {
      // the settings: the vault entry and the client id, never the secret or a token
      expect(file).toEqual({
        SALES_CRM: "hubspot",
        SALES_ENRICHMENT: "none",
        SALES_CALENDAR: "sandbox",
        HUBSPOT_CLIENT_ID: HS.id,
        HUBSPOT_OAUTH_CONNECTION: "sales-hubspot",
        REVOPS_MASTER_KEY: expect.any(String),
      });
      const stored = JSON.parse((await vault.get("sales-hubspot")) as string);
      expect(stored).toMatchObject({ vendor: "hubspot", refreshToken: expect.any(String) });
      expect(JSON.parse((await vault.get("sales-hubspot.client")) as string)).toEqual({
        clientSecret: HS.secret,
      });
      expect(hubspot.requests.some((r) => r.headers.authorization === `Bearer ${stored.accessToken}`)).toBe(
        true,
      );
    } finally {
      await db.close();
    }

    // list shows it with its check, no secret
    const listed = cliIn(dir, [], browser("allow"));
    await listed.cli.parseAsync(["node", "revops", "connections", "list"]);
    expect(listed.lines.join("\n")).toMatch(
      /✓ hubspot · HubSpot · sales \(SALES_CRM\) · OAuth, tokens in the vault \(sales-hubspot\)/,
    );

    // remove deletes the settings and the vault entries
    const removed = cliIn(dir, [], browser("allow"));
    await removed.cli.parseAsync([
      "node",
      "revops",
      "connections",
      "remove",
      "hubspot",
      "--confirm",
      "remove hubspot",
    ]);
    expect(removed.lines.join("\n")).toMatch(/Removed hubspot: 3 settings and 2 stored tokens/);
    const after = await openSql({ dataDir: join(dir, "data") });
    try {
      expect(await after.query("SELECT connection_id FROM auth_credentials")).toEqual([]);
    } finally {
      await after.close();
    }
  });

  it("Salesforce: denied consent says so, nothing is stored; the retry passes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "setup-oauth-"));
    let tries = 0;
    const { cli, prompter } = cliIn(
      dir,
      [
        ["Which server will your team use?", "sales"],
        ["Sales server · CRM (SALES_CRM)", "salesforce"],
        ["Sales server · company enrichment (SALES_ENRICHMENT)", "none"],
        ["Sales server · calendar and email (SALES_CALENDAR)", "sandbox"],
        ["How does the suite sign in to Salesforce?", "oauth"],
        ["(SALESFORCE_CLIENT_ID)", SF.id],
        ["(SALESFORCE_CLIENT_SECRET)", SF.secret],
        ["(SALESFORCE_LOGIN_URL)", ""],
        ["Salesforce did not pass its check. What now?", "retry"],
        ["How does the suite sign in to Salesforce?", "oauth"],
        ["(SALESFORCE_CLIENT_ID)", SF.id],
        ["(SALESFORCE_CLIENT_SECRET)", SF.secret],
        ["(SALESFORCE_LOGIN_URL)", ""],
      ],
      (url) => browser(tries++ === 0 ? "deny" : "allow")(url),
    );
    await cli.parseAsync(["node", "revops", "setup", "--timeout", "5"]);
    expect(prompter.left()).toBe(0);
    const shown = prompter.lines.join("\n");
    expect(shown).toContain(
      "[error] ✗ Salesforce access was not allowed in the browser (access_denied): nothing was stored.",
    );
    expect(shown).toMatch(/✓ Salesforce · SOQL SELECT Id FROM Account LIMIT 1/);
    const { db, vault, file } = await vaultOf(dir);
    try {
      expect(file.SALESFORCE_OAUTH_CONNECTION).toBe("sales-salesforce");
      expect(file.SALESFORCE_CLIENT_SECRET).toBeUndefined();
      expect((await vault.list()).map((c) => c.connectionId)).toEqual([
        "sales-salesforce",
        "sales-salesforce.client",
      ]);
      const stored = JSON.parse((await vault.get("sales-salesforce")) as string);
      expect(stored.instanceUrl).toBe(salesforce.url);
    } finally {
      await db.close();
    }
    // exactly one code was redeemed: the denied consent issued none
    expect(salesforce.state.oauth.grants.filter((g) => g.type === "authorization_code")).toHaveLength(1);
  });

  it("Zendesk and Intercom: the wizard offers their browser sign-in; the tokens go to the vault, the file keeps no secret", async () => {
    const dir = mkdtempSync(join(tmpdir(), "setup-oauth-"));
    const { cli, prompter } = cliIn(
      dir,
      [
        ["Which server will your team use?", "customer-success"],
        ["(CS_SUPPORT)", "zendesk"],
        ["(CS_USAGE)", "sandbox"],
        ["(CS_CONVERSATIONS)", "intercom"],
        ["(CS_CRM)", "sandbox"],
        ["(CS_EMAIL)", "sandbox"],
        ["How does the suite sign in to Zendesk?", "oauth"],
        ["(ZENDESK_SUBDOMAIN)", "acme"],
        ["(ZENDESK_CLIENT_ID)", "zendesk-test-client"],
        ["(ZENDESK_CLIENT_SECRET)", "zendesk-test-secret"],
        ["How does the suite sign in to Intercom?", "oauth"],
        ["(INTERCOM_CLIENT_ID)", "intercom-test-client"],
        ["(INTERCOM_CLIENT_SECRET)", "intercom-test-secret"],
        ["(INTERCOM_REGION)", "us"],
        ["(INTERCOM_ADMIN_ID)", ""],
      ],
      browser("allow"),
    );
    await cli.parseAsync(["node", "revops", "setup", "--timeout", "5"]);
    expect(prompter.left()).toBe(0);
    const shown = prompter.lines.join("\n");
    // the choice the wizard offered ("oauth" above) is the browser sign-in
    for (const vendor of ["zendesk", "intercom"] as const)
      expect(VENDOR_SETTINGS[vendor].find((m) => m.id === "oauth")).toMatchObject({
        consent: true,
        label: expect.stringMatching(/^Sign in with (Zendesk|Intercom) in the browser/),
      });
    expect(shown).toContain(
      "Zendesk allowed access: tokens stored encrypted in the credential vault as cs-zendesk.",
    );
    expect(shown).toContain(
      "Intercom allowed access: tokens stored encrypted in the credential vault as cs-intercom.",
    );
    expect(shown).toMatch(/✓ Zendesk · GET \/api\/v2\/tickets\.json/);
    expect(shown).toMatch(/✓ Intercom · GET \/conversations/);
    const { db, vault, file } = await vaultOf(dir);
    try {
      expect(file).toMatchObject({
        ZENDESK_OAUTH_CONNECTION: "cs-zendesk",
        ZENDESK_CLIENT_ID: "zendesk-test-client",
        INTERCOM_OAUTH_CONNECTION: "cs-intercom",
        INTERCOM_CLIENT_ID: "intercom-test-client",
      });
      expect(JSON.stringify(file)).not.toMatch(/test-secret/);
      expect((await vault.list()).map((c) => c.connectionId).sort()).toEqual([
        "cs-intercom",
        "cs-intercom.client",
        "cs-zendesk",
        "cs-zendesk.client",
      ]);
      const zd = JSON.parse((await vault.get("cs-zendesk")) as string);
      expect(zd).toMatchObject({ vendor: "zendesk", refreshToken: expect.any(String) });
      expect(zendesk.requests.some((r) => r.headers.authorization === `Bearer ${zd.accessToken}`)).toBe(true);
      const ic = JSON.parse((await vault.get("cs-intercom")) as string);
      expect(ic.refreshToken).toBeUndefined();
      expect(intercom.requests.some((r) => r.headers.authorization === `Bearer ${ic.accessToken}`)).toBe(
        true,
      );
    } finally {
      await db.close();
    }
  });
});
