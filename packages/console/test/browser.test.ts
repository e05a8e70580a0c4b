import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectAccessible, launchChromium, skipBrowser } from "./chromium";
import { type Harness, mcpClient, PASSWORD, startHarness, textOf } from "./harness";

let h: Harness;
let assistant: Client;
let browser: Browser;
let page: Page;

describe.skipIf(skipBrowser)("the console in Chromium", () => {
  beforeAll(async () => {
    h = await startHarness();
    assistant = await mcpClient(h.mcpUrl, h.adminKey);
    await h.console.users.add({ email: "dana@example.com", role: "admin", password: PASSWORD });
    browser = await launchChromium();
    page = await browser.newPage();
    page.setDefaultTimeout(5000);
  });
  afterAll(async () => {
    await browser?.close();
    await assistant?.close();
    await h?.stop();
  });

  it("signs in with the keyboard alone", async () => {
    await page.goto(`${h.base}/console`);
    expect(page.url()).toBe(`${h.base}/console/signin`);
    await expectAccessible(page);
    await page.keyboard.press("Tab"); // skip link
    await page.keyboard.press("Tab");
    await page.keyboard.type("dana@example.com");
    await page.keyboard.press("Tab");
    await page.keyboard.type(PASSWORD);
    await Promise.all([page.waitForURL(`${h.base}/console/approvals`), page.keyboard.press("Enter")]);
    expect(await page.getByText("dana@example.com (admin)").count()).toBe(1);
    await expectAccessible(page);
  });

  it("approves a queued plan, which then runs", async () => {
    const queued = await assistant.callTool({
      name: "caps_update",
      arguments: { scope: "per_month", amount: 7000 },
    });
    const id = /apr_[\w-]+/.exec(textOf(queued))?.[0] as string;
    await page.goto(`${h.base}/console/approvals`);
    await page.getByRole("link", { name: /the per-month spending cap/ }).click();
    expect(page.url()).toBe(`${h.base}/console/approvals/${id}`);
    expect(await page.locator("pre").first().textContent()).toContain("$7,000");
    await expectAccessible(page);
    await page.getByRole("button", { name: "Approve this plan" }).focus();
    await Promise.all([page.waitForLoadState(), page.keyboard.press("Enter")]);
    await page.getByText("The plan can now run, once").waitFor();
    await expectAccessible(page);
    const run = await assistant.callTool({
      name: "caps_update",
      arguments: { scope: "per_month", amount: 7000, approval_id: id },
    });
    expect(run.isError, textOf(run)).toBeFalsy();
  });

  it("follows the confirmation link in a queued plan's result and rejects the plan with a reason", async () => {
    const queued = await assistant.callTool({
      name: "caps_update",
      arguments: { scope: "per_day", amount: 9000 },
    });
    const link = /http:\/\/127\.0\.0\.1:\d+\/console\/approvals\/apr_[\w-]+/.exec(textOf(queued))?.[0];
    expect(link, textOf(queued)).toBeTruthy();
    await page.goto(link as string);
    expect(await page.locator("pre").first().textContent()).toContain("$9,000");
    await page.getByLabel("Reason for rejecting").fill("daily cap stays put this month");
    await Promise.all([
      page.waitForLoadState(),
      page.getByRole("button", { name: "Reject this plan" }).click(),
    ]);
    await page
      .getByText(/Rejected by dana@example.com \(console\): daily cap stays put this month/)
      .waitFor();
    await expectAccessible(page);
    const run = await assistant.callTool({
      name: "caps_update",
      arguments: { scope: "per_day", amount: 9000, approval_id: link?.split("/").at(-1) },
    });
    expect(run.isError).toBe(true);
    expect(textOf(run)).toContain("daily cap stays put this month");
  });

  it("finds the approval in the audit log", async () => {
    await page.getByRole("link", { name: "Audit log" }).click();
    await page.getByText("Chain verified").waitFor();
    await expectAccessible(page);
    await page.getByLabel("Tool").fill("caps_update");
    await page.getByLabel("Outcome").selectOption("confirmed");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/outcome=confirmed/);
    const rows = page.locator("tbody tr");
    expect(await rows.count()).toBeGreaterThan(0);
    expect(await rows.first().textContent()).toContain("caps_update");
    expect(await page.getByText("approved by dana@example.com (console)").count()).toBeGreaterThan(0);
    await expectAccessible(page);
  });

  it("creates and revokes an API key", async () => {
    await page.getByRole("link", { name: "API keys" }).click();
    await expectAccessible(page);
    await page.getByLabel("Name").fill("browser bot");
    await page.getByLabel("Role").selectOption("auditor");
    await page.getByRole("button", { name: "Create key" }).click();
    const key = (await page.getByLabel("New API key").textContent()) as string;
    expect(key).toMatch(/^rmcp_/);
    await expectAccessible(page);
    const id = key.slice(5, 17);
    await page.getByRole("button", { name: new RegExp(`Revoke key ${id}`) }).click();
    await page.getByText(`Key ${id} revoked`).waitFor();
    await expectAccessible(page);
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
  });

  it("charts vendor usage and shows connections and roles, all accessible", async () => {
    const ledger = await h.ledger();
    for (const [day, units] of [
      ["2026-10-30", 2],
      ["2026-11-01", 6],
    ] as const)
      await ledger.record({
        vendor: "apollo",
        connection: "default",
        operation: "people.match",
        units,
        attempts: 1,
        outcome: "ok",
        durationMs: 5,
        at: new Date(`${day}T09:00:00Z`),
      });
    await page.getByRole("link", { name: "Usage" }).click();
    await page.getByLabel("From", { exact: true }).fill("2026-10-29");
    await page.getByLabel("To", { exact: true }).fill("2026-11-01");
    await page.getByRole("button", { name: "Show" }).click();
    await page.waitForURL(/from=2026-10-29/);
    await page.getByText("2 vendor API calls cost $4.00").waitFor();
    // the picture has the data: the cost bar of 11-01 is three times the one of 10-30, in pixels
    const cost = page.getByRole("img", { name: /cost per day/ });
    const high = await cost.locator('rect[data-key="2026-11-01"]').boundingBox();
    const low = await cost.locator('rect[data-key="2026-10-30"]').boundingBox();
    expect(high && low && Math.round(high.height / low.height)).toBe(3);
    await expectAccessible(page);
    await page.getByRole("link", { name: "Connections" }).click();
    await page.getByText("1 of 2 connections have a problem.").waitFor();
    await expectAccessible(page);
    await page.getByRole("link", { name: "Roles" }).click();
    await page.getByRole("rowheader", { name: "auditor" }).waitFor();
    await expectAccessible(page);
  });
});
