import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Agent } from "./agent";
import { type Harness, PASSWORD, startHarness } from "./harness";
import { startIdp, type TestIdp } from "./idp";
import { oidcSettings, pathOf, signInAtIdp, startAtConsole } from "./oidc-flow";

let idp: TestIdp;
let h: Harness;

beforeAll(async () => {
  idp = await startIdp();
  h = await startHarness({}, { oidc: oidcSettings(idp.issuer) });
  idp.allow(`${h.base}/console/oidc/callback`);
});
afterAll(async () => {
  await h?.stop();
  await idp?.stop();
});

/** The whole round trip for one person; returns the console agent and the callback's response. */
async function signInAs(login: string) {
  const a = new Agent(h.base);
  const callback = await signInAtIdp(await startAtConsole(a), login);
  const r = await a.get(pathOf(callback));
  return { a, r, body: await r.text(), callback };
}

const signIns = async (email: string) =>
  (await (await h.audit()).query({ principal: `console:${email}`, limit: 10 })).records.filter(
    (x) => x.tool === "console_signin",
  );

describe("sign-in with the organisation's login (OIDC, code flow with PKCE)", () => {
  it("shows Sign in with <provider> beside the password form", async () => {
    const html = await (await new Agent(h.base).get("/console/signin")).text();
    expect(html).toContain('href="/console/oidc/start"');
    expect(html).toContain("Sign in with Acme SSO");
    expect(html).toContain('name="password"');
  });

  it("asks the provider for a code with PKCE (S256), state and nonce, and binds the flow to this browser", async () => {
    const a = new Agent(h.base);
    const url = await startAtConsole(a);
    expect(url.origin).toBe(idp.issuer);
    const p = url.searchParams;
    expect(p.get("response_type")).toBe("code");
    expect(p.get("code_challenge_method")).toBe("S256");
    expect(p.get("code_challenge")).toMatch(/^[\w-]{43}$/);
    expect(p.get("state")).toMatch(/^[\w-]{20,}$/);
    expect(p.get("nonce")).toMatch(/^[\w-]{20,}$/);
    expect(p.get("redirect_uri")).toBe(`${h.base}/console/oidc/callback`);
    const flow = a.lastSetCookie.find((c) => c.startsWith("revops_console_oidc="));
    expect(flow).toMatch(/HttpOnly/);
    // Lax: the cookie must come back on the provider's cross-site redirect
    expect(flow).toMatch(/SameSite=Lax/);
    expect(flow).toMatch(/Max-Age=600/);
  });

  it("signs in an allowed person with the role their group maps to, in the same session cookie", async () => {
    const { a, r, body } = await signInAs("alice@acme.test");
    expect(r.status, body).toBe(200);
    expect(body).toContain("Signed in with Acme SSO as <strong>alice@acme.test</strong> (admin)");
    const session = a.lastSetCookie.find((c) => c.startsWith("revops_console="));
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Strict/);
    const page = await a.get("/console/keys");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("alice@acme.test (admin)");
    const user = await h.console.users.get("alice@acme.test");
    expect(user).toMatchObject({ role: "admin", hasPassword: false });
    const audited = await signIns("alice@acme.test");
    expect(audited[0]).toMatchObject({ outcome: "ok", summary: "signed in to the console (oidc)" });
  });

  it("maps another group to a weaker role, which cannot open administrators' pages", async () => {
    const { a, r } = await signInAs("bob@acme.test");
    expect(r.status).toBe(200);
    expect(await (await a.get("/console/audit")).text()).toContain("bob@acme.test (auditor)");
    expect((await a.get("/console/keys")).status).toBe(403);
  });

  it("refuses another domain with a clear page, even in a mapped group, and creates nobody", async () => {
    const { a, r, body } = await signInAs("eve@evil.test");
    expect(r.status).toBe(403);
    expect(body).toContain("Sign-in refused");
    expect(body).toContain("Accounts at evil.test may not use this console");
    expect(a.cookies.has("revops_console")).toBe(false);
    expect(await h.console.users.get("eve@evil.test")).toBeUndefined();
    expect((await signIns("eve@evil.test"))[0]).toMatchObject({ outcome: "denied" });
  });

  it("refuses an allowed domain whose groups map to no role (no one becomes anything by default)", async () => {
    const { r, body } = await signInAs("nora@acme.test");
    expect(r.status).toBe(403);
    expect(body).toContain("No console role is mapped to the groups of nora@acme.test");
    expect(await h.console.users.get("nora@acme.test")).toBeUndefined();
  });

  it("refuses an address the provider has not verified", async () => {
    const { r, body } = await signInAs("ivan@acme.test");
    expect(r.status).toBe(403);
    expect(body).toContain("has not verified ivan@acme.test");
  });

  it("refuses a tampered state", async () => {
    const a = new Agent(h.base);
    const callback = await signInAtIdp(await startAtConsole(a), "alice@acme.test");
    callback.searchParams.set("state", `${callback.searchParams.get("state")}x`);
    const r = await a.get(pathOf(callback));
    expect(r.status).toBe(403);
    const text = await r.text();
    expect(text).toMatch(/Acme SSO sign-in failed: .*state/);
    expect(a.cookies.has("revops_console")).toBe(false);
  });

  it("refuses a replayed code, with the flow cookie it was issued for or with a new flow", async () => {
    const a = new Agent(h.base);
    const callback = await signInAtIdp(await startAtConsole(a), "bob@acme.test");
    const flowCookie = a.cookies.get("revops_console_oidc") as string;
    expect((await a.get(pathOf(callback))).status).toBe(200);
    // the same callback with the cookie it was issued for: the first use spent the flow
    const replay = new Agent(h.base);
    replay.cookies.set("revops_console_oidc", flowCookie);
    const r = await replay.get(pathOf(callback));
    expect(r.status).toBe(403);
    expect(await r.text()).toContain("already used");
    expect(replay.cookies.has("revops_console")).toBe(false);
    // the code in a flow of the replayer's own: its state does not match
    const thief = new Agent(h.base);
    await startAtConsole(thief);
    const stolen = await thief.get(pathOf(callback));
    expect(stolen.status).toBe(403);
    expect(await stolen.text()).toMatch(/sign-in failed: .*state/);
    expect(thief.cookies.has("revops_console")).toBe(false);
  });

  it("shows the provider's own refusal (the person cancelled at the provider)", async () => {
    const a = new Agent(h.base);
    const authorize = await startAtConsole(a);
    const back = new URLSearchParams({
      error: "access_denied",
      error_description: "End-User aborted interaction",
      state: authorize.searchParams.get("state") as string,
      iss: idp.issuer,
    });
    const r = await a.get(`/console/oidc/callback?${back}`);
    expect(r.status).toBe(403);
    expect(await r.text()).toContain("Acme SSO sign-in failed: access_denied (End-User aborted interaction)");
  });

  it("refuses a callback without the browser's flow cookie (a sign-in started elsewhere)", async () => {
    const callback = await signInAtIdp(await startAtConsole(new Agent(h.base)), "alice@acme.test");
    const r = await new Agent(h.base).get(pathOf(callback));
    expect(r.status).toBe(403);
  });

  it("keeps a user an administrator disabled out", async () => {
    await h.console.users.fromProvider("bob@acme.test", "auditor");
    await h.console.users.disable("bob@acme.test");
    const { r, body } = await signInAs("bob@acme.test");
    expect(r.status).toBe(403);
    expect(body).toContain("An administrator disabled bob@acme.test");
  });

  it("gives a local user signing in through the provider the mapped role for that session only", async () => {
    await h.console.users.add({ email: "alice@acme.test", role: "auditor", password: PASSWORD });
    const { a } = await signInAs("alice@acme.test");
    expect(await (await a.get("/console/approvals")).text()).toContain("alice@acme.test (admin)");
    expect((await h.console.users.get("alice@acme.test"))?.role).toBe("auditor");
    const local = new Agent(h.base);
    expect((await local.signIn("alice@acme.test", PASSWORD)).status).toBe(303);
    expect(await (await local.get("/console/approvals")).text()).toContain("alice@acme.test (auditor)");
    // both ways in are in the audit log, with the method
    expect((await signIns("alice@acme.test")).map((r) => r.summary)).toEqual(
      expect.arrayContaining(["signed in to the console (password)", "signed in to the console (oidc)"]),
    );
  });

  it("says so when the provider cannot be reached, and starts no flow", async () => {
    const down = await startHarness({}, { oidc: oidcSettings("http://127.0.0.1:9/") });
    try {
      const a = new Agent(down.base);
      const r = await a.get("/console/oidc/start");
      expect(r.status).toBe(502);
      expect(await r.text()).toContain("Acme SSO could not be reached");
      expect(a.cookies.has("revops_console_oidc")).toBe(false);
    } finally {
      await down.stop();
    }
  });
});

