import { userInfo } from "node:os";
import { createInterface } from "node:readline/promises";
import type { AuditLog } from "@revops/audit";
import { ensureSandboxLoaded, resetSandbox, sandboxStatus } from "@revops/sandbox";
import type { SqlDb } from "@revops/store";
import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import type { SafetyConfig } from "../config";

export interface SandboxCliDeps {
  openDb: () => Promise<SqlDb>;
  openAudit: (db: SqlDb) => Promise<AuditLog>;
  config: () => SafetyConfig;
  print: (line: string) => void;
  /** Asks the human at the terminal; undefined when stdin is not a terminal. */
  ask?: (question: string) => Promise<string>;
}

const RESET_PHRASE = "reset sandbox";

/** One line typed at the terminal (stderr shows the question, so stdout stays clean). */
export const terminalAsk = async (question: string): Promise<string> => {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
};

/** `revops sandbox load|status|reset`: the demo company every server runs on without credentials. */
export function registerSandboxCommands(program: Command, deps: SandboxCliDeps): Command {
  const withDb = async (fn: (db: SqlDb) => Promise<void>) => {
    const db = await deps.openDb();
    try {
      await fn(db);
    } finally {
      await db.close();
    }
  };
  const load = async (db: SqlDb, scale?: number) => {
    const cfg = deps.config();
    const bar = new SingleBar({
      format: "loading the sandbox company [{bar}] {value}/{total} tables | {table} {rows}",
      stream: process.stderr,
    });
    let started = false;
    let shown = "";
    let phase = "";
    let drawn = 0;
    const r = await ensureSandboxLoaded(db, {
      seed: cfg.SANDBOX_SEED,
      scale: scale ?? cfg.SANDBOX_SCALE,
      onProgress: (p) => {
        if (!started) bar.start(p.tables, 0, { table: p.table, rows: "" });
        started = true;
        const now = Date.now();
        // a progress call per 1,000 rows: redraw at most ~10 times a second (always for a new table or phase)
        if (p.table === shown && p.phase === phase && now - drawn < 100) return;
        shown = p.table;
        phase = p.phase;
        drawn = now;
        if (p.phase === "indexes") bar.update(p.tablesDone, { table: "building indexes", rows: "" });
        else bar.update(p.tablesDone, { table: p.table, rows: `${p.rows.toLocaleString("en-US")} rows` });
      },
    });
    if (started) {
      bar.update(bar.getTotal());
      bar.stop();
    }
    return r;
  };
  const sandbox = program
    .command("sandbox")
    .description("The demo company the servers run on without credentials");

  sandbox
    .command("load")
    .description("Generate and load the sandbox company now (the servers also do it at start)")
    .option("--scale <n>", "size multiplier (SANDBOX_SCALE): 100 is 50,000 accounts")
    .action((opts: { scale?: string }) =>
      withDb(async (db) => {
        const scale = opts.scale === undefined ? undefined : Number(opts.scale);
        if (scale !== undefined && !(scale > 0 && scale <= 1000))
          throw new Error("--scale must be a number above 0 and at most 1000, e.g. --scale 100.");
        const r = await load(db, scale);
        const rows = Object.values(r.counts).reduce((a, b) => a + b, 0);
        const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
        deps.print(
          r.loaded
            ? `Loaded seed ${r.dataset.seed} at scale ${r.dataset.scale}: ${rows.toLocaleString("en-US")} rows in ${s(r.ms)} (generate ${s(r.phases.generate)}, insert ${s(r.phases.insert)}, indexes ${s(r.phases.index)}).`
            : `Already loaded (seed ${r.dataset.seed}, scale ${r.dataset.scale}); \`revops sandbox reset\` starts over.`,
        );
      }),
    );

  sandbox
    .command("status")
    .description("What tools changed in the sandbox company since it was seeded")
    .option("--json", "print JSON")
    .action((opts: { json?: boolean }) =>
      withDb(async (db) => {
        await load(db);
        const s = await sandboxStatus(db);
        if (opts.json) return deps.print(JSON.stringify(s, null, 2));
        deps.print(`Sandbox seed ${s.seed}, scale ${s.scale}, today ${s.today}.`);
        if (s.changes.length === 0) return deps.print("No changes since the seed.");
        for (const c of s.changes)
          deps.print(`  ${c.entity}: ${c.records} records, ${c.fields} field changes`);
        deps.print("Latest:");
        for (const r of s.recent)
          deps.print(
            `  ${r.at} ${r.principal} ${r.entity} ${r.recordId} ${r.field}: ${JSON.stringify(r.before)} → ${JSON.stringify(r.after)}`,
          );
      }),
    );

  sandbox
    .command("reset")
    .description(`Restore the seeded company, discarding every change (asks you to type "${RESET_PHRASE}")`)
    .option("--confirm <phrase>", `the phrase "${RESET_PHRASE}", when no terminal can ask`)
    .action((opts: { confirm?: string }) =>
      withDb(async (db) => {
        await load(db);
        const changed = (await sandboxStatus(db)).changes.reduce((n, c) => n + c.fields, 0);
        const ask = deps.ask ?? (process.stdin.isTTY ? terminalAsk : undefined);
        const typed =
          opts.confirm ??
          (await ask?.(`This discards ${changed} field changes. Type "${RESET_PHRASE}" to continue: `));
        if (typed?.trim().toLowerCase() !== RESET_PHRASE) {
          throw new Error(
            `Not reset: type "${RESET_PHRASE}" at the prompt (or pass --confirm "${RESET_PHRASE}").`,
          );
        }
        await resetSandbox(db);
        await load(db);
        const audit = await deps.openAudit(db);
        try {
          await audit.append({
            principal: `${userInfo().username} (cli)`,
            server: "revops-cli",
            tool: "sandbox_reset",
            outcome: "ok",
            summary: `discarded ${changed} field changes`,
          });
        } finally {
          await audit.close();
        }
        deps.print(`Reset: the seeded company is back (${changed} field changes discarded).`);
      }),
    );
  return sandbox;
}
