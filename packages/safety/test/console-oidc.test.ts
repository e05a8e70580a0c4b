import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig, type RunningServer } from "@revops/kit";
import { freePort } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSafeServer, safetyConfigSchema } from "../src/index";
import { fixtureModule } from "./fixture";

const OIDC = {
  CONSOLE_OIDC_ISSUER: "https://login.acme.test",
  CONSOLE_OIDC_CLIENT_ID: "revops-console",
  CONSOLE_OIDC_CLIENT_SECRET: "s3cret-of-the-console-client",
  CONSOLE_OIDC_ALLOWED_DOMAINS: "acme.test",
  CONSOLE_OIDC_ROLE_MAP: "revops-admins=admin, finance=auditor",
};
const load = (env: Record<string, string>) =>
  loadConfig(safetyConfigSchema, { env: { REVOPS_DATA_DIR: "/tmp/x", ...env } });
const problem = (env: Record<string, string>) => {
  try {
    load(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("the configuration was accepted");
};

describe("console sign-in settings", () => {
  it("reads a complete OIDC login: lists, the role map in order, passwords on by default", () => {
    const c = load(OIDC);
    expect(c.CONSOLE_OIDC_ALLOWED_DOMAINS).toEqual(["acme.test"]);
    expect(c.CONSOLE_OIDC_ROLE_MAP).toEqual([
      ["revops-admins", "admin"],
      ["finance", "auditor"],
    ]);
    expect(c.CONSOLE_OIDC_GROUPS_CLAIM).toBe("groups");
    expect(c.CONSOLE_LOCAL_SIGNIN).toBe(true);
    expect(load({ ...OIDC, CONSOLE_LOCAL_SIGNIN: "false" }).CONSOLE_LOCAL_SIGNIN).toBe(false);
    expect(load({}).CONSOLE_OIDC_ISSUER).toBeUndefined();
  });

  it("stops start-up on a half-set login, naming what to set and never echoing the secret", () => {
    const { CONSOLE_OIDC_CLIENT_SECRET: _, ...half } = OIDC;
    const m = problem(half);
    expect(m).toContain(
      "CONSOLE_OIDC_CLIENT_SECRET: CONSOLE_OIDC_ISSUER is set, so set CONSOLE_OIDC_CLIENT_SECRET too",
    );
    expect(problem({ CONSOLE_OIDC_ROLE_MAP: "a=admin" })).toMatch(
      /CONSOLE_OIDC_ISSUER: CONSOLE_OIDC_ROLE_MAP is set/,
    );
    expect(problem({ ...OIDC, CONSOLE_OIDC_ISSUER: "ftp://x" })).not.toContain(
      OIDC.CONSOLE_OIDC_CLIENT_SECRET,
    );
  });

  it("refuses what would let too many in or nobody in", () => {
    const { CONSOLE_OIDC_ALLOWED_DOMAINS: _d, ...anyone } = OIDC;
    expect(problem(anyone)).toContain("CONSOLE_OIDC_ALLOWED_DOMAINS: set the email domains");
    expect(load({ ...anyone, CONSOLE_OIDC_ALLOWED_GROUPS: "revops" }).CONSOLE_OIDC_ALLOWED_GROUPS).toEqual([
      "revops",
    ]);
    const { CONSOLE_OIDC_ROLE_MAP: _r, ...noRoles } = OIDC;
    expect(problem(noRoles)).toContain("CONSOLE_OIDC_ROLE_MAP: map the provider's groups");
    expect(problem({ CONSOLE_LOCAL_SIGNIN: "false" })).toMatch(
      /CONSOLE_LOCAL_SIGNIN \(got "false"\): with password sign-in off nobody could sign in/,
    );

    expect(problem({ ...OIDC, CONSOLE_OIDC_ISSUER: "http://login.acme.test" })).toContain(
      "use the provider's https:// URL",
    );
    expect(problem({ ...OIDC, CONSOLE_OIDC_ROLE_MAP: "admins" })).toContain('use "group=role" pairs');
    expect(problem({ ...OIDC, CONSOLE_OIDC_ALLOWED_DOMAINS: "@acme" })).toContain(
      "CONSOLE_OIDC_ALLOWED_DOMAINS",
    );
    expect(problem({ ...OIDC, CONSOLE_OIDC_SCOPES: "email" })).toContain('include "openid"');
    expect(problem({ ...OIDC, HOST: "0.0.0.0" })).toContain("CONSOLE_URL: set the console's public address");
    expect(load({ ...OIDC, HOST: "0.0.0.0", CONSOLE_URL: "https://revops.acme.test/console" }).HOST).toBe(
      "0.0.0.0",
    );
  });
});

describe("the console served with the organisation's login", () => {
  let discovery: Server;
  let issuer: string;
  let server: RunningServer | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), "safety-oidc-"));
  const start = async (env: Record<string, string>) => {
    server = await runSafeServer({
      modules: [fixtureModule],
      defaultPort: await freePort(),
      argv: ["--http"],
      env: { REVOPS_DATA_DIR: dataDir, LOG_LEVEL: "silent", ...OIDC, CONSOLE_OIDC_ISSUER: issuer, ...env },
    });
    return (server.url as string).replace(/\/mcp$/, "");
  };

  beforeAll(async () => {
    // just the provider's discovery document: enough to build the authorization URL
    discovery = createServer((_req, res) =>
      res.setHeader("content-type", "application/json").end(
        JSON.stringify({
          issuer,
          authorization_endpoint: `${issuer}/auth`,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/jwks`,
        }),
      ),
    );
    await new Promise<void>((r) => discovery.listen(0, "127.0.0.1", r));
    issuer = `http://127.0.0.1:${(discovery.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await server?.stop("test");
    discovery?.close();
  });

  it("shows Sign in with <provider> and sends people to the provider, back to CONSOLE_URL", async () => {
    const base = await start({
      CONSOLE_OIDC_PROVIDER_NAME: "Acme SSO",
      CONSOLE_URL: "http://127.0.0.1:9999/console",
    });
    const page = await (await fetch(`${base}/console/signin`)).text();
    expect(page).toContain("Sign in with Acme SSO");
    expect(page).toContain('name="password"');
    const r = await fetch(`${base}/console/oidc/start`, { redirect: "manual" });
    expect(r.status).toBe(303);
    const to = new URL(r.headers.get("location") as string);
    expect(to.origin + to.pathname).toBe(`${issuer}/auth`);
    expect(to.searchParams.get("redirect_uri")).toBe("http://127.0.0.1:9999/console/oidc/callback");
    expect(to.searchParams.get("client_id")).toBe("revops-console");
    await server?.stop("test");
    server = undefined;
  });

  it("leaves only the provider when passwords are off", async () => {
    const base = await start({ CONSOLE_LOCAL_SIGNIN: "false" });
    const page = await (await fetch(`${base}/console/signin`)).text();
    expect(page).toContain("Sign in with 127.0.0.1");
    expect(page).not.toContain('name="password"');
    await server?.stop("test");
    server = undefined;
  });

  it("refuses to start with a role map naming an unknown role, or an administrator by default", async () => {
    await expect(start({ CONSOLE_OIDC_ROLE_MAP: "finance=treasurer" })).rejects.toThrow(
      /CONSOLE_OIDC_ROLE_MAP: group finance maps to unknown role "treasurer"; known roles: .*admin/,
    );
    await expect(start({ CONSOLE_OIDC_DEFAULT_ROLE: "admin" })).rejects.toThrow(
      /CONSOLE_OIDC_DEFAULT_ROLE: "admin" is an administrator role/,
    );
    // a roles file's roles may be mapped
    const rolesFile = join(dataDir, "roles.json");
    writeFileSync(rolesFile, JSON.stringify({ roles: { treasurer: ["sales:read"] } }));
    await start({ CONSOLE_OIDC_ROLE_MAP: "finance=treasurer", REVOPS_ROLES_FILE: rolesFile });
    await server?.stop("test");
    server = undefined;
  });
});
