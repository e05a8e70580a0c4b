import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectAccessible, launchChromium, skipBrowser } from "./chromium";
import { type Harness, startHarness } from "./harness";
import { startIdp, type TestIdp } from "./idp";
import { oidcSettings } from "./oidc-flow";

let idp: TestIdp;
let h: Harness;
let browser: Browser;

describe.skipIf(skipBrowser)("Sign in with the organisation's login, in Chromium", () => {
  beforeAll(async () => {
    idp = await startIdp();
    h = await startHarness({}, { oidc: oidcSettings(idp.issuer) });
    idp.allow(`${h.base}/console/oidc/callback`);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.stop();
    await idp?.stop();
  });

  /** A fresh browser profile signs in at the provider (localhost, another site than the console at 127.0.0.1). */
  async function signInAtProvider(login: string, context?: BrowserContext) {
    const page = await (context ?? (await browser.newContext())).newPage();
    page.setDefaultTimeout(15_000); // the provider's first page can take seconds on a loaded 2-core CI machine
    await page.goto(`${h.base}/console`);
    expect(page.url()).toBe(`${h.base}/console/signin`);
    await page.getByRole("link", { name: "Sign in with Acme SSO" }).click();
    await page.waitForURL(`${idp.issuer}/**`);
    await page.getByPlaceholder("Enter any login").fill(login);
    await page.getByPlaceholder("and password").fill("any password");
    await page.getByRole("button", { name: "Sign-in" }).click();
    return page;
  }

  it("offers the provider beside the password form, accessibly", async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${h.base}/console/signin`);
    expect(await page.getByRole("link", { name: "Sign in with Acme SSO" }).count()).toBe(1);
    expect(await page.getByLabel("Password").count()).toBe(1);
    await expectAccessible(page);
  });

  it("clicks Sign in with…, signs in at the provider and lands in the console with the mapped role", async () => {
    const page = await signInAtProvider("alice@acme.test");
    // the session cookie is SameSite=Strict: the signed-in page's same-site refresh is what carries it
    await page.waitForURL(`${h.base}/console/approvals`);
    await page.getByText("alice@acme.test (admin)").waitFor();
    await expectAccessible(page);
    await page.getByRole("link", { name: "API keys" }).click();
    await page.getByRole("heading", { name: "API keys" }).waitFor();
  });

  it("shows the signed-in page accessibly (held before its refresh)", async () => {
    const context = await browser.newContext();
    // the refresh to the console is held back so the page stays to be checked
    // (a 204 answer ends a navigation and leaves the current page in place)
    await context.route(`${h.base}/console/approvals`, (route) => route.fulfill({ status: 204 }));
    const page = await signInAtProvider("bob@acme.test", context);
    await page.getByText("Signed in with Acme SSO as bob@acme.test (auditor).").waitFor();
    await expectAccessible(page);
  });

  it("refuses a person from another domain with a clear, accessible page", async () => {
    const page = await signInAtProvider("eve@evil.test");
    await page.getByRole("heading", { name: "Sign-in refused" }).waitFor();
    expect(await page.getByRole("alert").textContent()).toContain(
      "Accounts at evil.test may not use this console",
    );
    await expectAccessible(page);
    await page.getByRole("link", { name: "Back to sign-in" }).click();
    expect(page.url()).toBe(`${h.base}/console/signin`);
  });

  it("signs out of the console and of the provider, and the next sign-in asks for the login again", async () => {
    const context = await browser.newContext();
    const page = await signInAtProvider("alice@acme.test", context);
    await page.waitForURL(`${h.base}/console/approvals`);
    await page.getByRole("button", { name: "Sign out" }).click();
    // the provider's own confirmation (oidc-provider's default page), then back to the console's sign-in page
    await page.waitForURL(`${idp.issuer}/session/end**`);
    await page.getByRole("button", { name: /Yes, sign me out/i }).click();
    await page.waitForURL(`${h.base}/console/signin`);
    await expectAccessible(page);
    await page.getByRole("link", { name: "Sign in with Acme SSO" }).click();
    await page.getByPlaceholder("Enter any login").waitFor();
  });
});
