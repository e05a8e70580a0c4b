import { ConfigError } from "@revops/kit";
import { connectInProcess } from "@revops/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadSalesCrmConfig, parseStageMap } from "../src/integrations/config";
import { createSalesServer } from "../src/server";

const load = (env: Record<string, string>) => () =>
  loadSalesCrmConfig({ REVOPS_ENV_FILE: "/nonexistent", ...env });

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("sales CRM configuration", () => {
  it("defaults to the sandbox", () => {
    expect(load({})()).toEqual({ crm: "sandbox" });
  });

  it("names the missing variable and the fix", () => {
    expect(load({ SALES_CRM: "salesforce" })).toThrow(
      /SALESFORCE_REFRESH_TOKEN: or SALESFORCE_ACCESS_TOKEN is required when SALES_CRM=salesforce/,
    );
    expect(load({ SALES_CRM: "salesforce", SALESFORCE_REFRESH_TOKEN: "r" })).toThrow(/SALESFORCE_CLIENT_ID/);
    expect(load({ SALES_CRM: "salesforce", SALESFORCE_ACCESS_TOKEN: "t" })).toThrow(
      /SALESFORCE_INSTANCE_URL/,
    );
    expect(load({ SALES_CRM: "hubspot" })).toThrow(/HUBSPOT_ACCESS_TOKEN.*private-app token/);
    expect(load({ SALES_CRM: "pipedrive" })).toThrow(ConfigError);
    expect(load({ SALES_CRM: "pipedrive" })).toThrow(/SALES_CRM/);
  });

  it("refuses the test base URL without the explicit allow flag", () => {
    const env = {
      SALES_CRM: "hubspot",
      HUBSPOT_ACCESS_TOKEN: "t",
      REVOPS_TEST_VENDOR_BASE_URL: "http://127.0.0.1:9",
    };
    expect(load(env)).toThrow(/REVOPS_TEST_VENDOR_BASE_URL.*REVOPS_ALLOW_INSECURE_TEST_VENDOR=true/);
    expect(load({ ...env, REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true" })()).toMatchObject({
      crm: "hubspot",
      baseUrl: "http://127.0.0.1:9",
      allowInsecureTestBaseUrl: true,
    });
  });

  it("builds a Salesforce connection with stage overrides over the defaults", () => {
    const c = load({
      SALES_CRM: "salesforce",
      SALESFORCE_ACCESS_TOKEN: "t",
      SALESFORCE_INSTANCE_URL: "https://acme.my.salesforce.com",
      SALES_STAGE_MAP: "Discovery=qualification, Closed Won=closed_won",
    })();
    expect(c).toMatchObject({
      crm: "salesforce",
      instanceUrl: "https://acme.my.salesforce.com",
      staleMaxAgeMs: 3_600_000,
    });
    expect(c.crm === "salesforce" && c.stages).toMatchObject({
      Discovery: "qualification",
      "Negotiation/Review": "negotiation",
    });
  });

  it("rejects stage maps that do not name a suite stage", () => {
    expect(() => parseStageMap("Discovery=early")).toThrow(/SALES_STAGE_MAP.*"Discovery=early"/);
    expect(() => parseStageMap("=proposal")).toThrow(/SALES_STAGE_MAP/);
  });

  it("a bad configuration stops the CRM tools with a pointer to the log", async () => {
    vi.stubEnv("SALES_CRM", "hubspot");
    vi.stubEnv("HUBSPOT_ACCESS_TOKEN", "");
    const s = await connectInProcess([createSalesServer()]);
    try {
      const r = await s.call("deals_list", {});
      expect(r.isError).toBe(true);
      expect(r.text).toMatch(/data source is not available[\s\S]*server log/);
    } finally {
      await s.close();
    }
  });
});
