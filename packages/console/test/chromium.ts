import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { type Browser, chromium, type Page } from "playwright-core";
import { expect } from "vitest";

export const CHROMIUM = "/usr/bin/chromium";
const present = existsSync(CHROMIUM);
// CI must run the browser tests: a missing browser is a failure there, a skip (with the reason) on a developer's machine
export const skipBrowser = !present && !process.env.CI;
if (skipBrowser)
  console.warn(`browser test skipped: ${CHROMIUM} is missing; install it with: apt-get install -y chromium`);
const axeSource = (createRequire(import.meta.url)("axe-core") as { source: string }).source;

export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-background-networking"],
  });

/** axe-core in the page (evaluated, so the page's CSP still forbids inline script): no serious or critical issue. */
export async function expectAccessible(p: Page) {
  await p.evaluate(axeSource);
  const result = (await p.evaluate(() =>
    (globalThis as unknown as { axe: { run: (o: object) => Promise<unknown> } }).axe.run({
      resultTypes: ["violations"],
    }),
  )) as { violations: { id: string; impact: string | null; help: string; nodes: { target: unknown }[] }[] };
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(
    bad.map((v) => `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`),
  ).toEqual([]);
}
