import { createHash, randomUUID } from "node:crypto";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import type { WriteOrigin } from "@revops/model";
import { journalChanges } from "@revops/sandbox";
import type { Row, SqlDb } from "@revops/store";

/**
 * The marketing server's own data, what the suite is the system of record for: planned spend, the content calendar,
 * lead-scoring model versions and marketing settings. Vendor data, the audit chain and the approval queue are not.
 */
export const BACKUP_TABLES = [
  "sb_budget_allocations",
  "sb_content_items",
  "sb_content_moves",
  "sb_lead_scoring_models",
  "sb_marketing_settings",
  "sb_marketing_settings_updates",
] as const;

const FORMAT = "revops-marketing-backup/1";

export interface BackupInfo {
  id: string;
  /** Order of creation, from the directory (no clock): bk_000001 is the first. */
  seq: number;
  created_at: string;
  size: number;
  sha256: string;
  engine: string;
  tables: { table: string; rows: number }[];
  principal: string;
}

interface Manifest extends BackupInfo {
  idempotency_key: string;
  restores: { key: string; at: string; principal: string }[];
  deleted?: { key: string; at: string; principal: string };
}

/** A backup that cannot be used as asked: what is wrong and the fix. */
export class BackupError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

const idOf = (seq: number) => `bk_${String(seq).padStart(6, "0")}`;
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const total = (b: BackupInfo) => b.tables.reduce((a, t) => a + t.rows, 0);
export const backupRows = total;

/** Writes a file readable by its owner only, whole or not at all (temp file, then rename). */
function writePrivate(file: string, data: string | Buffer, flag: "w" | "wx" = "w") {
  if (flag === "wx") return writeFileSync(file, data, { mode: 0o600, flag });
  const tmp = `${file}.${randomUUID()}.tmp`;
  writeFileSync(tmp, data, { mode: 0o600 });
  renameSync(tmp, file);
}

/**
 * Backups of BACKUP_TABLES as JSON files under `<data dir>/backups` (directory 0700, files 0600): `<id>.json` holds
 * the rows, `<id>.manifest.json` its SHA-256, size and row counts. The same format on SQLite and PostgreSQL.
 */
export class FileBackups {
  constructor(
    private readonly db: SqlDb,
    readonly dir: string,
    private readonly now: () => Promise<string>,
    /** Journal restores into sb_changes: on the sandbox, where `revops sandbox status` lists them. */
    private readonly journal = true,
  ) {}

  private ensureDir() {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    chmodSync(this.dir, 0o700);
  }

  private manifests(): Manifest[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((f) => /^bk_\d+\.manifest\.json$/.test(f))
      .map((f) => JSON.parse(readFileSync(join(this.dir, f), "utf8")) as Manifest)
      .sort((a, b) => b.seq - a.seq);
  }

  private save(m: Manifest) {
    writePrivate(join(this.dir, `${m.id}.manifest.json`), JSON.stringify(m, null, 1));
  }

  private manifest(id: string): Manifest {
    const m = /^bk_\d{6}$/.test(id) ? this.manifests().find((x) => x.id === id) : undefined;
    if (!m || m.deleted)
      throw new BackupError(`No backup ${id}.`, 'Call backups with action "list" for the ids.');
    return m;
  }

  private static info(m: Manifest): BackupInfo {
    const { idempotency_key: _k, restores: _r, deleted: _d, ...info } = m;
    return info;
  }

  /** Backups present, newest first. */
  async list(): Promise<BackupInfo[]> {
    return this.manifests()
      .filter((m) => !m.deleted)
      .map(FileBackups.info);
  }

  async get(id: string): Promise<BackupInfo> {
    return FileBackups.info(this.manifest(id));
  }

