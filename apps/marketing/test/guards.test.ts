import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describeGuardMatrix } from "@revops/guards/testing";
import { tempDataDir } from "@revops/testing";
import { createMarketingServer } from "../src/server";

// Every guarded or destructive tool of this server, against every way a model could fake consent.
describeGuardMatrix(createMarketingServer());

// backups' high-risk actions too (its example is a low-risk create): a backup on file for restore and delete to plan
const dataDir = tempDataDir("guard-matrix-backups");
mkdirSync(join(dataDir, "backups"), { recursive: true, mode: 0o700 });
const manifest = {
  id: "bk_000001",
  seq: 1,
  created_at: "2026-11-23T12:00:00.000Z",
  size: 2,
  sha256: "0".repeat(64),
  engine: "sqlite",
  tables: [{ table: "sb_budget_allocations", rows: 0 }],
  principal: "ops",
  idempotency_key: "k",
  restores: [],
};
writeFileSync(join(dataDir, "backups", "bk_000001.manifest.json"), JSON.stringify(manifest), { mode: 0o600 });
const server = createMarketingServer();
for (const action of ["restore", "delete"])
  describeGuardMatrix(
    {
      ...server,
      name: `marketing backups ${action}`,
      tools: server.tools.filter((t) => t.name === "backups"),
    },
    {
      env: { REVOPS_DATA_DIR: dataDir },
      args: { backups: { action, backup_id: "bk_000001" } },
      changedArgs: { backups: { action, backup_id: "bk_000002" } },
    },
  );
