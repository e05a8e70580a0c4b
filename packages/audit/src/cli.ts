import { type Command, InvalidArgumentError } from "commander";
import type { AuditLog } from "./log";
import { type AuditQueryInput, toAuditQuery } from "./tool";
import type { AuditOutcome, VerifyReport } from "./types";

/** Adds `audit verify|query|export|erase` to a commander program; `open` is called once per command. */
export function registerAuditCommands(program: Command, open: () => Promise<AuditLog>): Command {
  const audit = program.command("audit").description("Inspect and verify the tamper-evident audit log");

  audit
    .command("verify")
    .description("Walk the hash chain and check the signed checkpoints; exit code 1 on any problem")
    .option("--json", "print the full report as JSON")
    .action((opts: { json?: boolean }) =>
      withLog(open, async (log) => {
        const report = await log.verify();
        console.log(opts.json ? JSON.stringify(report, null, 2) : describeReport(report));
        if (!report.ok) process.exitCode = 1;
      }),
    );

  audit
    .command("query")
    .description("Records matching the filters, newest first, one JSON object per line")
    .option("--principal <id>", "who made the call")
    .option("--tool <name>", "tool name")
    .option("--outcome <outcome...>", "ok, error, denied, previewed, confirmed, rejected or expired")
    .option("--since <time>", "from this ISO-8601 time (inclusive)")
    .option("--until <time>", "before this ISO-8601 time")
    .option("--id <id>", "one record by id")
    .option("--limit <n>", "records per page (default 50, max 1000)", parseLimit)
    .option("--cursor <cursor>", "continue after a previous page")
    .action((opts: QueryOptions) =>
      withLog(open, async (log) => {
        const page = await log.query(toAuditQuery(opts));
        for (const record of page.records) console.log(JSON.stringify(record));
        if (page.nextCursor) console.error(`more records: add --cursor ${page.nextCursor}`);
      }),
    );

  audit
    .command("erase")
    .description(
      "Delete the personal values (side table) of every record naming this email; the chain still verifies",
    )
    .requiredOption("--subject <email>", "the person's email address (case-insensitive)")
    .option("--json", "print the result as JSON")
    .action((opts: { subject: string; json?: boolean }) =>
      withLog(open, async (log) => {
        const r = await log.erase(opts.subject);
        console.log(
          opts.json
            ? JSON.stringify(r)
            : `erased ${r.values} personal values from ${r.records} records naming ${r.subject}`,
        );
      }),
    );

  audit
    .command("export")
    .description("Every record (oldest first) as JSON Lines on stdout, with seq, prevHash and hash")
    .option("--since <time>", "from this ISO-8601 time (inclusive)")
    .option("--until <time>", "before this ISO-8601 time")
    .action((opts: { since?: string; until?: string }) =>
      withLog(open, async (log) => {
        const { since, until } = toAuditQuery(opts);
        for await (const record of log.export({ ...(since ? { since } : {}), ...(until ? { until } : {}) })) {
          console.log(JSON.stringify(record));
        }
      }),
    );
  return audit;
}

interface QueryOptions extends Omit<AuditQueryInput, "outcome"> {
  outcome?: AuditOutcome[];
}

async function withLog(open: () => Promise<AuditLog>, fn: (log: AuditLog) => Promise<void>): Promise<void> {
  const log = await open();
  try {
    await fn(log);
  } finally {
    await log.close();
  }
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`--limit must be a positive integer; got ${value}`);
  return n;
}

export function describeReport(r: VerifyReport): string {
  const lines = [
    r.ok ? "audit log OK" : "audit log TAMPERED",
    `records verified: ${r.records} (head #${r.headSeq} ${r.headHash.slice(0, 16)}…)`,
    `signed checkpoints: ${r.checkpoints} (key: ${r.trust})`,
    // only the chain protects records after the newest checkpoint: say how many and since when
    `unsigned tail: ${r.unsignedTail.records} records${r.unsignedTail.lastSignedAt ? ` after the checkpoint of ${r.unsignedTail.lastSignedAt}` : ""}`,
  ];
  for (const p of r.problems) lines.push(`${p.kind} at #${p.seq}: ${p.message}`);
  lines.push(`took ${r.ms.toFixed(0)} ms`);
  return lines.join("\n");
}
