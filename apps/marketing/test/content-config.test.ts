import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDataDir } from "@revops/testing";
import { describe, expect, it } from "vitest";
import { DEFAULT_BRAND_GUIDE } from "../src/domain/brand-guide";
import { DEFAULT_PERSONAS, SANDBOX_CLAIMS } from "../src/domain/personas";
import { loadApprovedClaims, loadPersonas } from "../src/integrations/content-config";

const file = (name: string, content: unknown) => {
  const path = join(tempDataDir("content-config"), name);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
};
const cfo = {
  id: "finance_leader",
  name: "CFO",
  pains: [{ pain: "Cash is hard to forecast", message: "Bookings by month, with ranges" }],
};

describe("PERSONAS_FILE and APPROVED_CLAIMS_FILE", () => {
  it("replaces personas by id and adds the others; the defaults without a file", () => {
    expect(loadPersonas({})).toBe(DEFAULT_PERSONAS);
    const ops = { ...cfo, id: "ops_analyst", name: "Ops analyst" };
    const got = loadPersonas({ PERSONAS_FILE: file("personas.json", [cfo, ops]) });
    expect(got.map((p) => p.id)).toEqual([
      "revops_leader",
      "sales_leader",
      "marketing_leader",
      "finance_leader",
      "ops_analyst",
    ]);
    expect(got.find((p) => p.id === "finance_leader")).toMatchObject({
      name: "CFO",
      titles: [],
      channels: [],
    });
  });

  it("adds the file's claims to the guide's; sandbox examples only when there are none, never beside a vendor", () => {
    expect(loadApprovedClaims({}, DEFAULT_BRAND_GUIDE, true)).toBe(SANDBOX_CLAIMS);
    expect(loadApprovedClaims({}, DEFAULT_BRAND_GUIDE, false)).toEqual([]);
    const claim = { claim: "live in 10 days", proof: "2026 onboarding report" };
    const guide = {
      ...DEFAULT_BRAND_GUIDE,
      claims: { ...DEFAULT_BRAND_GUIDE.claims, approved: [{ claim: "a", proof: "b" }] },
    };
    expect(loadApprovedClaims({ APPROVED_CLAIMS_FILE: file("claims.json", [claim]) }, guide, true)).toEqual([
      { claim: "a", proof: "b" },
      claim,
    ]);
  });

  it("refuses a bad file naming the variable, the field and the fix", () => {
    expect(() => loadPersonas({ PERSONAS_FILE: file("bad.json", [{ ...cfo, id: "CFO!" }]) })).toThrow(
      /PERSONAS_FILE: .*0\.id lower-case letters[\s\S]*unset PERSONAS_FILE/,
    );
    expect(() =>
      loadApprovedClaims({ APPROVED_CLAIMS_FILE: file("bad.json", "{nope") }, DEFAULT_BRAND_GUIDE, false),
    ).toThrow(/APPROVED_CLAIMS_FILE: cannot read .* as JSON/);
    expect(() =>
      loadApprovedClaims(
        { APPROVED_CLAIMS_FILE: file("bad2.json", [{ claim: "x" }]) },
        DEFAULT_BRAND_GUIDE,
        false,
      ),
    ).toThrow(/APPROVED_CLAIMS_FILE: .*0\.proof/);
  });
});
