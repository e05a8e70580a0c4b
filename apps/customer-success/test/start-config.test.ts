import { fileURLToPath } from "node:url";
import { startUntilExit } from "@revops/testing";
import { describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));

describe("vendor settings are checked at start", () => {
  it("a named Zendesk connection without its subdomain stops the server with exit 2, naming the variable", async () => {
    const { code, stderr } = await startUntilExit(bin, {
      CS_SUPPORT__EU: "zendesk",
      ZENDESK_EMAIL__EU: "agent@example.com",
      ZENDESK_API_TOKEN__EU: "zd-token",
    });
    expect(code).toBe(2);
    expect(stderr).toContain('Connection "eu" is misconfigured (its __EU settings)');
    expect(stderr).toContain("ZENDESK_SUBDOMAIN__EU");
  });
});