describe("signing out of a session from the organisation's login (RP-initiated logout)", () => {
  it("ends the console session, then sends the browser to the provider with the ID token to end its session too", async () => {
    const a = new Agent(h.base);
    const atIdp = new Agent("");
    const callback = await signInAtIdp(await startAtConsole(a), "alice@acme.test", atIdp);
    expect((await a.get(pathOf(callback))).status).toBe(200);
    const out = await a.post("/console/signout", { _csrf: await a.csrf() });
    expect(out.status).toBe(200);
    expect(a.cookies.has("revops_console")).toBe(false);
    expect((await a.get("/console/approvals")).status).toBe(303);
    const next = /<a href="([^"]+)">Continue to sign out at Acme SSO/.exec(await out.text())?.[1];
    const end = new URL((next as string).replaceAll("&amp;", "&"));
    expect(`${end.origin}${end.pathname}`).toBe(`${idp.issuer}/session/end`);
    expect(end.searchParams.get("post_logout_redirect_uri")).toBe(`${h.base}/console/signin`);
    const hint = end.searchParams.get("id_token_hint") as string;
    expect(JSON.parse(Buffer.from(hint.split(".")[1] as string, "base64url").toString())).toMatchObject({
      sub: "alice@acme.test",
      aud: "revops-console",
    });
    // the provider asks the person to confirm, then sends the browser back to the console's sign-in page
    const confirm = await atIdp.get(end.href);
    const form = await confirm.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(form)?.[1] as string;
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(form)?.[1] as string;
    const done = await atIdp.post(new URL(action, end).href, { xsrf, logout: "yes" });
    expect(done.headers.get("location")).toBe(`${h.base}/console/signin`);
    // the provider's session is gone: starting again asks for the login once more
    const again = await atIdp.get((await startAtConsole(new Agent(h.base))).href);
    const login = new URL(again.headers.get("location") as string, idp.issuer);
    expect(login.origin).toBe(idp.issuer);
    expect(await (await atIdp.get(login.href)).text()).toContain('name="login"');
  });

  it("signs a password session out locally only, as before", async () => {
    await h.console.users.add({ email: "pat@acme.test", role: "admin", password: PASSWORD });
    const a = new Agent(h.base);
    await a.signIn("pat@acme.test", PASSWORD);
    const out = await a.post("/console/signout", { _csrf: await a.csrf() });
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/console/signin");
  });
});

describe("with password sign-in turned off", () => {
  let only: Harness;
  beforeAll(async () => {
    only = await startHarness({}, { oidc: oidcSettings(idp.issuer), localSignIn: false });
    idp.allow(`${only.base}/console/oidc/callback`);
  });
  afterAll(() => only?.stop());

  it("shows only Sign in with <provider>, refuses passwords and links, and signs in through the provider", async () => {
    await only.console.users.add({ email: "dana@example.com", role: "admin", password: PASSWORD });
    const a = new Agent(only.base);
    const html = await (await a.get("/console/signin")).text();
    expect(html).toContain("Sign in with Acme SSO");
    expect(html).not.toContain('name="password"');
    const r = await a.post("/console/signin", { email: "dana@example.com", password: PASSWORD });
    expect(r.status).toBe(403);
    expect(await r.text()).toContain("Password sign-in is turned off here; sign in with Acme SSO");
    expect((await a.get("/console/welcome?token=x")).status).toBe(403);
    const callback = await signInAtIdp(await startAtConsole(a), "alice@acme.test");
    expect((await a.get(pathOf(callback))).status).toBe(200);
    expect(await (await a.get("/console/approvals")).text()).toContain("alice@acme.test (admin)");
  });
});
