import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { baseConfigSchema, ConfigError, loadConfig, maskSecret, parseFlags } from "./config";

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
