import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  baseConfigSchema,
  ConfigError,
  diffProfiles,
  envWithFile,
  loadConfig,
  maskSecret,
  parseFlags,
  settingsFiles,
} from "./config";

describe("configuration", () => {
  it("applies defaults", () => {
    const c = loadConfig(baseConfigSchema, { env: {}, envFile: "/nonexistent" });
    expect(c.MCP_TRANSPORT).toBe("stdio");
    expect(c.HOST).toBe("127.0.0.1");
    expect(c.REVOPS_PRINCIPAL_SCOPES).toEqual(["*"]);
    expect(c.REVOPS_READ_ONLY).toBe(false);
  });

  it("lets flags override the environment, which overrides .env", () => {
    const dir = mkdtempSync(join(tmpdir(), "cfg-"));
    const file = join(dir, ".env");
    writeFileSync(file, "PORT=1111\nLOG_LEVEL=debug\nREVOPS_TOOLSETS=a\n");
    const c = loadConfig(baseConfigSchema, {
      env: { PORT: "2222" },
      argv: ["--toolsets=x,y", "--read-only"],
      envFile: file,
    });
    expect(c.PORT).toBe(2222);
    expect(c.LOG_LEVEL).toBe("debug");
    expect(c.REVOPS_TOOLSETS).toEqual(["x", "y"]);
    expect(c.REVOPS_READ_ONLY).toBe(true);
  });

  it("names the bad variable and the fix, without echoing secrets", () => {
    const bad = () =>
      loadConfig(baseConfigSchema, {
        env: { PORT: "99999", DATABASE_URL: "mysql://u:pw@h/db" },
        envFile: "/nonexistent",
      });
    expect(bad).toThrow(ConfigError);
    try {
      bad();
    } catch (e) {
      const msg = (e as Error).message;
      expect(msg).toMatch(/PORT \(got "99999"\)/);
      expect(msg).toMatch(/DATABASE_URL \(got "mysql:\/\/u:\*\*\*@h\/db"\)/);
      expect(msg).not.toContain("pw");
      expect(msg).toMatch(/\.env\.example/);
    }
  });

  it("rejects unknown flags and flags missing their value", () => {
    expect(() => parseFlags(["--tolsets", "x"])).toThrow(/Unknown option --tolsets/);
    expect(() => parseFlags(["--port"])).toThrow(/needs a value/);
    expect(parseFlags(["--http", "--port", "8080", "--x"], ["--x"])).toEqual({
      MCP_TRANSPORT: "http",
      PORT: "8080",
    });
  });

  it("masks secrets", () => {
    expect(maskSecret("API_KEY", "abc")).toBe("***");
    expect(maskSecret("REDIS_URL", "redis://:pw@h:1")).toBe("redis://:***@h:1");
    expect(maskSecret("PORT", "1")).toBe("1");
  });
});

describe("environment profiles", () => {
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), "profiles-"));
    writeFileSync(join(d, ".env"), "LOG_LEVEL=info\nPORT=3000\nHUBSPOT_ACCESS_TOKEN=pat-base-0000\n");
    writeFileSync(join(d, ".env.dev"), "LOG_LEVEL=debug\n");
    writeFileSync(join(d, ".env.prod"), "PORT=8443\nHUBSPOT_ACCESS_TOKEN=pat-prod-1111\n");
    return d;
  };

  it("layers .env.<REVOPS_ENV> over .env, under the process environment", () => {
    const d = dir();
    const file = join(d, ".env");
    expect(settingsFiles({ REVOPS_ENV_FILE: file, REVOPS_ENV: "prod" })).toEqual([
      file,
      join(d, ".env.prod"),
    ]);
    const cfg = loadConfig(baseConfigSchema, { env: { REVOPS_ENV_FILE: file, REVOPS_ENV: "dev" } });
    expect(cfg.LOG_LEVEL).toBe("debug");
    expect(cfg.PORT).toBe(3000);
    const prod = loadConfig(baseConfigSchema, {
      env: { REVOPS_ENV_FILE: file, REVOPS_ENV: "prod", PORT: "9000" },
    });
    expect(prod.PORT).toBe(9000);
    expect(envWithFile({ REVOPS_ENV_FILE: file, REVOPS_ENV: "prod" }).HUBSPOT_ACCESS_TOKEN).toBe(
      "pat-prod-1111",
    );
  });

  it("refuses a missing or malformed profile, naming the variable and the fix", () => {
    const file = join(dir(), ".env");
    expect(() => settingsFiles({ REVOPS_ENV_FILE: file, REVOPS_ENV: "qa" })).toThrow(
      /REVOPS_ENV=qa, but .*\.env\.qa does not exist/,
    );
    expect(() => settingsFiles({ REVOPS_ENV_FILE: file, REVOPS_ENV: "../etc" })).toThrow(ConfigError);
  });

  it("diffs two profiles with secrets masked but told apart", () => {
    const file = join(dir(), ".env");
    const diff = diffProfiles("dev", "prod", { REVOPS_ENV_FILE: file });
    expect(diff.map((d) => d.name)).toEqual(["HUBSPOT_ACCESS_TOKEN", "LOG_LEVEL", "PORT"]);
    expect(diff.find((d) => d.name === "PORT")).toEqual({ name: "PORT", a: "3000", b: "8443" });
    const token = diff.find((d) => d.name === "HUBSPOT_ACCESS_TOKEN");
    expect(token?.a).toMatch(/^\*\*\* \(sha256 [0-9a-f]{8}\)$/);
    expect(token?.a).not.toBe(token?.b);
    expect(JSON.stringify(diff)).not.toContain("pat-");
  });
});
