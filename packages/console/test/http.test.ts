import { mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { openAuditLog } from "@revops/audit";
import { ApiKeyStore, authMigrations } from "@revops/auth";
import { approvalsAdmin } from "@revops/guards";
import { migrate, openKv, openSql } from "@revops/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminConsole } from "../src/index";
import { Agent } from "./agent";
import { type Harness, mcpClient, PASSWORD, startHarness, TEST_SCRYPT, textOf } from "./harness";

let h: Harness;
let assistant: Client;

beforeAll(async () => {
  h = await startHarness();
  assistant = await mcpClient(h.mcpUrl, h.adminKey);
  await h.console.users.add({ email: "dana@example.com", role: "admin", password: PASSWORD });
  await h.console.users.add({ email: "sam@example.com", role: "sales-manager", password: PASSWORD });
  await h.console.users.add({ email: "rep@example.com", role: "sales-rep", password: PASSWORD });
  await h.console.users.add({ email: "audrey@example.com", role: "auditor", password: PASSWORD });
});
afterAll(async () => {
  await assistant?.close();
  await h?.stop();
});

const signedIn = async (email: string) => {
  const a = new Agent(h.base);
  const r = await a.signIn(email, PASSWORD);
  expect(r.status, await r.text()).toBe(303);
  return a;
};

/** Asks for a spend the guards always queue for a human; returns the approval id. */
const queuePlan = async (amount: number) => {
  const r = await assistant.callTool({ name: "caps_update", arguments: { scope: "per_day", amount } });
  const id = /apr_[\w-]+/.exec(textOf(r))?.[0];
  expect(id, textOf(r)).toBeDefined();
  return id as string;
};

describe("sign-in and sessions", () => {
  it("sends strangers to the sign-in page, with a strict CSP and no inline script", async () => {
    const a = new Agent(h.base);
    const root = await a.get("/console");
    expect(root.status).toBe(303);
    expect(root.headers.get("location")).toBe("/console/signin");
    const page = await a.get("/console/signin");
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    expect(page.headers.get("cache-control")).toBe("no-store");
    const html = await page.text();
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toMatch(/<script|\son\w+=/i);
    expect(html).toMatch(/<label for="email">/);
    const css = await a.get("/console/static/console.css");
    expect(css.headers.get("content-type")).toContain("text/css");
  });

  it("refuses a sign-in without the form's CSRF token", async () => {
    const a = new Agent(h.base);
    const r = await a.post("/console/signin", { email: "dana@example.com", password: PASSWORD });
    expect(r.status).toBe(403);
    expect(a.cookies.size).toBe(0);
  });

  it("signs in with an HttpOnly, SameSite=Strict cookie (not Secure on loopback) and signs out", async () => {
    const a = new Agent(h.base);
    const wrong = await a.signIn("dana@example.com", "not the password");
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain("Wrong email or password");
    const ok = await a.signIn("DANA@example.com", PASSWORD);
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/console/approvals");
    const cookie = a.lastSetCookie.find((c) => c.startsWith("revops_console="));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/);
    const page = await a.get("/console/approvals");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("dana@example.com (admin)");
    const out = await a.post("/console/signout", { _csrf: await a.csrf() });
    expect(out.status).toBe(303);
    expect((await a.get("/console/approvals")).status).toBe(303);
  });

  it("marks cookies Secure and __Host- when not on loopback", async () => {
    const c = new AdminConsole({ ...(await plainDeps()), secureCookies: true });
    const srv = await serve(c);
    const r = await fetch(`${srv.url}/console/signin`);
    expect(r.headers.getSetCookie()[0]).toMatch(/^__Host-revops_console_csrf=.*; Secure$/);
    srv.server.close();
  });

  it("never accepts the MCP bearer token as a console session", async () => {
    const a = new Agent(h.base);
    const r = await a.get("/console/approvals", { authorization: `Bearer ${h.adminKey}` });
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe("/console/signin");
    const post = await a.post(
      "/console/keys",
      { name: "x", role: "admin" },
      { authorization: `Bearer ${h.adminKey}` },
    );
    expect(post.status).toBe(401);
  });

  it("refuses a POST without the session's CSRF token", async () => {
    const a = await signedIn("dana@example.com");
    const id = await queuePlan(1500);
    const r = await a.post(`/console/approvals/${id}/approve`, {});
    expect(r.status).toBe(403);
    const stale = await a.post(`/console/approvals/${id}/approve`, { _csrf: "x".repeat(32) });
    expect(stale.status).toBe(403);
    const json = await a.post(`/console/approvals/${id}/approve`, {}, { "content-type": "application/json" });
    expect(json.status).toBe(415);
  });

  it("signs in through a one-time link that sets the password", async () => {
    await h.console.users.add({ email: "new@example.com", role: "auditor" });
    const { token } = await h.console.users.createSignInLink("new@example.com");
    const a = new Agent(h.base);
    const form = await a.get(`/console/welcome?token=${token}`);
    expect(await form.text()).toContain("new@example.com");
    const short = await a.post("/console/welcome", { token, password: "short" });
    expect(short.status).toBe(400);
    const ok = await a.post("/console/welcome", { token, password: "a long enough password" });
    expect(ok.status).toBe(303);
    expect((await a.get("/console/approvals")).status).toBe(200);
    expect((await new Agent(h.base).get(`/console/welcome?token=${token}`)).status).toBe(404);
    expect(
      (await new Agent(h.base).post("/console/welcome", { token, password: "another long password" })).status,
    ).toBe(403);
    expect((await new Agent(h.base).signIn("new@example.com", "a long enough password")).status).toBe(303);
  });
});

