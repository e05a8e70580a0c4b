import { readFileSync } from "node:fs";
import { ConfigError } from "@revops/kit";
import { connectInProcess } from "@revops/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadMarketingSourceConfig, marketingIntegrationEnv } from "../src/integrations/config";
import {
  campaignChannel,
  campaignStatus,
  funnelStage,
  leadSource,
  money,
} from "../src/integrations/hubspot/mapping";
import { createMarketingServer } from "../src/server";

const load = (env: Record<string, string>) => () =>
  loadMarketingSourceConfig({ REVOPS_ENV_FILE: "/nonexistent", ...env });

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("marketing source configuration", () => {
  it("defaults to the sandbox", () => {
    expect(load({})()).toEqual({ source: "sandbox" });
  });

  it("names the missing or bad variable and the fix", () => {
    expect(load({ MARKETING_SOURCE: "hubspot" })).toThrow(
      /HUBSPOT_ACCESS_TOKEN: is required when MARKETING_SOURCE=hubspot: set a private-app token with marketing\.campaigns\.read, marketing\.campaigns\.write, crm\.objects\.contacts\.read, crm\.objects\.deals\.read/,
    );
    expect(load({ MARKETING_SOURCE: "marketo" })).toThrow(ConfigError);
    expect(load({ MARKETING_SOURCE: "marketo" })).toThrow(/MARKETING_SOURCE/);
    expect(
      load({ MARKETING_SOURCE: "hubspot", HUBSPOT_ACCESS_TOKEN: "t", MARKETING_STALE_MAX_AGE_MINUTES: "-5" }),
    ).toThrow(/MARKETING_STALE_MAX_AGE_MINUTES/);
  });

  it("refuses the test base URL without the explicit allow flag", () => {
    const env = {
      MARKETING_SOURCE: "hubspot",
      HUBSPOT_ACCESS_TOKEN: "t",
      REVOPS_TEST_VENDOR_BASE_URL: "http://127.0.0.1:9",
    };
    expect(load(env)).toThrow(/REVOPS_TEST_VENDOR_BASE_URL.*REVOPS_ALLOW_INSECURE_TEST_VENDOR=true/);
    expect(load({ ...env, REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true" })()).toEqual({
      source: "hubspot",
      connectionId: "marketing-hubspot",
      accessToken: "t",
      staleMaxAgeMs: 3_600_000,
      baseUrl: "http://127.0.0.1:9",
      allowInsecureTestBaseUrl: true,
    });
  });

  it("documents every variable it reads in .env.example", () => {
    const example = readFileSync(new URL("../../../.env.example", import.meta.url), "utf8");
    const missing = Object.keys(marketingIntegrationEnv.shape).filter(
      (k) => !new RegExp(`^${k}=`, "m").test(example),
    );
    expect(missing).toEqual([]);
  });

  it("a bad configuration stops the marketing tools with a pointer to the log", async () => {
    vi.stubEnv("MARKETING_SOURCE", "hubspot");
    vi.stubEnv("HUBSPOT_ACCESS_TOKEN", "");
    const s = await connectInProcess([createMarketingServer()]);
    try {
      const r = await s.call("campaigns_list", {});
      expect(r.isError).toBe(true);
      expect(r.text).toMatch(/data source is not available[\s\S]*server log/);
    } finally {
      await s.close();
    }
  });
});

describe("HubSpot → suite mapping", () => {
  it("maps campaign status, falling back to the dates", () => {
    expect(campaignStatus("in_progress", "", "", "2026-05-01")).toBe("active");
    expect(campaignStatus("PAUSED", "", "", "2026-05-01")).toBe("active");
    expect(campaignStatus("completed", "", "", "2026-05-01")).toBe("completed");
    expect(campaignStatus(null, "2026-06-01", "", "2026-05-01")).toBe("planned");
    expect(campaignStatus(null, "2026-01-01", "2026-02-01", "2026-05-01")).toBe("completed");
    expect(campaignStatus(null, "2026-01-01", "", "2026-05-01")).toBe("active");
  });

  it("infers a channel from the name or says it is unspecified", () => {
    expect(campaignChannel("Q2 Product Webinar")).toBe("webinar");
    expect(campaignChannel("SaaStr Summit booth")).toBe("event");
    expect(campaignChannel("Brand PPC")).toBe("paid_search");
    expect(campaignChannel("LinkedIn Ads retargeting")).toBe("paid_social");
    expect(campaignChannel("Monthly newsletter")).toBe("email");
    expect(campaignChannel("Spring launch")).toBe("unspecified");
  });

  it("maps sources, funnel stages and amounts", () => {
    expect(leadSource("PAID_SEARCH")).toBe("paid_search");
    expect(leadSource("SOCIAL_MEDIA")).toBe("organic_social");
    expect(leadSource("SOMETHING_NEW")).toBe("something_new");
    expect(leadSource(null)).toBe("unknown");
    expect(funnelStage("subscriber")).toEqual({ lead: false, mql: false, sql: false, converted: false });
    expect(funnelStage("marketingqualifiedlead")).toEqual({
      lead: true,
      mql: true,
      sql: false,
      converted: false,
    });
    expect(funnelStage("opportunity")).toEqual({ lead: true, mql: true, sql: true, converted: true });
    expect([money("1200.5"), money(""), money(null), money("n/a")]).toEqual([1200.5, 0, 0, 0]);
  });
});
