import { fileURLToPath } from "node:url";
import { startUntilExit } from "@revops/testing";
import { describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));

describe("vendor settings are checked at start", () => {
  it("a named HubSpot connection without its token stops the server with exit 2, naming the variable", async () => {
    const { code, stderr } = await startUntilExit(bin, { MARKETING_SOURCE__EU: "hubspot" });
    expect(code).toBe(2);
    expect(stderr).toContain('Connection "eu" is misconfigured (its __EU settings)');
    expect(stderr).toContain("HUBSPOT_ACCESS_TOKEN__EU: is required when MARKETING_SOURCE__EU=hubspot");
  });
});
