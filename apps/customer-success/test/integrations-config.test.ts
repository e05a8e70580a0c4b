import { ConfigError } from "@revops/kit";
import { connectInProcess } from "@revops/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadCsIntegrationsConfig, loadCsSupportConfig } from "../src/integrations/config";
import { createCustomerSuccessServer } from "../src/server";

const load = (env: Record<string, string>) => () =>
  loadCsSupportConfig({ REVOPS_ENV_FILE: "/nonexistent", ...env });
const ZD = { CS_SUPPORT: "zendesk", ZENDESK_EMAIL: "agent@acme.test", ZENDESK_API_TOKEN: "tok" };

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("customer-success support configuration", () => {
  it("defaults to the sandbox", () => {
    expect(load({})()).toEqual({ support: "sandbox" });
  });

  it("names the missing or bad variable and the fix", () => {
    expect(load({ ...ZD })).toThrow(/ZENDESK_SUBDOMAIN: is required when CS_SUPPORT=zendesk/);
    expect(load({ ...ZD, ZENDESK_SUBDOMAIN: "acme.zendesk.com" })).toThrow(
      /ZENDESK_SUBDOMAIN \(got "acme.zendesk.com"\): is not a subdomain/,
    );
    expect(load({ CS_SUPPORT: "zendesk", ZENDESK_SUBDOMAIN: "acme" })).toThrow(/ZENDESK_EMAIL: is required/);
    expect(load({ ...ZD, ZENDESK_SUBDOMAIN: "acme", ZENDESK_API_TOKEN: "" })).toThrow(ConfigError);
    expect(load({ ...ZD, ZENDESK_SUBDOMAIN: "acme", ZENDESK_EMAIL: "not-an-email" })).toThrow(
      /ZENDESK_EMAIL/,
    );
    expect(load({ CS_SUPPORT: "freshdesk" })).toThrow(/CS_SUPPORT/);
  });

  it("builds a Zendesk connection", () => {
    expect(load({ ...ZD, ZENDESK_SUBDOMAIN: "acme", CS_STALE_MAX_AGE_MINUTES: "5" })()).toEqual({
      support: "zendesk",
      connectionId: "cs-zendesk",
      subdomain: "acme",
      email: "agent@acme.test",
      apiToken: "tok",
      staleMaxAgeMs: 300_000,
      allowInsecureTestBaseUrl: false,
    });
  });

  it("refuses the test base URL without the explicit allow flag", () => {
    const env = { ...ZD, REVOPS_TEST_VENDOR_BASE_URL: "http://127.0.0.1:9" };
    expect(load(env)).toThrow(/REVOPS_TEST_VENDOR_BASE_URL.*REVOPS_ALLOW_INSECURE_TEST_VENDOR=true/);
    expect(load({ ...env, REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true" })()).toMatchObject({
      support: "zendesk",
      baseUrl: "http://127.0.0.1:9",
      allowInsecureTestBaseUrl: true,
    });
  });

  const all = (env: Record<string, string>) => () =>
    loadCsIntegrationsConfig({ REVOPS_ENV_FILE: "/nonexistent", ...env });
  const MP = {
    CS_USAGE: "mixpanel",
    MIXPANEL_PROJECT_ID: "3141592",
    MIXPANEL_SERVICE_ACCOUNT_USERNAME: "revops.sa",
    MIXPANEL_SERVICE_ACCOUNT_SECRET: "s3cret",
  };

  it("names the missing Mixpanel and Intercom variables and the fix", () => {
    expect(all({ CS_USAGE: "mixpanel" })).toThrow(/MIXPANEL_PROJECT_ID: is required when CS_USAGE=mixpanel/);
    expect(all({ ...MP, MIXPANEL_PROJECT_ID: "acme" })).toThrow(/MIXPANEL_PROJECT_ID.*numeric project id/);
    expect(all({ ...MP, MIXPANEL_SERVICE_ACCOUNT_SECRET: "" })).toThrow(
      /MIXPANEL_SERVICE_ACCOUNT_SECRET: is required when CS_USAGE=mixpanel/,
    );
    expect(all({ ...MP, MIXPANEL_REGION: "apac" })).toThrow(/MIXPANEL_REGION/);
    expect(all({ ...MP, MIXPANEL_USAGE_EVENTS: " , " })).toThrow(/MIXPANEL_USAGE_EVENTS: lists no event/);
    expect(all({ CS_CONVERSATIONS: "intercom" })).toThrow(
      /INTERCOM_ACCESS_TOKEN: is required when CS_CONVERSATIONS=intercom/,
    );
    expect(all({ CS_USAGE: "amplitude" })).toThrow(/CS_USAGE/);
    expect(all({ ...MP, MIXPANEL_USAGE_EVENTS: "Report viewed, Export" })().usage).toEqual({
      usage: "mixpanel",
      connectionId: "cs-mixpanel",
      projectId: "3141592",
      username: "revops.sa",
      secret: "s3cret",
      region: "us",
      accountProperty: "account_id",
      events: ["Report viewed", "Export"],
      staleMaxAgeMs: 3_600_000,
      allowInsecureTestBaseUrl: false,
    });
  });

  it("reads Mixpanel group profiles for the identity graph only with a numeric group key on a Mixpanel connection", () => {
    const groups = (env: Record<string, string>) => {
      const usage = all({ ...MP, ...env })().usage;
      return usage.usage === "mixpanel" ? usage.groups : undefined;
    };
    expect(groups({})).toBeUndefined();
    const facts = ["plan", "seats", "$last_seen"];
    expect(groups({ MIXPANEL_DATA_GROUP_ID: "7" })).toEqual({
      dataGroupId: "7",
      domainProperty: "domain",
      factProperties: facts,
    });
    expect(
      groups({
        MIXPANEL_DATA_GROUP_ID: "7",
        MIXPANEL_GROUP_DOMAIN_PROPERTY: "website",
        MIXPANEL_GROUP_CRM_PROPERTY: "salesforce_id",
        MIXPANEL_GROUP_FACT_PROPERTIES: "tier, licensed_users",
      }),
    ).toEqual({
      dataGroupId: "7",
      domainProperty: "website",
      crmProperty: "salesforce_id",
      factProperties: ["tier", "licensed_users"],
    });
    expect(all({ ...MP, MIXPANEL_DATA_GROUP_ID: "company" })).toThrow(/MIXPANEL_DATA_GROUP_ID.*Group Keys/);
    expect(all({ ...MP, MIXPANEL_GROUP_CRM_PROPERTY: 'sf"id' })).toThrow(/MIXPANEL_GROUP_CRM_PROPERTY/);
    expect(all({ ...MP, MIXPANEL_GROUP_FACT_PROPERTIES: "a,b,c,d,e,f,g,h,i" })).toThrow(
      /MIXPANEL_GROUP_FACT_PROPERTIES.*up to 8/,
    );
    expect(all({ MIXPANEL_DATA_GROUP_ID: "7" })).toThrow(
      /MIXPANEL_DATA_GROUP_ID: is read only with CS_USAGE=mixpanel/,
    );
  });

  it("points each vendor at its own fake only with the allow flag", () => {
    const env = {
      REVOPS_ENV_FILE: "/nonexistent",
      CS_USAGE: "mixpanel",
      MIXPANEL_PROJECT_ID: "1",
      MIXPANEL_SERVICE_ACCOUNT_USERNAME: "u",
      MIXPANEL_SERVICE_ACCOUNT_SECRET: "s",
      CS_CONVERSATIONS: "intercom",
      INTERCOM_ACCESS_TOKEN: "t",
      REVOPS_TEST_VENDOR_BASE_URL: "mixpanel=https://127.0.0.1:1,intercom=http://127.0.0.1:2",
    };
    expect(() => loadCsIntegrationsConfig(env)).toThrow(/REVOPS_ALLOW_INSECURE_TEST_VENDOR=true/);
    const c = loadCsIntegrationsConfig({ ...env, REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true" });
    expect(c.usage).toMatchObject({ baseUrl: "https://127.0.0.1:1", allowInsecureTestBaseUrl: true });
    expect(c.conversations).toMatchObject({ baseUrl: "http://127.0.0.1:2", allowInsecureTestBaseUrl: true });
    expect(() =>
      loadCsIntegrationsConfig({
        ...env,
        REVOPS_TEST_VENDOR_BASE_URL: "mixpanel=ftp://x",
        REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true",
      }),
    ).toThrow(/REVOPS_TEST_VENDOR_BASE_URL/);
  });

  it("a bad configuration stops the support tools with a pointer to the log", async () => {
    vi.stubEnv("CS_SUPPORT", "zendesk");
    vi.stubEnv("ZENDESK_SUBDOMAIN", "acme");
    vi.stubEnv("ZENDESK_EMAIL", "");
    const s = await connectInProcess([createCustomerSuccessServer()]);
    try {
      const r = await s.call("tickets_list", {});
      expect(r.isError).toBe(true);
      expect(r.text).toMatch(/data source is not available[\s\S]*server log/);
    } finally {
      await s.close();
    }
  });
});