  /** Rows now in each backed-up table: what a restore would replace. */
  async counts(): Promise<{ table: string; rows: number }[]> {
    const out = [];
    for (const table of BACKUP_TABLES) {
      const r = await this.db.one<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`);
      out.push({ table, rows: Number(r?.n ?? 0) });
    }
    return out;
  }

  /** Exports every table from one snapshot; the same key again returns the first backup. */
  async create(origin: WriteOrigin): Promise<{ backup: BackupInfo; created: boolean }> {
    const key = origin.idempotencyKey ?? randomUUID();
    const done = this.manifests().find((m) => m.idempotency_key === key);
    if (done) return { backup: FileBackups.info(done), created: false };
    const tables = await this.db.transaction(async (tx) => {
      // one snapshot for every table (SQLite transactions are already one)
      if (tx.dialect === "postgres") await tx.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      const out: Record<string, Row[]> = {};
      for (const t of BACKUP_TABLES) out[t] = await tx.query(`SELECT * FROM ${t} ORDER BY 1`);
      return out;
    });
    const data = Buffer.from(JSON.stringify({ format: FORMAT, tables }));
    const created_at = await this.now();
    this.ensureDir();
    for (;;) {
      const seq = (this.manifests()[0]?.seq ?? 0) + 1;
      const m: Manifest = {
        id: idOf(seq),
        seq,
        created_at,
        size: data.length,
        sha256: sha256(data),
        engine: this.db.dialect,
        tables: BACKUP_TABLES.map((t) => ({ table: t, rows: tables[t]?.length ?? 0 })),
        principal: origin.principal,
        idempotency_key: key,
        restores: [],
      };
      try {
        // claims the id: a concurrent create took it when this throws EEXIST
        writePrivate(join(this.dir, `${m.id}.manifest.json`), JSON.stringify(m, null, 1), "wx");
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "EEXIST") continue;
        throw err;
      }
      writePrivate(join(this.dir, `${m.id}.json`), data);
      return { backup: FileBackups.info(m), created: true };
    }
  }

  /** The backup's rows after checking its size and SHA-256 against the manifest. */
  private verified(m: Manifest): Record<string, Row[]> {
    const file = join(this.dir, `${m.id}.json`);
    if (!existsSync(file))
      throw new BackupError(`Backup ${m.id} has no data file.`, "Delete it and create a new backup.");
    const data = readFileSync(file);
    if (data.length !== m.size || sha256(data) !== m.sha256)
      throw new BackupError(
        `Backup ${m.id} does not match its SHA-256 (${m.sha256.slice(0, 12)}…): the file changed since it was made; nothing was restored.`,
        "Restore another backup from backups list; keep this file for inspection.",
      );
    const parsed = JSON.parse(data.toString("utf8")) as { format?: string; tables?: Record<string, Row[]> };
    const unknown = Object.keys(parsed.tables ?? {}).filter(
      (t) => !(BACKUP_TABLES as readonly string[]).includes(t),
    );
    if (parsed.format !== FORMAT || unknown.length)
      throw new BackupError(`Backup ${m.id} is not a ${FORMAT} file.`, "Restore another backup.");
    return parsed.tables ?? {};
  }

  /** Checks the hash, then replaces every table's rows in one transaction; the same key again restores nothing. */
  async restore(id: string, origin: WriteOrigin): Promise<{ backup: BackupInfo; recovered: boolean }> {
    const m = this.manifest(id);
    const key = origin.idempotencyKey ?? randomUUID();
    if (m.restores.some((r) => r.key === key)) return { backup: FileBackups.info(m), recovered: true };
    const tables = this.verified(m);
    const before = await this.counts();
    await this.db.transaction(
      async (tx) => {
        for (const table of BACKUP_TABLES) {
          await tx.run(`DELETE FROM ${table}`);
          const rows = tables[table] ?? [];
          const columns = Object.keys(rows[0] ?? {});
          if (rows.length)
            await tx.insertMany(
              table,
              columns,
              rows.map((r) => columns.map((c) => r[c])),
            );
        }
        if (this.journal)
          await journalChanges(
            tx,
            BACKUP_TABLES.map((table, i) => ({
              entity: "backup_restore",
              recordId: m.id,
              field: table,
              before: before[i]?.rows ?? 0,
              after: (tables[table] ?? []).length,
            })),
            { ...origin, idempotencyKey: key },
          );
      },
      { lock: "revops:marketing-backups" },
    );
    m.restores.push({ key, at: await this.now(), principal: origin.principal });
    this.save(m);
    return { backup: FileBackups.info(m), recovered: false };
  }

  /** Removes the data file and marks the manifest deleted; the same key again finds it done. */
  async delete(id: string, origin: WriteOrigin): Promise<{ backup: BackupInfo; recovered: boolean }> {
    const key = origin.idempotencyKey ?? randomUUID();
    const gone = this.manifests().find((x) => x.id === id && x.deleted?.key === key);
    if (gone) return { backup: FileBackups.info(gone), recovered: true };
    const m = this.manifest(id);
    m.deleted = { key, at: await this.now(), principal: origin.principal };
    rmSync(join(this.dir, `${m.id}.json`), { force: true });
    this.save(m);
    return { backup: FileBackups.info(m), recovered: false };
  }
}
