import { randomBytes } from "node:crypto";
import {
  connectInProcess,
  type RunningFake,
  type SalesforceState,
  startSalesforceFake,
} from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadSalesCrmConfig } from "../src/integrations/config";
import { createSalesServer } from "../src/server";

const SECRET = `sf-client-secret-${randomBytes(6).toString("hex")}`;
let fake: RunningFake<SalesforceState>;
let s: Awaited<ReturnType<typeof connectInProcess>>;

beforeAll(async () => {
  fake = await startSalesforceFake({
    Account: [{ Name: "Acme", Website: "https://acme.test", OwnerId: "005000000000000101" }],
    Opportunity: [
      {
        Name: "Acme expansion",
        AccountId: "001000000000000001",
        StageName: "Prospecting",
        Amount: 5_000,
        CloseDate: "2026-03-20",
        OwnerId: "005000000000000101",
      },
    ],
  });
  fake.state.objects.User = new Map([
    ["005000000000000101", { Id: "005000000000000101", Name: "Ada Lovelace", Email: "ada@example.com" }],
  ]);
  vi.stubEnv("SALES_CRM", "salesforce");
  vi.stubEnv("SALESFORCE_REFRESH_TOKEN", "refresh-1");
  vi.stubEnv("SALESFORCE_CLIENT_ID", "connected-app");
  vi.stubEnv("SALESFORCE_CLIENT_SECRET", SECRET);
  vi.stubEnv("REVOPS_MASTER_KEY", randomBytes(32).toString("base64"));
  vi.stubEnv("REVOPS_TEST_VENDOR_BASE_URL", fake.url);
  vi.stubEnv("REVOPS_ALLOW_INSECURE_TEST_VENDOR", "true");
  s = await connectInProcess([createSalesServer()]);
});

afterAll(async () => {
  await s?.close();
  await fake?.close();
  vi.unstubAllEnvs();
});

const grants = () => fake.requests.filter((r) => r.path === "/services/oauth2/token");
const dataTokens = () =>
  fake.requests.filter((r) => r.path !== "/services/oauth2/token").map((r) => r.headers.authorization);

describe("Salesforce with the refresh-token flow", () => {
  it("gets a session from the refresh token, and a new one once when Salesforce expires it mid-session", async () => {
    const first = await s.call("deals_list", {});
    expect(first.isError, first.text).toBe(false);
    expect(first.data.deals.map((d: { name: string }) => d.name)).toEqual(["Acme expansion"]);
    expect(grants()).toHaveLength(1);
    expect(new Set(dataTokens())).toEqual(new Set(["Bearer 00D-access-1"]));

    fake.faults.expireTokens("00D-access-1");
    const before = dataTokens().length;
    const second = await s.call("deals_list", {});
    expect(second.isError, second.text).toBe(false);
    expect(grants()).toHaveLength(2);
    // the refused call, then the same call with the renewed session; nothing else
    expect(dataTokens().slice(before)).toEqual(["Bearer 00D-access-1", "Bearer 00D-access-2"]);
    expect(JSON.stringify(fake.requests.map((r) => r.headers))).not.toContain(SECRET);
  });

  it("names each missing piece of the flow", () => {
    const base = {
      SALES_CRM: "salesforce",
      SALESFORCE_REFRESH_TOKEN: "r",
      SALESFORCE_CLIENT_ID: "c",
      SALESFORCE_CLIENT_SECRET: "s",
      REVOPS_MASTER_KEY: "k",
    };
    const without = (name: keyof typeof base) => () => {
      const env: Record<string, string> = { ...base };
      delete env[name];
      return loadSalesCrmConfig(env);
    };
    expect(without("SALESFORCE_CLIENT_ID")).toThrow(
      /SALESFORCE_CLIENT_ID: is required with SALESFORCE_REFRESH_TOKEN/,
    );
    expect(without("SALESFORCE_CLIENT_SECRET")).toThrow(/SALESFORCE_CLIENT_SECRET: is required/);
    expect(without("REVOPS_MASTER_KEY")).toThrow(
      /REVOPS_MASTER_KEY: is required with SALESFORCE_REFRESH_TOKEN/,
    );
    expect(without("SALESFORCE_REFRESH_TOKEN")).toThrow(
      /SALESFORCE_REFRESH_TOKEN: or SALESFORCE_ACCESS_TOKEN is required/,
    );
    expect(() => loadSalesCrmConfig({ ...base, SALESFORCE_LOGIN_URL: "https://evil.example.com" })).toThrow(
      /SALESFORCE_LOGIN_URL: "evil.example.com" is not login.salesforce.com/,
    );
    expect(
      loadSalesCrmConfig({ ...base, SALESFORCE_LOGIN_URL: "https://test.salesforce.com" }),
    ).toMatchObject({
      crm: "salesforce",
      oauth: {
        clientId: "c",
        refreshToken: "r",
        tokenUrl: "https://test.salesforce.com/services/oauth2/token",
      },
    });
  });
});