describe("approvals", () => {
  it("shows the exact plan; approving lets the assistant run it once with approval_id", async () => {
    const id = await queuePlan(2500);
    const a = await signedIn("dana@example.com");
    const list = await (await a.get("/console/approvals")).text();
    expect(list).toContain(`/console/approvals/${id}`);
    const page = await (await a.get(`/console/approvals/${id}`)).text();
    expect(page).toContain("Raise the per-day spending cap from $1,000 to $2,500");
    expect(page).toContain("$2,500");
    expect(page).toContain("it moves money or a spending limit");
    const r = await a.post(`/console/approvals/${id}/approve`, { _csrf: await a.csrf() });
    expect(r.status).toBe(303);
    const after = await (await a.get(r.headers.get("location") as string)).text();
    expect(after).toContain("The plan can now run, once");
    expect(after).toContain("dana@example.com (console)");
    const run = await assistant.callTool({
      name: "caps_update",
      arguments: { scope: "per_day", amount: 2500, approval_id: id },
    });
    expect(run.isError, textOf(run)).toBeFalsy();
    expect(run.structuredContent).toMatchObject({ amount: 2500 });
    const again = await a.post(`/console/approvals/${id}/approve`, { _csrf: await a.csrf() });
    expect(again.status).toBe(409);
  });

  it("lets only roles with the plan's scope decide", async () => {
    const id = await queuePlan(3000);
    const sam = await signedIn("sam@example.com");
    const page = await (await sam.get(`/console/approvals/${id}`)).text();
    expect(page).toContain("may not decide this plan");
    expect(page).not.toContain("Approve this plan");
    const r = await sam.post(`/console/approvals/${id}/approve`, { _csrf: await sam.csrf() });
    expect(r.status).toBe(403);
    expect((await sam.get("/console/approvals/apr_doesnotexist")).status).toBe(404);
  });

  it("rejects with a reason, recorded in the audit log; the plan no longer runs", async () => {
    const id = await queuePlan(4000);
    const a = await signedIn("dana@example.com");
    const none = await a.post(`/console/approvals/${id}/reject`, { _csrf: await a.csrf(), reason: " " });
    expect(none.status).toBe(400);
    const r = await a.post(`/console/approvals/${id}/reject`, {
      _csrf: await a.csrf(),
      reason: "budget frozen this quarter",
    });
    expect(r.status).toBe(303);
    expect(await (await a.get(`/console/approvals/${id}`)).text()).toContain(
      "Rejected by dana@example.com (console): budget frozen this quarter",
    );
    const run = await assistant.callTool({
      name: "caps_update",
      arguments: { scope: "per_day", amount: 4000, approval_id: id },
    });
    expect(run.isError).toBe(true);
    // the assistant is told why, in the human's words
    expect(textOf(run)).toContain('("budget frozen this quarter")');
    const log = await h.audit();
    const rec = (await log.query({ outcome: "rejected", tool: "caps_update" })).records.find(
      (x) => x.server === "revops-console",
    );
    expect(rec?.summary).toContain("budget frozen this quarter");
    expect(await (await a.get("/console/approvals?status=rejected")).text()).toContain(id);
    expect((await a.get("/console/approvals?status=bogus")).status).toBe(400);
  });
});

