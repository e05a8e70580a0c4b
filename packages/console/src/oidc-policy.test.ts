import { describe, expect, it } from "vitest";
import { decideOidc, groupsOf, type OidcPolicy } from "./oidc-policy";

const policy: OidcPolicy = {
  allowedDomains: ["acme.test"],
  allowedGroups: [],
  groupsClaim: "groups",
  roleMap: [
    ["revops-admins", "admin"],
    ["finance", "auditor"],
  ],
};
const person = (over: Record<string, unknown> = {}) => ({
  sub: "1",
  email: "Alice@Acme.test",
  email_verified: true,
  groups: ["finance", "revops-admins"],
  ...over,
});

describe("groupsOf", () => {
  it("reads a list, a space- or comma-separated string, a URL-named claim and a dotted path", () => {
    expect(groupsOf({ groups: ["a", 1, "b"] }, "groups")).toEqual(["a", "b"]);
    expect(groupsOf({ groups: "a b,c" }, "groups")).toEqual(["a", "b", "c"]);
    expect(groupsOf({ "https://acme.test/roles": ["x"] }, "https://acme.test/roles")).toEqual(["x"]);
    expect(groupsOf({ realm_access: { roles: ["y"] } }, "realm_access.roles")).toEqual(["y"]);
    expect(groupsOf({}, "groups")).toEqual([]);
  });
});

describe("decideOidc", () => {
  it("takes the first mapped group in the map's order (strongest first), whatever the claim's order", () => {
    expect(decideOidc(policy, person())).toMatchObject({ ok: true, email: "alice@acme.test", role: "admin" });
  });

  it("refuses other domains, unverified and missing addresses", () => {
    expect(decideOidc(policy, person({ email: "a@acme.test.evil" }))).toMatchObject({ ok: false });
    expect(decideOidc(policy, person({ email_verified: false }))).toMatchObject({
      ok: false,
      reason: expect.stringContaining("has not verified"),
    });
    expect(decideOidc(policy, person({ email: undefined }))).toMatchObject({
      ok: false,
      reason: expect.stringContaining("no email address"),
    });
  });

  it("needs one of the allowed groups when they are set, as well as the domain", () => {
    const p = { ...policy, allowedGroups: ["revops"] };
    expect(decideOidc(p, person())).toMatchObject({
      ok: false,
      reason: expect.stringContaining("none of the groups"),
    });
    expect(decideOidc(p, person({ groups: ["revops", "finance"] }))).toMatchObject({
      ok: true,
      role: "auditor",
    });
  });

  it("gives the default role only when no group maps, and refuses without one", () => {
    expect(decideOidc(policy, person({ groups: [] }))).toMatchObject({ ok: false });
    expect(decideOidc({ ...policy, defaultRole: "auditor" }, person({ groups: [] }))).toMatchObject({
      ok: true,
      role: "auditor",
    });
  });

  it("allows any domain when only groups restrict", () => {
    const p = { ...policy, allowedDomains: [], allowedGroups: ["finance"] };
    expect(decideOidc(p, person({ email: "x@partner.test", groups: ["finance"] }))).toMatchObject({
      ok: true,
      role: "auditor",
    });
  });
});
