import { fileURLToPath } from "node:url";
import { startUntilExit } from "@revops/testing";
import { describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));

describe("vendor settings are checked at start", () => {
  it("a half-set Salesforce connection stops the server with exit 2, naming the variable and the fix", async () => {
    const { code, stderr } = await startUntilExit(bin, {
      SALES_CRM: "salesforce",
      SALESFORCE_CLIENT_ID: "id",
    });
    expect(code).toBe(2);
    expect(stderr).toContain("SALESFORCE_REFRESH_TOKEN");
    expect(stderr).toMatch(/set the integration user's refresh token/);
  });

  it("so does a half-set named connection, naming its own variables", async () => {
    const { code, stderr } = await startUntilExit(bin, {
      SALES_CRM__EU: "salesforce",
      SALESFORCE_CLIENT_ID__EU: "id",
    });
    expect(code).toBe(2);
    expect(stderr).toContain('Connection "eu" is misconfigured (its __EU settings)');
    expect(stderr).toContain("SALESFORCE_REFRESH_TOKEN__EU");
    expect(stderr).toContain("SALES_CRM__EU=salesforce");
  });
});