describe("audit log", () => {
  it("filters records and shows the chain status to roles with audit:read", async () => {
    const a = await signedIn("audrey@example.com");
    const page = await a.get("/console/audit?tool=caps_update&outcome=confirmed");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Chain verified");
    expect(html).toContain("approved by dana@example.com (console)");
    expect(html).not.toContain("<td>rejected</td>");
    const none = await (await a.get("/console/audit?principal=nobody")).text();
    expect(none).toContain("No records match");
    const since = await (await a.get("/console/audit?since=2000-01-01T00:00&until=2000-01-02T00:00")).text();
    expect(since).toContain("No records match");
    expect((await a.get("/console/audit?since=yesterday")).status).toBe(400);
    const rep = await signedIn("rep@example.com");
    expect((await rep.get("/console/audit")).status).toBe(403);
  });
});

describe("operator pages", () => {
  it("exports the filtered audit records as JSON lines, and the export is itself audited", async () => {
    const a = await signedIn("audrey@example.com");
    const r = await a.get("/console/audit/export?tool=caps_update");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toContain("application/x-ndjson");
    expect(r.headers.get("content-disposition")).toContain("attachment");
    const lines = (await r.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { tool: string; seq: number });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.tool === "caps_update")).toBe(true);
    // newest first, every matching record once
    const all = await (await h.audit()).query({ tool: "caps_update", limit: 500 });
    expect(lines.map((l) => l.seq)).toEqual(all.records.map((x) => x.seq));
    const trail = await (await h.audit()).query({ tool: "console_audit_export", limit: 5 });
    expect(trail.records[0]?.principal).toBe("console:audrey@example.com");
    expect((await a.get("/console/audit/export?since=soon")).status).toBe(400);
    const rep = await signedIn("rep@example.com");
    expect((await rep.get("/console/audit/export")).status).toBe(403);
  });

  it("charts vendor calls and cost per day from the cost ledger", async () => {
    const ledger = await h.ledger();
    const call = (vendor: string, day: string, units = 1) =>
      ledger.record({
        vendor,
        connection: "default",
        operation: "search",
        units,
        attempts: 1,
        outcome: "ok",
        durationMs: 5,
        at: new Date(`${day}T12:00:00Z`),
      });
    for (const day of ["2026-11-02", "2026-11-02", "2026-11-02", "2026-11-04"]) await call("hubspot", day);
    await call("apollo", "2026-11-04", 4);
    const a = await signedIn("audrey@example.com");
    const r = await a.get("/console/usage?from=2026-11-01&to=2026-11-05");
    expect(r.status).toBe(200);
    const html = await r.text();
    // 3 + 1 hubspot calls at $0.001 a unit, 1 apollo call of 4 units at $0.50
    expect(html).toContain("5 vendor API calls cost $2.00 from 2026-11-01 to 2026-11-05");
    const bars = [...html.matchAll(/data-key="([\d-]+)" data-value="([\d.]+)"/g)].map((m) => [
      m[1],
      Number(m[2]),
    ]);
    // first chart: calls per day, every day of the range present
    expect(bars.slice(0, 5)).toEqual([
      ["2026-11-01", 0],
      ["2026-11-02", 3],
      ["2026-11-03", 0],
      ["2026-11-04", 2],
      ["2026-11-05", 0],
    ]);
    expect(bars.slice(5, 10).map(([, v]) => v)).toEqual([0, 0.003, 0, 2.001, 0]);
    expect(html).toMatch(/<td>apollo<\/td><td>1<\/td><td>1<\/td><td>4<\/td><td>\$2\.00<\/td>/);
    expect((await a.get("/console/usage?from=2026-11-05&to=2026-11-01")).status).toBe(400);
    expect((await a.get("/console/usage?from=last%20week")).status).toBe(400);
  });

  it("shows the doctor's connection checks and the roles with their members", async () => {
    const a = await signedIn("dana@example.com");
    const conns = await (await a.get("/console/connections")).text();
    expect(conns).toContain("1 of 2 connections have a problem.");
    expect(conns).toContain("set ZENDESK_API_TOKEN__EU");
    const roles = await (await a.get("/console/roles")).text();
    expect(roles).toMatch(
      /<th scope="row">sales-manager<\/th><td>[^<]*sales:spend[^<]*<\/td><td>sam@example.com<\/td>/,
    );
    const rep = await signedIn("rep@example.com");
    expect((await rep.get("/console/roles")).status).toBe(403);
  });
});

