import { connectInProcess, type HubSpotState, type RunningFake, startHubSpotFake } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createSalesServer } from "../src/server";

const deal = (dealname: string, amount: number) => ({
  dealname,
  dealstage: "appointmentscheduled",
  amount: String(amount),
  closedate: "2026-03-15T00:00:00Z",
  pipeline: "default",
});

// Two HubSpot portals: the default one (US) and a named connection "eu".
let us: RunningFake<HubSpotState>;
let eu: RunningFake<HubSpotState>;
let s: Awaited<ReturnType<typeof connectInProcess>>;

beforeAll(async () => {
  us = await startHubSpotFake({ deals: [deal("US renewal", 10_000), deal("US expansion", 20_000)] });
  eu = await startHubSpotFake({ deals: [deal("EU pilot", 5_000)] });
  vi.stubEnv("SALES_CRM", "hubspot");
  vi.stubEnv("HUBSPOT_ACCESS_TOKEN", "pat-us");
  vi.stubEnv("REVOPS_TEST_VENDOR_BASE_URL", us.url);
  vi.stubEnv("REVOPS_ALLOW_INSECURE_TEST_VENDOR", "true");
  vi.stubEnv("HUBSPOT_ACCESS_TOKEN__EU", "pat-eu");
  vi.stubEnv("REVOPS_TEST_VENDOR_BASE_URL__EU", eu.url);
  s = await connectInProcess([createSalesServer()]);
});

afterAll(async () => {
  await s?.close();
  await us?.close();
  await eu?.close();
  vi.unstubAllEnvs();
});

// biome-ignore lint/suspicious/noExplicitAny: structured results are read field by field
const names = (r: { data: Record<string, any> }): string[] =>
  r.data.deals.map((d: { name: string }) => d.name);

describe("named connections per tool call", () => {
  it("reads the default portal unless the call names another", async () => {
    const home = await s.call("deals_list", {});
    expect(home.isError, home.text).toBe(false);
    expect(names(home).sort()).toEqual(["US expansion", "US renewal"]);
    const europe = await s.call("deals_list", { connection: "eu" });
    expect(europe.isError, europe.text).toBe(false);
    expect(names(europe)).toEqual(["EU pilot"]);
    const summary = await s.call("pipeline_summary", { quarter: "2026-Q1", connection: "eu" });
    expect(summary.data.open).toMatchObject({ deals: 1, amount: 5_000 });
    // each portal saw only its own token
    const tokens = (f: RunningFake<HubSpotState>) => new Set(f.requests.map((r) => r.headers.authorization));
    expect(tokens(us)).toEqual(new Set(["Bearer pat-us"]));
    expect(tokens(eu)).toEqual(new Set(["Bearer pat-eu"]));
  });

  it("answers an unknown or invalid name with what to do (a misconfigured one stops the start: start-config.test.ts)", async () => {
    const unknown = await s.call("deals_list", { connection: "apac" });
    expect(unknown.isError).toBe(true);
    expect(unknown.text).toContain("connection:");
    expect(unknown.text).toContain('"eu"');
    const invalid = await s.call("deals_list", { connection: "EU!" });
    expect(invalid.isError).toBe(true);
    expect(invalid.text).toContain("connection");
  });

  it("lists the argument only on tools whose ports the named connections configure", async () => {
    const { tools } = await s.client.listTools();
    const withConnection = tools.filter((t) => "connection" in (t.inputSchema.properties ?? {}));
    expect(withConnection.map((t) => t.name)).toContain("deals_list");
    // lists the names a caller can pass
    expect(tools.find((t) => t.name === "deals_list")?.inputSchema.properties?.connection).toMatchObject({
      enum: ["eu"],
    });
  });
});
