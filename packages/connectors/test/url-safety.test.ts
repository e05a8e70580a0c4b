import { startSalesforceFake } from "@revops/testing";
import { describe, expect, it } from "vitest";
import {
  checkOutboundUrl,
  createHubSpotConnector,
  createSalesforceConnector,
  isPrivateAddress,
  UnsafeUrlError,
  VENDOR_HOSTS,
} from "../src/index";

const sf = { hosts: VENDOR_HOSTS.salesforce, resolve: async () => ["13.110.1.1"] };

describe("outbound URL safety", () => {
  it.each([
    ["http://acme.my.salesforce.com", /only https/],
    ["https://127.0.0.1", /private or loopback/],
    ["https://10.1.2.3", /private or loopback/],
    ["https://169.254.169.254/latest/meta-data", /private or loopback/],
    ["https://[::1]", /private or loopback/],
    ["https://evil.example.com", /not one of/],
    ["https://user:pw@acme.my.salesforce.com", /credentials/],
  ])("refuses %s", async (url, reason) => {
    await expect(checkOutboundUrl(url, sf)).rejects.toThrow(reason);
  });

  it("accepts a vendor host that resolves to public addresses", async () => {
    await expect(checkOutboundUrl("https://acme.my.salesforce.com/x", sf)).resolves.toBeInstanceOf(URL);
  });

  it("refuses a vendor-looking host that resolves to loopback (injected and real DNS)", async () => {
    const rebinding = { hosts: VENDOR_HOSTS.salesforce, resolve: async () => ["13.110.1.1", "127.0.0.1"] };
    await expect(checkOutboundUrl("https://acme.my.salesforce.com", rebinding)).rejects.toThrow(
      /resolves into a private/,
    );
    await expect(checkOutboundUrl("https://localhost:8443/hook", { hosts: "any" })).rejects.toThrow(
      /resolves into a private/,
    );
  });

  it("classifies addresses", () => {
    for (const ip of [
      "10.0.0.1",
      "172.16.0.1",
      "192.168.1.1",
      "100.64.0.1",
      "0.0.0.0",
      "fe80::1",
      "fd00::1",
      "::ffff:127.0.0.1",
    ]) {
      expect(isPrivateAddress(ip), ip).toBe(true);
    }
    for (const ip of ["8.8.8.8", "13.110.1.1", "2606:4700::1111"])
      expect(isPrivateAddress(ip), ip).toBe(false);
  });

  it("refuses a plain-http base URL unless it is the explicit test-only setting for a loopback fake", async () => {
    const conn = { id: "c", vendor: "hubspot" as const, credentials: { accessToken: "t" } };
    await expect(createHubSpotConnector({ ...conn, baseUrl: "http://127.0.0.1:9" })).rejects.toBeInstanceOf(
      UnsafeUrlError,
    );
    await expect(
      createHubSpotConnector({ ...conn, baseUrl: "http://10.0.0.5", allowInsecureTestBaseUrl: true }),
    ).rejects.toThrow(/only permits a fake on 127.0.0.1/);
  });

  it("never follows a redirect into a private network", async () => {
    const fake = await startSalesforceFake({ Account: [{ Name: "Acme" }] });
    const conn = await createSalesforceConnector(
      {
        id: "r",
        vendor: "salesforce",
        allowInsecureTestBaseUrl: true,
        credentials: { instanceUrl: fake.url, accessToken: "t" },
      },
      { policy: { maxAttempts: 3 } },
    );
    fake.faults.next({ kind: "redirect", location: "http://169.254.169.254/latest/meta-data" });
    await expect(conn.getAccount("001000000000000001")).rejects.toThrow(/redirect, which is never followed/);
    expect(fake.requests).toHaveLength(1);
    await fake.close();
  });
});
