// Child process for the concurrency and crash tests: appends records and prints "ack <seq> <id>"
// on stdout (synchronous on a pipe) only after each append's promise resolved. With `mixed`, it
// cycles through append, appendInTx (in its own transaction) and appendBatch of 12.
import { openSql } from "@revops/store";
import { type AuditInput, openAuditLog } from "../src/index";

interface WriterArgs {
  databaseUrl?: string;
  dataDir: string;
  checkpointDir: string;
  keyDir: string;
  count: number;
  tag: string;
  checkpointEveryRecords: number;
  mixed?: boolean;
}

const args = JSON.parse(process.argv[2] as string) as WriterArgs;
const db = await openSql({ databaseUrl: args.databaseUrl, dataDir: args.dataDir });
const log = await openAuditLog({
  db,
  checkpointDir: args.checkpointDir,
  keyDir: args.keyDir,
  checkpointEveryRecords: args.checkpointEveryRecords,
});
console.log("ready");
const input = (i: number): AuditInput => ({
  principal: args.tag,
  server: "test",
  tool: "write",
  outcome: "ok",
  args: { i, password: "never stored" },
});
let written = 0;
for (let round = 0; written < args.count; round++) {
  const step = args.mixed ? round % 3 : 0;
  const size = step === 2 ? Math.min(12, args.count - written) : 1;
  const inputs = Array.from({ length: size }, (_, k) => input(written + k));
  const records =
    step === 0
      ? [await log.append(inputs[0] as AuditInput)]
      : step === 1
        ? [await db.transaction((tx) => log.appendInTx(tx, inputs[0] as AuditInput))]
        : await log.appendBatch(inputs);
  for (const record of records) console.log(`ack ${record.seq} ${record.id}`);
  written += size;
}
await log.close();
await db.close();
