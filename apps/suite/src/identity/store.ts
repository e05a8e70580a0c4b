import { createHash } from "node:crypto";
import type { Migration, SqlDb } from "@revops/store";
import type { LinkMethod, ProposedLink } from "./match";

/** auto: sure enough to use; review: a candidate a human must confirm; unmatched: none; confirmed/rejected: a human's. */
export type LinkStatus = "auto" | "review" | "unmatched" | "confirmed" | "rejected";

/** Which graph: other systems' companies to CRM accounts, or their people to CRM contacts. */
export type IdentityGraph = "companies" | "people";
const TABLE: Record<IdentityGraph, string> = { companies: "identity_links", people: "identity_person_links" };

export interface StoredLink {
  system: string;
  externalId: string;
  externalName: string;
  /** A company's account; a person's contact's account (for customer_360). */
  accountId: string | null;
  /** People only: the CRM contact the person is. */
  contactId: string | null;
  confidence: number;
  method: LinkMethod | "human";
  evidence: string[];
  status: LinkStatus;
  decidedBy: string | null;
  updatedAt: string;
}

export const identityMigrations: Migration[] = [
  {
    id: "suite_identity_0001_links",
    sql: `CREATE TABLE IF NOT EXISTS identity_links (
      system TEXT NOT NULL, external_id TEXT NOT NULL, external_name TEXT NOT NULL, account_id TEXT,
      confidence REAL NOT NULL, method TEXT NOT NULL, evidence TEXT NOT NULL, status TEXT NOT NULL,
      record_fp TEXT NOT NULL, match_fp TEXT NOT NULL, decided_by TEXT, updated_at TEXT NOT NULL,
      PRIMARY KEY (system, external_id)
    );
    CREATE INDEX IF NOT EXISTS identity_links_account_idx ON identity_links (account_id)`,
  },
  {
    id: "suite_identity_0002_person_links",
    sql: `CREATE TABLE IF NOT EXISTS identity_person_links (
      system TEXT NOT NULL, external_id TEXT NOT NULL, external_name TEXT NOT NULL, account_id TEXT, contact_id TEXT,
      confidence REAL NOT NULL, method TEXT NOT NULL, evidence TEXT NOT NULL, status TEXT NOT NULL,
      record_fp TEXT NOT NULL, match_fp TEXT NOT NULL, decided_by TEXT, updated_at TEXT NOT NULL,
      PRIMARY KEY (system, external_id)
    );
    CREATE INDEX IF NOT EXISTS identity_person_links_account_idx ON identity_person_links (account_id)`,
  },
];

interface Row {
  system: string;
  external_id: string;
  external_name: string;
  account_id: string | null;
  contact_id?: string | null;
  confidence: number;
  method: string;
  evidence: string;
  status: string;
  record_fp: string;
  match_fp: string;
  decided_by: string | null;
  updated_at: string;
}

export const fingerprint = (...parts: unknown[]) =>
  createHash("sha256").update(JSON.stringify(parts)).digest("base64url").slice(0, 22);

const fromRow = (r: Row): StoredLink => ({
  system: r.system,
  externalId: r.external_id,
  externalName: r.external_name,
  accountId: r.account_id,
  contactId: r.contact_id ?? null,
  confidence: Number(r.confidence),
  method: r.method as StoredLink["method"],
  evidence: JSON.parse(r.evidence) as string[],
  status: r.status as LinkStatus,
  decidedBy: r.decided_by,
  updatedAt: r.updated_at,
});

/** The identity graph's links in our own database: machine proposals and the humans' decisions. */
export class IdentityStore {
  private readonly table: string;

  constructor(
    readonly db: SqlDb,
    readonly graph: IdentityGraph = "companies",
  ) {
    this.table = TABLE[graph];
  }

  async all(): Promise<(StoredLink & { recordFp: string; matchFp: string })[]> {
    const rows = await this.db.query<Row>(`SELECT * FROM ${this.table} ORDER BY system, external_id`);
    return rows.map((r) => ({ ...fromRow(r), recordFp: r.record_fp, matchFp: r.match_fp }));
  }

  async forAccount(accountId: string): Promise<StoredLink[]> {
    const rows = await this.db.query<Row>(
      `SELECT * FROM ${this.table} WHERE account_id = ? ORDER BY system, external_id`,
      [accountId],
    );
    return rows.map(fromRow);
  }

  async get(system: string, externalId: string): Promise<StoredLink | undefined> {
    const r = await this.db.one<Row>(`SELECT * FROM ${this.table} WHERE system = ? AND external_id = ?`, [
      system,
      externalId,
    ]);
    return r ? fromRow(r) : undefined;
  }

  async list(q: { status?: LinkStatus[]; system?: string; limit: number; offset: number }) {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.status?.length) {
      where.push(`status IN (${q.status.map(() => "?").join(", ")})`);
      params.push(...q.status);
    }
    if (q.system) {
      where.push("system = ?");
      params.push(q.system);
    }
    const sql = where.length ? ` WHERE ${where.join(" AND ")}` : "";
    const rows = await this.db.query<Row>(
      `SELECT * FROM ${this.table}${sql} ORDER BY confidence DESC, system, external_id LIMIT ? OFFSET ?`,
      [...params, q.limit, q.offset],
    );
    const total = await this.db.one<{ n: number }>(`SELECT COUNT(*) AS n FROM ${this.table}${sql}`, params);
    return { links: rows.map(fromRow), total: Number(total?.n ?? 0) };
  }

  async counts(): Promise<Record<LinkStatus, number>> {
    const rows = await this.db.query<{ status: LinkStatus; n: number }>(
      `SELECT status, COUNT(*) AS n FROM ${this.table} GROUP BY status`,
    );
    const out = { auto: 0, review: 0, unmatched: 0, confirmed: 0, rejected: 0 };
    for (const r of rows) out[r.status] = Number(r.n);
    return out;
  }

  async put(
    tx: SqlDb,
    link: ProposedLink | StoredLink,
    status: LinkStatus,
    fps: { record: string; match: string },
    at: string,
    decidedBy: string | null = null,
  ): Promise<void> {
    await this.remove(tx, link.system, link.externalId);
    const people = this.graph === "people";
    await tx.run(
      `INSERT INTO ${this.table} (system, external_id, external_name, account_id,${people ? " contact_id," : ""}
        confidence, method, evidence, status, record_fp, match_fp, decided_by, updated_at)
        VALUES (?, ?, ?, ?, ${people ? "?, " : ""}?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        link.system,
        link.externalId,
        link.externalName,
        link.accountId,
        ...(people ? [link.contactId ?? null] : []),
        link.confidence,
        link.method,
        JSON.stringify(link.evidence),
        status,
        fps.record,
        fps.match,
        decidedBy,
        at,
      ],
    );
  }

  /** What the record and its match looked like when last matched (a human's decision keeps them). */
  async fingerprints(
    tx: SqlDb,
    system: string,
    externalId: string,
  ): Promise<{ record: string; match: string }> {
    const r = await tx.one<{ record_fp: string; match_fp: string }>(
      `SELECT record_fp, match_fp FROM ${this.table} WHERE system = ? AND external_id = ?`,
      [system, externalId],
    );
    return { record: r?.record_fp ?? "", match: r?.match_fp ?? "" };
  }

  async remove(tx: SqlDb, system: string, externalId: string): Promise<void> {
    await tx.run(`DELETE FROM ${this.table} WHERE system = ? AND external_id = ?`, [system, externalId]);
  }
}