describe("API keys", () => {
  it("creates a key shown once, and a revoked key is refused by /mcp", async () => {
    const a = await signedIn("dana@example.com");
    const created = await a.post("/console/keys", {
      _csrf: await a.csrf(),
      name: "ci bot",
      role: "sales-rep",
    });
    expect(created.status).toBe(201);
    const html = await created.text();
    const key = /rmcp_[0-9a-f]{12}_[\w-]{43}/.exec(html)?.[0] as string;
    expect(key).toBeDefined();
    expect(await (await a.get("/console/keys")).text()).not.toContain(key);
    const client = await mcpClient(h.mcpUrl, key);
    await client.close();
    const id = key.slice(5, 17);
    const revoked = await a.post(`/console/keys/${id}/revoke`, { _csrf: await a.csrf() });
    expect(revoked.status).toBe(200);
    expect(await revoked.text()).toContain(`Key ${id} revoked`);
    const refused = await fetch(h.mcpUrl, {
      method: "POST",
      headers: {
        authorization: `Bearer ${key}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(refused.status).toBe(401);
    expect((await a.post(`/console/keys/${id}/revoke`, { _csrf: await a.csrf() })).status).toBe(404);
    const bad = await a.post("/console/keys", { _csrf: await a.csrf(), name: "x", role: "emperor" });
    expect(bad.status).toBe(400);
    const log = await h.audit();
    expect((await log.query({ tool: "console_key_revoke" })).records[0]?.principal).toBe(
      "console:dana@example.com",
    );
    const sam = await signedIn("sam@example.com");
    expect((await sam.get("/console/keys")).status).toBe(403);
    expect((await sam.get("/console/nowhere")).status).toBe(404);
  });
});

async function plainDeps() {
  const dataDir = mkdtempSync(join(tmpdir(), "console-plain-"));
  const db = await openSql({ dataDir });
  await migrate(db, authMigrations);
  const kv = await openKv({});
  return {
    db,
    kv: async () => kv,
    apiKeys: new ApiKeyStore(db),
    audit: () => openAuditLog({ db }),
    approvals: approvalsAdmin({ sql: async () => db }),
    scrypt: TEST_SCRYPT,
  };
}

async function serve(c: AdminConsole): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (!c.route(req, res)) res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  return { url: `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`, server };
}

describe("sign-in rate limits", () => {
  it("limits failed sign-ins per email, even with the right password afterwards", async () => {
    const c = new AdminConsole({
      ...(await plainDeps()),
      secureCookies: false,
      limits: { perEmail: 3, perIp: 100 },
    });
    await c.users.add({ email: "eve@example.com", role: "admin", password: PASSWORD });
    const srv = await serve(c);
    const a = new Agent(srv.url);
    for (let i = 0; i < 3; i++) expect((await a.signIn("eve@example.com", "guess")).status).toBe(401);
    const limited = await a.signIn("eve@example.com", PASSWORD);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await limited.text()).toContain("Too many sign-in attempts");
    expect((await a.get("/console/approvals")).status).toBe(303);
    srv.server.close();
  });

  it("limits attempts per client address across emails", async () => {
    const c = new AdminConsole({
      ...(await plainDeps()),
      secureCookies: false,
      limits: { perEmail: 100, perIp: 4 },
    });
    await c.users.add({ email: "ok@example.com", role: "admin", password: PASSWORD });
    const srv = await serve(c);
    const a = new Agent(srv.url);
    for (let i = 0; i < 4; i++) expect((await a.signIn(`u${i}@example.com`, "guess")).status).toBe(401);
    expect((await a.signIn("ok@example.com", PASSWORD)).status).toBe(429);
    srv.server.close();
  });
});
