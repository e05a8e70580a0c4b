import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { connectStdio, tempDataDir } from "@revops/testing";
import { describe, expect, it } from "vitest";

// every app's bin comes from scripts/build-app.mjs: the suite's stands for all four
const dist = fileURLToPath(new URL("../dist/", import.meta.url));
const cachedFiles = (dir: string) =>
  readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;

describe("the published bin", () => {
  it("is a stub that turns on Node's compile cache, then loads the minified bundle", () => {
    const stub = readFileSync(join(dist, "bin.js"), "utf8");
    expect(stub).toMatch(/^#!\/usr\/bin\/env node\n/);
    expect(stub).toContain("module.enableCompileCache?.()");
    expect(stub).toContain('await import("./bin-main.js")');
    // minified: long lines (only multi-line template literals keep their breaks), not one statement per line
    const main = readFileSync(join(dist, "bin-main.js"), "utf8");
    expect(main.length / main.split("\n").length).toBeGreaterThan(1000);
  });

  it("fills the compile cache on a first start, which later starts read", async () => {
    const cache = mkdtempSync(join(tmpdir(), "revops-compile-cache-"));
    const env = { NODE_COMPILE_CACHE: cache, REVOPS_DATA_DIR: tempDataDir("compile-cache") };
    const first = await connectStdio(join(dist, "bin.js"), [], env);
    expect((await first.client.listTools()).tools.length).toBeGreaterThan(0);
    await first.close();
    const written = cachedFiles(cache);
    expect(written).toBeGreaterThan(0);

    const second = await connectStdio(join(dist, "bin.js"), [], env);
    expect((await second.client.listTools()).tools.length).toBeGreaterThan(0);
    await second.close();
    expect(cachedFiles(cache)).toBe(written);
  });
});
