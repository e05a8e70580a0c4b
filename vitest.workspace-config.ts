import { defineConfig } from "vitest/config";
// shared with scripts/build-app.mjs: tests import `?view` entries as the same HTML the build ships
import { viteViewPlugin } from "./scripts/view-bundle.mjs";

/**
 * The test setup every workspace package and app shares: a JSON report (CI sums them into its closing
 * line) and a line-coverage gate (80 % packages, 70 % apps) that fails the run below it.
 */
export function workspaceTestConfig(o: { lines: number; exclude?: string[]; timeoutMs?: number }) {
  return defineConfig({
    plugins: [viteViewPlugin()],
    test: {
      testTimeout: o.timeoutMs ?? 30_000,
      hookTimeout: o.timeoutMs ?? 30_000,
      // a browser draws a view in well under a second, but a busy 2-core machine can take several
      expect: { poll: { timeout: 15_000 } },
      reporters: ["default", ["json", { outputFile: "test-results.json" }]],
      coverage: {
        provider: "v8",
        include: ["src/**/*.ts"],
        // views run in the browser: their Chromium tests cover them, v8 coverage of node cannot
        exclude: ["src/**/*.test.ts", "src/**/*.view.ts", "src/view/**", ...(o.exclude ?? [])],
        thresholds: { lines: o.lines },
      },
    },
  });
}
