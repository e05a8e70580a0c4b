import { expect } from "vitest";
import type { OidcSettings } from "../src/index";
import { Agent } from "./agent";
import { CLIENT_ID, CLIENT_SECRET } from "./idp";

/** The console's settings for the test provider: acme.test only, two groups mapped, no default role. */
export const oidcSettings =
  (issuer: string, over: Partial<OidcSettings> = {}) =>
  (consoleBase: () => string): OidcSettings => ({
    issuer,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    get redirectUri() {
      return `${consoleBase()}/oidc/callback`;
    },
    providerName: "Acme SSO",
    scopes: "openid email groups",
    allowedDomains: ["acme.test"],
    allowedGroups: [],
    groupsClaim: "groups",
    roleMap: [
      ["revops-admins", "admin"],
      ["finance", "auditor"],
    ],
    ...over,
  });

/** Starts "Sign in with …" on the console; returns the provider's authorization URL. */
export async function startAtConsole(console: Agent): Promise<URL> {
  const r = await console.get("/console/oidc/start");
  expect(r.status, await r.text()).toBe(303);
  return new URL(r.headers.get("location") as string);
}

/**
 * Signs in at the provider's own login page as a person would (any password); returns the callback URL. Pass the
 * provider-side agent to keep its session cookies (to sign out there later).
 */
export async function signInAtIdp(authorize: URL, login: string, idp = new Agent("")): Promise<URL> {
  let next = authorize.href;
  for (let hop = 0; hop < 10; hop++) {
    const r = await idp.get(next);
    const location = r.headers.get("location");
    if (location) {
      const to = new URL(location, next);
      if (to.origin !== authorize.origin) return to;
      next = to.href;
      continue;
    }
    const html = await r.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    expect(action, html.slice(0, 1000)).toBeDefined();
    const posted = await idp.post(new URL(action as string, next).href, {
      prompt: "login",
      login,
      password: "any password",
    });
    next = new URL(posted.headers.get("location") as string, next).href;
  }
  throw new Error("the provider did not send the browser back");
}

/** The path and query of the callback, as the browser asks the console for it. */
export const pathOf = (u: URL) => `${u.pathname}${u.search}`;
