import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { type RunningFake, startHubSpotFake, startSalesforceFake } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli } from "../src/index";
import { type Step, scriptedPrompter } from "./scripted-prompter";

const HUBSPOT_TOKEN = "pat-na1-89898989-setup-token";
const SF_SECRET = "sf-consumer-secret-90909090";

let hubspot: RunningFake<unknown>;
let salesforce: RunningFake<unknown>;

beforeAll(async () => {
  hubspot = await startHubSpotFake({ deals: [{ dealname: "Acme renewal", amount: "1000" }] });
  salesforce = await startSalesforceFake({ refreshTokens: ["sf-refresh-1"] });
});
afterAll(async () => {
  await Promise.all([hubspot.close(), salesforce.close()]);
});

/** `revops setup` answered by `steps`, in a fresh folder (REVOPS_ENV selects a profile when given). */
async function setup(steps: Step[], env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "setup-"));
  const prompter = scriptedPrompter(steps);
  const cli = buildCli({
    env: {
      REVOPS_ENV_FILE: join(dir, ".env"),
      REVOPS_TEST_VENDOR_BASE_URL: `hubspot=${hubspot.url},salesforce=${salesforce.url}`,
      REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true",
      ...env,
    },
    prompter: () => prompter,
    interactive: true,
    cwd: dir,
  });
  await cli.parseAsync(["node", "revops", "setup", "--timeout", "5"]);
  expect(prompter.left(), "every scripted question was asked").toBe(0);
  const shown = prompter.lines.join("\n");
  for (const s of [HUBSPOT_TOKEN, SF_SECRET, "sf-refresh-1"]) expect(shown).not.toContain(s);
  return { dir, lines: prompter.lines };
}

describe("revops setup (scripted answers)", () => {
  it("the suite: HubSpot is asked once for sales, marketing and churn renewals; the others stay on the sandbox", async () => {
    const { dir, lines } = await setup([
      ["Which server will your team use?", "suite"],
      ["Sales server · CRM (SALES_CRM)", "hubspot"],
      ["Sales server · company enrichment (SALES_ENRICHMENT)", "none"],
      ["Sales server · calendar and email (SALES_CALENDAR)", "sandbox"],
      ["Marketing server · marketing data (MARKETING_SOURCE)", "hubspot"],
      ["Marketing server · web analytics (MARKETING_WEB)", "sandbox"],
      ["Customer success server · help desk (CS_SUPPORT)", "sandbox"],
      ["Customer success server · product usage (CS_USAGE)", "sandbox"],
      ["Customer success server · conversations (CS_CONVERSATIONS)", "sandbox"],
      ["Customer success server · CRM renewals (churn model) (CS_CRM)", "hubspot"],
      ["Customer success server · customer email (CS_EMAIL)", "sandbox"],
      ["How does the suite sign in to HubSpot?", "private-app"],
      ["(HUBSPOT_ACCESS_TOKEN)", HUBSPOT_TOKEN],
    ]);
    const file = join(dir, ".env");
    expect(parseEnv(readFileSync(file, "utf8"))).toEqual({
      SALES_CRM: "hubspot",
      MARKETING_SOURCE: "hubspot",
      HUBSPOT_ACCESS_TOKEN: HUBSPOT_TOKEN,
      SALES_ENRICHMENT: "none",
      SALES_CALENDAR: "sandbox",
      MARKETING_WEB: "sandbox",
      CS_SUPPORT: "sandbox",
      CS_USAGE: "sandbox",
      CS_CONVERSATIONS: "sandbox",
      CS_CRM: "hubspot",
      CS_EMAIL: "sandbox",
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(lines).toContain(`[info] Settings file: ${file} (new)`);
    expect(lines).toContain(
      `# Add the server to your MCP client: Next: revops install claude-desktop --env REVOPS_ENV_FILE=${file}   (or claude-code, cursor)`,
    );
  });

  it("Salesforce's refresh-token flow in the REVOPS_ENV profile's file: the vault key is generated once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "setup-profile-"));
    writeFileSync(join(dir, ".env"), "LOG_LEVEL=info\n");
    const { lines } = await setup(
      [
        ["Which server will your team use?", "sales"],
        ["Sales server · CRM (SALES_CRM)", "salesforce"],
        ["Sales server · company enrichment (SALES_ENRICHMENT)", "none"],
        ["Sales server · calendar and email (SALES_CALENDAR)", "sandbox"],
        ["How does the suite sign in to Salesforce?", "refresh-token"],
        ["(SALESFORCE_CLIENT_ID)", "3MVG9-consumer-key"],
        ["(SALESFORCE_CLIENT_SECRET)", SF_SECRET],
        ["(SALESFORCE_REFRESH_TOKEN)", "sf-refresh-1"],
        ["(SALESFORCE_LOGIN_URL)", ""],
      ],
      { REVOPS_ENV_FILE: join(dir, ".env"), REVOPS_ENV: "prod" },
    );
    const written = parseEnv(readFileSync(join(dir, ".env.prod"), "utf8"));
    expect(written).toEqual({
      SALES_CRM: "salesforce",
      SALES_ENRICHMENT: "none",
      SALES_CALENDAR: "sandbox",
      SALESFORCE_CLIENT_ID: "3MVG9-consumer-key",
      SALESFORCE_CLIENT_SECRET: SF_SECRET,
      SALESFORCE_REFRESH_TOKEN: "sf-refresh-1",
      REVOPS_MASTER_KEY: expect.any(String),
    });
    expect(Buffer.from(written.REVOPS_MASTER_KEY as string, "base64")).toHaveLength(32);
    expect(readFileSync(join(dir, ".env"), "utf8")).toBe("LOG_LEVEL=info\n"); // the base file is left alone
    expect(lines.some((l) => l.startsWith("[warn] Generated REVOPS_MASTER_KEY"))).toBe(true);
    expect(lines).toContainEqual(
      expect.stringMatching(/^\[success\] ✓ Salesforce · SOQL SELECT Id FROM Account LIMIT 1/),
    );
    expect(lines.at(-2)).toContain(
      `--server sales --env REVOPS_ENV_FILE=${join(dir, ".env")} --env REVOPS_ENV=prod`,
    );
  });
});
