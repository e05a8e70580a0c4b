import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { journalChanges } from "@revops/sandbox";
import { openSql } from "@revops/store";
import { describe, expect, it } from "vitest";
import { buildCli } from "../src/index";

const run = async (args: string[], env: Record<string, string>, answer = "") => {
  const out: string[] = [];
  const cli = buildCli({ env, print: (l) => out.push(l), ask: async () => answer });
  await cli.parseAsync(["node", "revops", ...args]);
  return out.join("\n");
};

describe("revops sandbox", () => {
  it("loads, reports what tools changed, and resets only when the human types the phrase", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sandbox-cli-"));
    const env = { REVOPS_DATA_DIR: dir, SANDBOX_SCALE: "0.05" };
    expect(await run(["sandbox", "load"], env)).toMatch(/^Loaded seed 42 at scale 0.05: [\d,]+ rows/);
    expect(await run(["sandbox", "status"], env)).toContain("No changes since the seed.");

    const db = await openSql({ dataDir: dir });
    await db.transaction((tx) =>
      journalChanges(tx, [{ entity: "deal", recordId: "deal_1", field: "stage", before: "a", after: "b" }], {
        principal: "ann",
      }),
    );
    await db.close();
    const status = await run(["sandbox", "status"], env);
    expect(status).toContain("deal: 1 records, 1 field changes");
    expect(status).toContain('ann deal deal_1 stage: "a" → "b"');

    await expect(run(["sandbox", "reset"], env, "yes")).rejects.toThrow(/Not reset: type "reset sandbox"/);
    expect(await run(["sandbox", "status"], env)).toContain("deal: 1 records");
    expect(await run(["sandbox", "reset"], env, "reset sandbox")).toContain("1 field changes discarded");
    expect(await run(["sandbox", "status"], env)).toContain("No changes since the seed.");
    const after = await openSql({ dataDir: dir });
    const resets = await after.query<{ body: string }>(
      "SELECT body FROM audit_log WHERE tool = 'sandbox_reset'",
    );
    await after.close();
    expect(resets.map((r) => JSON.parse(r.body).summary)).toEqual(["discarded 1 field changes"]);
  }, 60_000);
});
