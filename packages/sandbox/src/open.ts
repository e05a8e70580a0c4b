import type { SqlDb } from "@revops/store";
import { ensureSandboxLoaded } from "./load";

/** The slice of the kit's runtime the sandbox needs (structural, so the sandbox does not depend on the kit). */
export interface SandboxHost {
  config: { SANDBOX_SEED: number; SANDBOX_SCALE: number };
  sql: () => Promise<SqlDb>;
  shared: <T>(key: string, create: () => Promise<T>) => Promise<T>;
  log: { info: (obj: object, msg: string) => void };
}

/** The demo company's database, loaded once per process (and once per database, whichever process gets there first). */
export function sandboxDatabase(host: SandboxHost): Promise<SqlDb> {
  return host.shared("sandbox-db", async () => {
    const db = await host.sql();
    let lastTable = "";
    const result = await ensureSandboxLoaded(db, {
      seed: host.config.SANDBOX_SEED,
      scale: host.config.SANDBOX_SCALE,
      // one stderr line per table: a large company takes a while and should say so
      onProgress: (p) => {
        const step = p.phase === "indexes" ? "indexes" : p.table;
        if (step === lastTable) return;
        lastTable = step;
        if (p.phase === "indexes") host.log.info({ step }, "loading the sandbox company: building indexes");
        else
          host.log.info(
            { table: p.table, of: `${p.tablesDone + 1}/${p.tables}` },
            "loading the sandbox company",
          );
      },
    });
    if (result.loaded)
      host.log.info(
        { counts: result.counts, ms: result.ms, phases: result.phases },
        "sandbox company loaded",
      );
    return db;
  });
}
