import { annotations, type ToolContext, userError, WrittenSchema } from "@revops/kit";
import { z } from "zod";
import { BackupError, type BackupInfo, backupRows } from "../../integrations/backups";
import { type MarketingPorts, marketingTool } from "../../ports";
import { infrastructureToolset } from "./toolset";

const input = z
  .object({
    action: z.enum(["list", "create", "restore", "delete"]).default("list"),
    backup_id: z.string().max(20).optional().describe("For restore and delete, e.g. bk_000001"),
  })
  .strict();
type Input = z.output<typeof input>;

const BackupSchema = z.object({
  id: z.string(),
  created_at: z.string(),
  size: z.number().describe("Bytes"),
  sha256: z.string(),
  tables: z.array(z.object({ table: z.string(), rows: z.number() })),
});
const row = (b: BackupInfo) => ({
  id: b.id,
  created_at: b.created_at,
  size: b.size,
  sha256: b.sha256,
  tables: b.tables,
});

/** A BackupError (no such backup, a changed file) becomes a user error naming backup_id and the fix. */
async function taught<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof BackupError)) throw err;
    throw userError(err.message, { fields: ["backup_id"], hint: err.hint, cause: err });
  }
}

function backupId(i: Input): string {
  if (!i.backup_id)
    throw userError(`action ${i.action} needs backup_id.`, {
      fields: ["backup_id"],
      hint: 'Call backups with action "list" and pass one of its ids, e.g. {"action":"restore","backup_id":"bk_000001"}.',
    });
  return i.backup_id;
}

/** The typed plan of a create, restore or delete, read fresh from the backup directory and the tables. */
async function planOf(i: Input, ctx: ToolContext<MarketingPorts>) {
  const b = ctx.ports.backups;
  if (i.action === "list")
    throw userError("action list changes nothing and needs no confirmation.", {
      fields: ["action"],
      hint: 'Call backups with action "list" and without dry_run, approval_id or confirmation_token.',
    });
  const now = await b.counts();
  if (i.action === "create")
    return {
      summary: `Back up ${now.reduce((a, t) => a + t.rows, 0)} rows of ${now.length} tables (budgets, content calendar, scoring models, settings)`,
      action: "create",
      record_type: "backup",
      records: [{ id: "new", name: "a new backup" }],
      tables: now,
    };
  const target = await taught(() => b.get(backupId(i)));
  if (i.action === "delete")
    return {
      summary: `Delete backup ${target.id} of ${target.created_at} (${backupRows(target)} rows); it cannot be restored afterwards`,
      action: "delete",
      record_type: "backup",
      records: [{ id: target.id, name: target.id }],
      sha256: target.sha256,
    };
  return {
    summary: `Restore backup ${target.id} of ${target.created_at}: replaces ${now.reduce((a, t) => a + t.rows, 0)} rows with its ${backupRows(target)}`,
    action: "restore",
    record_type: "backup",
    records: [{ id: target.id, name: target.id }],
    changes: target.tables.map((t) => ({
      field: `${t.table} rows`,
      before: now.find((x) => x.table === t.table)?.rows ?? 0,
      after: t.rows,
    })),
    sha256: target.sha256,
    side_effects: [
      "Budget allocations, the content calendar, scoring model versions and settings become the backup's, in one transaction; vendor data and the audit log are not touched.",
    ],
  };
}

export const backups = marketingTool({
  name: "backups",
  title: "Backups",
  description: "Backups of this server's own data (budgets, calendar, scoring models, settings).",
  toolset: infrastructureToolset.name,
  scopes: ["marketing:write"],
  ports: [],
  annotations: annotations.setting,
  input,
  output: z.object({
    action: z.string(),
    backup: BackupSchema.nullable().describe("The one created, restored or deleted"),
    backups: z.array(BackupSchema).describe("Newest first"),
    written: WrittenSchema.nullable(),
  }),
  guard: {
    kind: "destructive",
    // a list reads only: no plan, no human
    needed: (i) => (i as Input).action !== "list",
    preview: planOf,
  },
  handler: async ({ input: i, ctx }) => {
    const b = ctx.ports.backups;
    const origin = { principal: ctx.principal.id, ...ctx.write };
    let done: BackupInfo | null = null;
    if (i.action === "create") done = (await b.create(origin)).backup;
    if (i.action === "restore") done = (await taught(() => b.restore(backupId(i), origin))).backup;
    if (i.action === "delete") done = (await taught(() => b.delete(backupId(i), origin))).backup;
    return {
      action: i.action,
      backup: done && row(done),
      backups: (await b.list()).map(row),
      written: done && { system: "revops", id: `backup:${done.id}` },
    };
  },
  render: (o) =>
    [
      ...(o.backup ? [`${o.action}: ${o.backup.id} (sha256 ${o.backup.sha256.slice(0, 12)}…)`] : []),
      o.backups.length
        ? `Backups: ${o.backups.map((b) => `${b.id} ${b.created_at} ${b.tables.reduce((a, t) => a + t.rows, 0)} rows ${b.size} B`).join("; ")}`
        : 'No backups yet: call backups with action "create".',
    ].join("\n"),
  example: { action: "create" },
});
