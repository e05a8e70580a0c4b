import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  BUILTIN_ROLES,
  hasScope,
  isValidScope,
  loadRolesConfig,
  localPrincipal,
  missingScopes,
  parseRolesConfig,
  RolesConfigError,
  resolveScopes,
  UnknownRoleError,
} from "../src/index";

describe("roles and scopes", () => {
  it("ships the built-in roles", () => {
    expect(resolveScopes(["sales-rep"])).toEqual(["sales:read", "sales:send", "sales:write"]);
    expect(resolveScopes(["admin"])).toEqual(["*"]);
    expect(resolveScopes(["auditor"])).toEqual(["audit:read", "cs:read", "marketing:read", "sales:read"]);
    expect(Object.keys(BUILTIN_ROLES).sort()).toEqual([
      "admin",
      "auditor",
      "cs-manager",
      "marketer",
      "sales-manager",
      "sales-rep",
    ]);
    // spend is separate from write
    expect(resolveScopes(["marketer"])).not.toContain("marketing:spend");
    expect(resolveScopes(["sales-manager"])).toContain("sales:spend");
  });

  it("unions several roles and collapses to * when admin is among them", () => {
    expect(resolveScopes(["sales-rep", "cs-manager"])).toEqual([
      "cs:read",
      "cs:send",
      "cs:write",
      "sales:read",
      "sales:send",
      "sales:write",
    ]);
    expect(resolveScopes(["sales-rep", "admin"])).toEqual(["*"]);
    expect(resolveScopes([])).toEqual([]);
  });

  it("rejects unknown roles, naming the known ones", () => {
    expect(() => resolveScopes(["ceo"])).toThrow(UnknownRoleError);
    expect(() => resolveScopes(["ceo"])).toThrow(/Unknown role "ceo"; known roles: admin, auditor/);
    expect(() => resolveScopes(["toString"])).toThrow(UnknownRoleError);
  });

  it("matches scopes with wildcards", () => {
    expect(hasScope(["*"], "sales:spend")).toBe(true);
    expect(hasScope(["sales:*"], "sales:spend")).toBe(true);
    expect(hasScope(["*:read"], "cs:read")).toBe(true);
    expect(hasScope(["sales:write"], "sales:read")).toBe(false);
    expect(missingScopes(["sales:read"], ["sales:read", "sales:send"])).toEqual(["sales:send"]);
    expect(isValidScope("sales:read")).toBe(true);
    expect(isValidScope("*:*")).toBe(false);
    expect(isValidScope("sales:delete")).toBe(false);
    expect(isValidScope("finance:read")).toBe(false);
  });

  it("merges a configuration file over the built-ins, with extends", () => {
    const roles = parseRolesConfig({
      roles: {
        "sdr-lead": { extends: ["sales-rep"], scopes: ["sales:spend"] },
        "sales-rep": ["sales:read"],
        growth: { extends: ["sdr-lead", "marketer"] },
      },
    });
    expect(roles["sales-rep"]).toEqual(["sales:read"]);
    expect(roles["sdr-lead"]).toEqual(["sales:read", "sales:spend"]);
    expect(resolveScopes(["growth"], roles)).toContain("marketing:send");
    expect(resolveScopes(["admin"], roles)).toEqual(["*"]);
  });

  it("names the bad field in configuration errors", () => {
    expect(() => parseRolesConfig({ roles: { ops: ["sales:read", "sales:delete"] } })).toThrow(
      /roles\.ops\[1\]: invalid scope "sales:delete"/,
    );
    expect(() => parseRolesConfig({ roles: { ops: { scopes: ["x"], extra: 1 } } })).toThrow(/roles\.ops/);
    expect(() => parseRolesConfig({ rolez: {} })).toThrow(RolesConfigError);
    expect(() => parseRolesConfig({ roles: { Ops: [] } })).toThrow(/roles\.Ops: role names are lower-case/);
    expect(() => parseRolesConfig({ roles: { a: { extends: ["nope"] } } })).toThrow(
      /roles\.a\.extends names unknown role "nope"/,
    );
    expect(() => parseRolesConfig({ roles: { a: { extends: ["b"] }, b: { extends: ["a"] } } })).toThrow(
      /circular/,
    );
  });

  it("loads a JSON file and reports the file in errors", () => {
    const dir = mkdtempSync(join(tmpdir(), "roles-"));
    const good = join(dir, "roles.json");
    writeFileSync(good, JSON.stringify({ roles: { ops: ["cs:read"] } }));
    expect(loadRolesConfig(good).ops).toEqual(["cs:read"]);
    const bad = join(dir, "bad.json");
    writeFileSync(bad, "{ roles: ");
    expect(() => loadRolesConfig(bad)).toThrow(new RegExp(`Roles file ${bad} is not valid JSON`));
    const invalid = join(dir, "invalid.json");
    writeFileSync(invalid, JSON.stringify({ roles: { ops: ["cs:fly"] } }));
    expect(() => loadRolesConfig(invalid)).toThrow(
      /Invalid roles file .*invalid\.json:\n {2}roles\.ops\[0\]/,
    );
    expect(() => loadRolesConfig(join(dir, "missing.json"))).toThrow(/Cannot read roles file .*ENOENT/);
  });

  it("builds the stdio principal from the configured user and role", () => {
    expect(localPrincipal({ user: "dana", role: "cs-manager" })).toEqual({
      id: "local:dana",
      name: "dana",
      scopes: ["cs:read", "cs:send", "cs:write", "sales:read"],
      via: "stdio-local",
    });
    expect(() => localPrincipal({ user: "", role: "admin" })).toThrow(/user/);
    expect(() => localPrincipal({ user: "x", role: "boss" })).toThrow(UnknownRoleError);
  });
});
