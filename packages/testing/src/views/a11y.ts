import { createRequire } from "node:module";
import { type Browser, chromium, type Page } from "playwright-core";
import { expect } from "vitest";
import { CHROMIUM } from "./view-host";

const axeSource = (createRequire(import.meta.url)("axe-core") as { source: string }).source;

/** Headless Chromium from the system package (no browser download), as the console's browser tests run it. */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-background-networking"],
  });

/** axe-core in the page (evaluated, so the page's CSP still forbids inline script): no serious or critical issue. */
export async function expectAccessible(p: Page): Promise<void> {
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
