import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import { generateCompany } from "./generate/index.js";
import type { generateCompanyInWorker } from "./generate/parallel.js";

// The worker runs built JavaScript only (the sources generate on the calling thread): bundle the module as a build does.
const dir = mkdtempSync(join(tmpdir(), "sandbox-worker-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function built(): Promise<typeof generateCompanyInWorker> {
  const outfile = join(dir, "parallel.mjs");
  await build({
    entryPoints: [new URL("./generate/parallel.ts", import.meta.url).pathname],
    outfile,
    bundle: true,
    format: "esm",
    platform: "node",
    logLevel: "warning",
  });
  return (await import(pathToFileURL(outfile).href)).generateCompanyInWorker;
}

async function collect(chunks: AsyncIterable<{ table: string; rows: unknown[][] }>) {
  const out: { table: string; rows: unknown[][] }[] = [];
  for await (const c of chunks) out.push({ table: c.table, rows: c.rows });
  return out;
}

describe("generation on a worker thread", () => {
  it("hands over exactly the chunks generateCompany yields, in order", async () => {
    const inWorker = await built();
    const opts = { seed: 7, scale: 0.2, chunkSize: 97 };
    const expected = [...generateCompany(opts)].map((c) => ({ table: c.table, rows: c.rows }));
    expect(await collect(inWorker(opts))).toEqual(expected);
  }, 60_000);

  it("ends the worker when the loader stops early", async () => {
    const inWorker = await built();
    let n = 0;
    for await (const _ of inWorker({ scale: 1, chunkSize: 10 })) if (++n === 3) break;
    expect(n).toBe(3);
  }, 60_000);
});
