import { ConfigError } from "@revops/kit";
import { connectInProcess } from "@revops/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadCsSupportConfig } from "../src/integrations/config";
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
      /ZENDESK_SUBDOMAIN: "acme.zendesk.com" is not a subdomain/,
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
