import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { type Browser, chromium, type FrameLocator, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
/** CI must render the views; a developer's machine without Chromium skips with the reason. */
export const chromiumPresent = existsSync(CHROMIUM) || Boolean(process.env.CI);

export interface ViewHost {
  /** Renders a view's HTML with a tool result posted by the extension's AppBridge; returns the view's frame. */
  render: (
    html: string,
    result: unknown,
    args?: Record<string, unknown>,
    /** Where the view's tools/call goes (a host forwards it to the server); without it the view cannot call tools. */
    onCallTool?: (params: { name: string; arguments?: Record<string, unknown> }) => Promise<unknown>,
  ) => Promise<{ frame: FrameLocator; page: Page; errors: string[] }>;
  close: () => Promise<void>;
}

/** Headless Chromium acting as an MCP Apps host (ext-apps AppBridge over postMessage). */
export async function openViewHost(): Promise<ViewHost> {
  const bundled = await build({
    entryPoints: [fileURLToPath(new URL("./host-page.ts", import.meta.url))],
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    logLevel: "warning",
  });
  const hostScript = bundled.outputFiles[0]?.text ?? "";
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-background-networking"],
  });
  return {
    render: async (html, result, args = {}, onCallTool) => {
      const page = await browser.newPage();
      page.setDefaultTimeout(5000);
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      page.on("requestfailed", (r) => errors.push(`request ${r.url()}`));
      page.on("request", (r) => {
        if (!r.url().startsWith("about:") && !r.url().startsWith("data:")) errors.push(`request ${r.url()}`);
      });
      if (onCallTool) await page.exposeFunction("hostCallTool", onCallTool);
      await page.setContent("<!doctype html><html><body></body></html>");
      await page.addScriptTag({ content: hostScript });
      await page.evaluate(
        ([h, r, a, f]) =>
          (globalThis as unknown as { showView: (...x: unknown[]) => Promise<void> }).showView(h, a, r, f),
        [html, result, args, Boolean(onCallTool)] as const,
      );
      return { frame: page.frameLocator("iframe"), page, errors };
    },
    close: () => browser.close(),
  };
}
