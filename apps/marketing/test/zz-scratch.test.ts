import { ensureSandboxLoaded } from "@revops/sandbox";
import { openSql } from "@revops/store";
import { it } from "vitest";
it("q", async () => {
  const db = await openSql({ dataDir: "/tmp/mkt-leads-sb" });
  await ensureSandboxLoaded(db);
  for (const q of (process.env.QS ?? "").split(";;")) console.log(q, "\n", JSON.stringify(await db.query(q)));
  await db.close();
}, 120000);
