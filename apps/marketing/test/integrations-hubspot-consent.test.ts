import { describe, expect, it } from "vitest";
import { loadMarketingSourceConfig } from "../src/integrations/config";

describe("marketing on HubSpot through the OAuth consent", () => {
  const base = { MARKETING_SOURCE: "hubspot", HUBSPOT_OAUTH_CONNECTION: "sales-hubspot" };

  it("reads the vault entry and client id; no access token is needed", () => {
    expect(
      loadMarketingSourceConfig({ ...base, HUBSPOT_CLIENT_ID: "c", REVOPS_MASTER_KEY: "k" }),
    ).toMatchObject({
      source: "hubspot",
      connectionId: "marketing-hubspot",
      consented: {
        connectionId: "sales-hubspot",
        clientId: "c",
        tokenUrl: "https://api.hubapi.com/oauth/v1/token",
      },
    });
  });

  it("names what is missing", () => {
    expect(() => loadMarketingSourceConfig(base)).toThrow(
      /HUBSPOT_CLIENT_ID: is required with HUBSPOT_OAUTH_CONNECTION/,
    );
    expect(() => loadMarketingSourceConfig({ ...base, HUBSPOT_CLIENT_ID: "c" })).toThrow(
      /REVOPS_MASTER_KEY: is required with HUBSPOT_OAUTH_CONNECTION/,
    );
  });
});
