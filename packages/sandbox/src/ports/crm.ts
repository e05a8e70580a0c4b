import { createHash, randomUUID } from "node:crypto";
import type {
  AccountCandidates,
  AccountDetail,
  AccountQuery,
  BulkType,
  ClosedDeal,
  ContactCandidates,
  ContactDetail,
  ContactFields,
  ContactQuery,
  ContactWrite,
  ConversionCell,
  ConversionWrite,
  CrmQuotas,
  DealQuery,
  DealRecordExtras,
  DealRow,
  DealTimelines,
  DealType,
  IdentityAccount,
  KnownPerson,
  LeadChanges,
  LeadConversion,
  LeadDetail,
  LeadFacts,
  LeadWrite,
  MeetingLog,
  MeetingLogWrite,
  NewDeal,
  NewTask,
  Owner,
  Page,
  RecordFields,
  RecordRow,
  RecordSelection,
  RecordsWrite,
  RecordType,
  RiskInputs,
  RiskQuery,
  SnapshotCell,
  SnapshotPoint,
  Stage,
  StageChange,
  TaskRow,
  WriteOrigin,
} from "@revops/model";
import type { SqlDb } from "@revops/store";
import { journalChanges, sandboxNow } from "../changes.js";

import { OPEN_STAGES, STAGE_PROBABILITY } from "../generate/deals.js";

import { sandboxClosedDeals } from "./closed-deals.js";
import { sandboxAccountCandidates } from "./crm-accounts.js";
import { sandboxContactByEmail, sandboxUpsertContact } from "./crm-contact-write.js";
import { sandboxContactCandidates } from "./crm-contacts.js";
import { sandboxDealExtras } from "./crm-deal.js";
import { sandboxConvertLead, sandboxLead, sandboxUpdateLead } from "./crm-lead-write.js";
import { sandboxLeadFacts } from "./crm-leads.js";
import {
  keyOf,
  landedCount,
  sandboxDeleteRecords,
  sandboxSelectRecords,
  sandboxUpdateContacts,
} from "./crm-records.js";
import { sandboxRiskInputs } from "./crm-risk.js";
import { sandboxDealTimelines } from "./deal-timelines.js";
import { conversionCells, snapshotCells } from "./forecast-history.js";
import { sandboxLogMeeting, sandboxPeople } from "./meetings.js";
import { chunks, keysetPage, num, searchByName, Where } from "./sql.js";
import { SandboxTasks } from "./tasks.js";
import { listWhileUnchanged } from "./version-memo.js";

/** One deal as it is now, with the fields a deal update can change. */
export interface DealDetail extends DealRow {
  nextStep: string | null;
}

/** The fields of a deal update; absent = unchanged, nextStep null = cleared. */
export interface DealChanges {
  stage?: Stage;
  amount?: number;
  closeDate?: string;
  nextStep?: string | null;
  ownerId?: string;
}

/** One deal with its stage history, newest activities (and their total) and the people on it. */
export interface DealRecord extends DealRecordExtras {
  deal: DealDetail;
}

/** Where a write landed and the record as it is after it. */
export interface DealWrite {
  system: string;
  id: string;
  deal: DealDetail;
  /** True when this write had already happened (same idempotency key): found, not made again. */
  recovered?: boolean;
}

/** Forecast category a stage implies (the generator's rule without its randomness). */
export function stageCategory(stage: Stage): string {
  if (stage === "closed_won") return "closed";
  if (stage === "closed_lost") return "omitted";
  if (stage === "negotiation") return "commit";
  if (stage === "proposal") return "best_case";
  return "pipeline";
}

/** Of closed deals, per open stage: how many reached it (stage history or their own stage) and how many won. */
export interface StageReach {
  /** Closed deals counted. */
  closed: number;
  /** Only stages at least one of the deals reached. */
  stages: Record<string, { reached: number; won: number }>;
}

/** What the sandbox CRM answers: its quotas are the configured ones (pipeline_settings), not CRM objects. */
export const SANDBOX_QUOTAS_NOTE =
  "The sandbox CRM keeps no quota objects: its quotas are the configured ones (pipeline_settings).";

const DEAL_SELECT = `d.id, d.name, d.account_id, a.name AS account_name, d.stage, d.amount, d.close_date, d.owner_id,
  u.name AS owner_name, d.probability, d.forecast_category, d.type`;
/** The list row's extras: next step, newest activity and when the current stage was entered (history, else created). */
const DEAL_LIST_SELECT = `${DEAL_SELECT}, d.next_step, d.last_activity_at,
  COALESCE((SELECT MAX(h.changed_at) FROM sb_deal_stage_history h WHERE h.deal_id = d.id AND h.to_stage = d.stage),
    d.created_date) AS stage_entered_at`;
const DEAL_FROM =
  "FROM sb_deals d JOIN sb_accounts a ON a.id = d.account_id JOIN sb_users u ON u.id = d.owner_id";
const OPEN = "d.stage NOT IN ('closed_won', 'closed_lost')";
/** Deal column → the change journal's field name. */
const FIELD_COLUMNS = [
  ["stage", "stage"],
  ["amount", "amount"],
  ["closeDate", "close_date"],
  ["nextStep", "next_step"],
  ["ownerId", "owner_id"],
] as const;
const JOURNAL_FIELD: Record<string, string> = {
  stage: "stage",
  amount: "amount",
  close_date: "close_date",
  next_step: "next_step",
  owner_id: "owner",
  probability: "probability",
  forecast_category: "forecast_category",
};

type DealDbRow = Record<string, unknown> & { id: string; close_date: string };

function toDeal(r: DealDbRow): DealRow {
  return {
    id: r.id,
    name: String(r.name),
    accountId: String(r.account_id),
    accountName: String(r.account_name),
    stage: r.stage as Stage,
    amount: num(r.amount),
    closeDate: r.close_date,
    ownerId: String(r.owner_id),
    ownerName: String(r.owner_name),
    probability: num(r.probability),
    forecastCategory: String(r.forecast_category),
    type: r.type as DealType,
    ...("next_step" in r && { nextStep: r.next_step == null ? null : String(r.next_step) }),
    ...("last_activity_at" in r && {
      lastActivityAt: r.last_activity_at == null ? null : String(r.last_activity_at),
    }),
    ...("stage_entered_at" in r && {
      stageEnteredAt: r.stage_entered_at == null ? null : String(r.stage_entered_at),
    }),
  };
}

function ownerFilter(w: Where, owner?: string): Where {
  if (owner?.trim()) {
    const o = owner.trim().toLowerCase();
    w.add("(lower(u.id) = ? OR lower(u.name) = ? OR lower(u.email) = ?)", o, o, o);
  }
  return w;
}

/** Sales port over the sandbox tables. */
export class SandboxCrm {
  constructor(private readonly db: SqlDb) {}

  /** Deals, newest close date first (keyset cursor on close date + id). */
  listDeals(q: DealQuery = {}): Promise<Page<DealRow>> {
    const w = ownerFilter(new Where(), q.owner)
      .opt("d.stage", "=", q.stage)
      .opt("d.account_id", "=", q.accountId)
      .opt("d.type", "=", q.type)
      .opt("d.amount", ">=", q.minAmount)
      .range("d.close_date", q.closeFrom, q.closeTo);
    if (q.status === "open") w.add(OPEN);
    else if (q.status === "won") w.add("d.stage = 'closed_won'");
    else if (q.status === "lost") w.add("d.stage = 'closed_lost'");
    return keysetPage<DealDbRow, DealRow>(this.db, {
      tag: "deals",
      select: DEAL_LIST_SELECT,
      from: DEAL_FROM,
      // the joins are 1:1 on foreign keys, so only the owner filter (on u) needs them for the total
      countFrom: q.owner?.trim() ? undefined : "FROM sb_deals d",
      where: w,
      sortColumn: "d.close_date",
      idColumn: "d.id",
      sortKey: "close_date",
      idKey: "id",
      cursor: q.cursor,
      limit: q.limit,
      map: toDeal,
    });
  }

  /** Every deal (open and closed) with close date in [from, to], by close date. */
  dealsClosingBetween(from: string, to: string, owner?: string): Promise<DealRow[]> {
    return listWhileUnchanged(this.db, `closing|${from}|${to}|${owner ?? ""}`, async () => {
      const w = ownerFilter(new Where(), owner).range("d.close_date", from, to);
      const rows = await this.db.query<DealDbRow>(
        `SELECT ${DEAL_SELECT} ${DEAL_FROM} ${w.sql()} ORDER BY d.close_date, d.id`,
        w.params,
      );
      return rows.map(toDeal);
    });
  }

  async dealStageHistory(dealIds: string[]): Promise<StageChange[]> {
    const out: StageChange[] = [];
    for (const ids of chunks([...new Set(dealIds)])) {
      const w = new Where().in("deal_id", ids);
      const rows = await this.db.query<Record<string, string | null>>(
        `SELECT deal_id, from_stage, to_stage, changed_at FROM sb_deal_stage_history ${w.sql()}
         ORDER BY deal_id, changed_at, id`,
        w.params,
      );
      for (const r of rows) {
        out.push({
          dealId: String(r.deal_id),
          fromStage: (r.from_stage ?? null) as Stage | null,
          toStage: r.to_stage as Stage,
          changedAt: String(r.changed_at),
        });
      }
    }
    return out;
  }

  /**
   * What `dealsClosingBetween` and `dealStageHistory` of its closed deals add up to for a forecast, counted in SQL:
   * the closed deals (won or lost) closing in [from, to] and, per open stage, those that reached it (a stage
   * history row, or the deal's own stage) and those won.
   */
  async stageReach(from: string, to: string, owner?: string): Promise<StageReach> {
    const w = ownerFilter(new Where(), owner)
      .range("d.close_date", from, to)
      .add("d.stage IN ('closed_won', 'closed_lost')");
    // one pass over the stage history pivoted per deal: hash-joined on PostgreSQL, read in index order on SQLite
    const pivot = OPEN_STAGES.map((st, i) => `MAX(CASE WHEN to_stage = '${st}' THEN 1 ELSE 0 END) AS s${i}`);
    const reached = OPEN_STAGES.map(
      (st, i) => `CASE WHEN d.stage = '${st}' OR h.s${i} = 1 THEN 1 ELSE 0 END AS s${i}`,
    );
    const rows = await this.db.query<Record<string, unknown>>(
      `SELECT r.won, COUNT(*) AS deals, ${OPEN_STAGES.map((_, i) => `SUM(r.s${i}) AS s${i}`).join(", ")}
       FROM (SELECT CASE WHEN d.stage = 'closed_won' THEN 1 ELSE 0 END AS won, ${reached.join(", ")}
         ${DEAL_FROM}
         LEFT JOIN (SELECT deal_id, ${pivot.join(", ")} FROM sb_deal_stage_history GROUP BY deal_id) h
           ON h.deal_id = d.id
         ${w.sql()}) r
       GROUP BY r.won`,
      w.params,
    );
    const stages: StageReach["stages"] = {};
    OPEN_STAGES.forEach((stage, i) => {
      let sum = 0;
      let won = 0;
      for (const r of rows) {
        sum += num(r[`s${i}`]);
        if (num(r.won) === 1) won += num(r[`s${i}`]);
      }
      if (sum > 0) stages[stage] = { reached: sum, won };
    });
    return { closed: rows.reduce((t, r) => t + num(r.deals), 0), stages };
  }

  /** Closed deals closing in [from, to] by close month, type, amount band and stage reached (see `ConversionCell`). */
  conversionHistory(from: string, to: string, owner?: string): Promise<ConversionCell[]> {
    return listWhileUnchanged(this.db, `conversion|${from}|${to}|${owner ?? ""}`, () =>
      conversionCells(this.db, from, to, ownerFilter(new Where(), owner)),
    );
  }

  /** Each point's window as its pipeline stood at the point, from the stage history (see `SnapshotCell`). */
  pipelineSnapshots(points: readonly SnapshotPoint[], owner?: string): Promise<SnapshotCell[]> {
    return listWhileUnchanged(this.db, `snapshots|${JSON.stringify(points)}|${owner ?? ""}`, () =>
      snapshotCells(this.db, points, ownerFilter(new Where(), owner)),
    );
  }

  async getAccount(id: string): Promise<AccountDetail | undefined> {
    const a = await this.db.one<Record<string, unknown>>(
      `SELECT a.*, u.name AS owner_name FROM sb_accounts a JOIN sb_users u ON u.id = a.owner_id WHERE a.id = ?`,
      [id],
    );
    if (!a) return undefined;
    const [count, top, deals, acts, sub] = await Promise.all([
      this.db.one<{ n: number }>("SELECT COUNT(*) AS n FROM sb_contacts WHERE account_id = ?", [id]),
      this.db.query<{ id: string; name: string; title: string; email: string }>(
        "SELECT id, name, title, email FROM sb_contacts WHERE account_id = ? ORDER BY seniority, name, id LIMIT 5",
        [id],
      ),
      this.db.query<DealDbRow>(
        `SELECT ${DEAL_LIST_SELECT} ${DEAL_FROM} WHERE d.account_id = ? AND ${OPEN} ORDER BY d.close_date, d.id`,
        [id],
      ),
      this.db.query<{ id: string; type: string; subject: string; occurred_at: string; body: string }>(
        `SELECT id, type, subject, occurred_at, body FROM sb_activities WHERE account_id = ?
         ORDER BY occurred_at DESC, id DESC LIMIT 10`,
        [id],
      ),
      this.db.one<Record<string, unknown>>(
        `SELECT plan, seats, arr, renewal_date, status FROM sb_subscriptions WHERE account_id = ?
         ORDER BY CASE WHEN status = 'active' THEN 0 ELSE 1 END, renewal_date DESC LIMIT 1`,
        [id],
      ),
    ]);
    const detail: AccountDetail = {
      id: String(a.id),
      name: String(a.name),
      domain: String(a.domain),
      industry: String(a.industry),
      sizeBand: String(a.size_band),
      employees: num(a.employees),
      region: String(a.region),
      country: String(a.country),
      ownerId: String(a.owner_id),
      ownerName: String(a.owner_name),
      arr: num(a.arr),
      lifecycle: String(a.lifecycle),
      contacts: { total: num(count?.n), top },
      openDeals: deals.map(toDeal),
      recentActivities: acts.map((r) => ({
        id: r.id,
        type: r.type,
        subject: r.subject,
        occurredAt: r.occurred_at,
        body: r.body,
      })),
    };
    if (sub) {
      detail.subscription = {
        plan: String(sub.plan),
        seats: num(sub.seats),
        arr: num(sub.arr),
        renewalDate: String(sub.renewal_date),
        status: String(sub.status),
      };
    }
    return detail;
  }

  searchAccounts(prefix: string, limit: number): Promise<{ id: string; name: string }[]> {
    return searchByName(this.db, "sb_accounts", prefix, limit);
  }

  identityAccounts(): Promise<IdentityAccount[]> {
    return this.db.query("SELECT id, name, domain FROM sb_accounts ORDER BY id");
  }

  /** Accounts sharing a three-letter piece of `name` and matching the exact filters (see crm-accounts). */
  accountCandidates(q: AccountQuery): Promise<AccountCandidates> {
    return sandboxAccountCandidates(this.db, q);
  }

  /** Open deals with their risk inputs and the company's typical stage times (see crm-risk). */
  openDealRisks(q: RiskQuery = {}): Promise<RiskInputs> {
    return sandboxRiskInputs(this.db, q);
  }

  /** Contacts that may match `q` (loosely; contacts_search ranks them). */
  contactCandidates(q: ContactQuery): Promise<ContactCandidates> {
    return sandboxContactCandidates(this.db, q);
  }

  /** The contact with this email, fresh from the tables. */
  contactByEmail(email: string): Promise<ContactDetail | undefined> {
    return sandboxContactByEmail(this.db, email);
  }

  /** Creates or updates the contact with this email (see `sandboxUpsertContact`). */
  upsertContact(
    email: string,
    f: ContactFields,
    origin: WriteOrigin,
    expected?: ContactFields | null,
  ): Promise<ContactWrite> {
    return sandboxUpsertContact(this.db, email, f, origin, expected);
  }

  /** Every lead with its touch counts and outcome, oldest first (what lead_score learns from). */
  leadFacts(): Promise<LeadFacts[]> {
    return sandboxLeadFacts(this.db);
  }

  /** The lead as stored now (never stale: a plan's "before" comes from here). */
  getLead(id: string): Promise<LeadDetail | undefined> {
    return sandboxLead(this.db, id);
  }

  /** Changes a lead's status, owner, score or rating (see `sandboxUpdateLead`). */
  updateLead(
    id: string,
    changes: LeadChanges,
    origin: WriteOrigin,
    expected?: LeadChanges,
  ): Promise<LeadWrite | undefined> {
    return sandboxUpdateLead(this.db, id, changes, origin, expected);
  }

  /** Converts a lead into account, contact and deal in one transaction, once per key (see `sandboxConvertLead`). */
  convertLead(leadId: string, conv: LeadConversion, origin: WriteOrigin): Promise<ConversionWrite> {
    return sandboxConvertLead(
      this.db,
      (tx, n, o) => new SandboxCrm(tx).createDeal(n, o),
      leadId,
      conv,
      origin,
    );
  }

  listOwners(): Promise<Owner[]> {
    return this.db.query<Owner>("SELECT id, name, email, region FROM sb_users ORDER BY id");
  }

  /** None: the sandbox's quotas live in sb_quotas, read as configured quotas. */
  async quotaPeriods(_from: string, _to: string): Promise<CrmQuotas> {
    return { periods: [], unavailable: SANDBOX_QUOTAS_NOTE, caveats: [] };
  }

  /** One deal as stored now (the sandbox is its own system of record: never stale). */
  async getDeal(id: string, db: SqlDb = this.db): Promise<DealDetail | undefined> {
    const r = await db.one<DealDbRow>(`SELECT ${DEAL_SELECT}, d.next_step ${DEAL_FROM} WHERE d.id = ?`, [id]);
    return r ? { ...toDeal(r), nextStep: r.next_step == null ? null : String(r.next_step) } : undefined;
  }

  /** Deals won or lost with a close date in [from, to], with segment, lead source and where a loss happened. */
  closedDeals(from: string, to: string): Promise<ClosedDeal[]> {
    return sandboxClosedDeals(this.db, from, to);
  }

  /** Deals the period [from, to] touched, with their stage history and journalled field changes. */
  dealTimelines(from: string, to: string): Promise<DealTimelines> {
    return sandboxDealTimelines(this.db, from, to);
  }

  /** Contacts and reps known by these email addresses. */
  people(emails: string[]): Promise<KnownPerson[]> {
    return sandboxPeople(this.db, emails);
  }

  /** A meeting's notes, tasks and next step on the deal, once per idempotency key. */
  logMeeting(log: MeetingLog, origin: WriteOrigin): Promise<MeetingLogWrite | undefined> {
    return sandboxLogMeeting(this.db, log, origin);
  }

  /** The deal as a list row (stage entered, newest activity) with its history, `activities` newest and contacts. */
  async dealRecord(id: string, activities: number): Promise<DealRecord | undefined> {
    const r = await this.db.one<DealDbRow>(`SELECT ${DEAL_LIST_SELECT} ${DEAL_FROM} WHERE d.id = ?`, [id]);
    if (!r) return undefined;
    const deal = toDeal(r) as DealDetail;
    return { deal, ...(await sandboxDealExtras(this.db, id, activities)) };
  }

  /** A task for a rep in sb_tasks, once per idempotency key (the CRM's task object on a vendor). */
  async createTask(
    t: NewTask,
    origin: WriteOrigin,
  ): Promise<{ system: string; id: string; task: TaskRow; recovered: boolean }> {
    if (!origin.idempotencyKey) throw new Error("A task create needs the confirmed plan's idempotency key.");
    const { task, recovered } = await new SandboxTasks(this.db).createTask(t, {
      ...origin,
      idempotencyKey: origin.idempotencyKey,
    });
    return { system: "sandbox", id: task.id, task, recovered };
  }

  /**
   * Creates a deal in one transaction with its opening stage-history row, every field journalled. Its id derives from
   * the idempotency key, so the same confirmed plan run twice finds the deal instead of making a second one.
   * RangeError "account_id: …" / "owner: …" for an unknown account or rep.
   */
  /** Records by ids or filter with their bulk-editable fields (see `sandboxSelectRecords`). */
  selectRecords(type: RecordType, sel: RecordSelection, limit: number): Promise<RecordRow[]> {
    return sandboxSelectRecords(this.db, type, sel, limit);
  }

  /** Sets the fields on every id in one transaction, once per plan key (deals through `updateDeal`, journalled). */
  updateRecords(type: BulkType, ids: string[], f: RecordFields, origin: WriteOrigin): Promise<RecordsWrite> {
    if (type === "contact") return sandboxUpdateContacts(this.db, ids, f, origin);
    const key = keyOf(origin);
    const changes: DealChanges = {
      ...(f.owner !== undefined && { ownerId: f.owner }),
      ...(f.stage !== undefined && { stage: f.stage }),
      ...(f.next_step !== undefined && { nextStep: f.next_step }),
    };
    return this.db.transaction(async (tx) => {
      const done = await landedCount(tx, key);
      if (done > 0) return { system: "sandbox", count: done, recovered: true };
      const crm = new SandboxCrm(tx);
      for (const id of ids) await crm.updateDeal(id, changes, origin);
      return { system: "sandbox", count: await landedCount(tx, key), recovered: false };
    });
  }

  /** Moves the records into the sandbox's recycle bin once per plan key (see `sandboxDeleteRecords`). */
  deleteRecords(type: RecordType, ids: string[], origin: WriteOrigin): Promise<RecordsWrite> {
    return sandboxDeleteRecords(this.db, type, ids, origin);
  }

  createDeal(n: NewDeal, origin: WriteOrigin): Promise<DealWrite> {
    const id = origin.idempotencyKey
      ? `deal_${createHash("sha256").update(origin.idempotencyKey).digest("hex").slice(0, 20)}`
      : `deal_${randomUUID()}`;
    return this.db.transaction(async (tx) => {
      const existing = await this.getDeal(id, tx);
      if (existing) return { system: "sandbox", id, deal: existing, recovered: true };
      if (!(await tx.one("SELECT id FROM sb_accounts WHERE id = ?", [n.accountId])))
        throw new RangeError(`account_id: no account ${n.accountId}.`);
      if (!(await tx.one("SELECT id FROM sb_users WHERE id = ?", [n.ownerId])))
        throw new RangeError(`owner: no sales rep ${n.ownerId}.`);
      const now = await sandboxNow(tx);
      const probability = STAGE_PROBABILITY[n.stage];
      await tx.run(
        `INSERT INTO sb_deals (id, name, account_id, owner_id, stage, amount, probability, close_date, created_date, type,
           forecast_category, next_step, last_activity_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)`,
        [
          id,
          n.name,
          n.accountId,
          n.ownerId,
          n.stage,
          n.amount,
          probability,
          n.closeDate,
          now.slice(0, 10),
          n.type,
          stageCategory(n.stage),
        ],
      );
      await tx.run(
        "INSERT INTO sb_deal_stage_history (id, deal_id, from_stage, to_stage, changed_at) VALUES (?, ?, NULL, ?, ?)",
        [`dsh_${randomUUID()}`, id, n.stage, now],
      );
      const fields: [string, unknown][] = [
        ["name", n.name],
        ["account_id", n.accountId],
        ["owner", n.ownerId],
        ["stage", n.stage],
        ["amount", n.amount],
        ["close_date", n.closeDate],
        ["type", n.type],
      ];
      await journalChanges(
        tx,
        fields.map(([field, after]) => ({ entity: "deal", recordId: id, field, before: null, after })),
        origin,
      );
      const deal = await this.getDeal(id, tx);
      if (!deal) throw new Error(`deal ${id} vanished inside its own transaction`);
      return { system: "sandbox", id, deal };
    });
  }

  /**
   * Changes a deal in one transaction: the row is locked (PostgreSQL FOR UPDATE; SQLite serialises writers) and
   * re-read inside it, so two concurrent writers never lose an update. Probability and forecast category follow
   * the stage, a stage change is appended to the stage history, and every changed field is journalled.
   * Undefined when there is no such deal; throws RangeError for an unknown owner.
   */
  updateDeal(
    id: string,
    changes: DealChanges,
    origin: WriteOrigin,
    expected: DealChanges = {},
  ): Promise<DealWrite | undefined> {
    return this.db.transaction(async (tx) => {
      const lock = tx.dialect === "postgres" ? " FOR UPDATE" : "";
      const cur = await tx.one<Record<string, unknown>>(
        `SELECT stage, amount, close_date, next_step, owner_id, probability, forecast_category FROM sb_deals WHERE id = ?${lock}`,
        [id],
      );
      if (!cur) return undefined;
      // the confirmed plan's "before" must still hold under the lock, or nothing is written
      const stale = FIELD_COLUMNS.filter(([key, column]) => {
        const want = expected[key];
        if (want === undefined) return false;
        const now = column === "amount" ? num(cur[column]) : (cur[column] ?? null);
        return now !== want;
      }).map(
        ([key, column]) =>
          `${key} is now ${JSON.stringify(cur[column] ?? null)}, the plan said ${JSON.stringify(expected[key])}`,
      );
      if (stale.length > 0)
        throw new RangeError(`conflict: deal ${id} changed meanwhile (${stale.join("; ")}).`);
      const next: Record<string, unknown> = {};
      for (const [key, column] of FIELD_COLUMNS) {
        const v = changes[key];
        if (v === undefined) continue;
        const before = column === "amount" ? num(cur[column]) : (cur[column] ?? null);
        if (before !== v) next[column] = v;
      }
      if (next.owner_id !== undefined) {
        const user = await tx.one("SELECT id FROM sb_users WHERE id = ?", [next.owner_id]);
        if (!user) throw new RangeError(`owner: no sales rep ${String(next.owner_id)}.`);
      }
      const stage = next.stage as Stage | undefined;
      if (stage) {
        const probability = STAGE_PROBABILITY[stage];
        const category = stageCategory(stage);
        if (num(cur.probability) !== probability) next.probability = probability;
        if (cur.forecast_category !== category) next.forecast_category = category;
      }
      const columns = Object.keys(next);
      if (columns.length > 0) {
        await tx.run(`UPDATE sb_deals SET ${columns.map((c) => `${c} = ?`).join(", ")} WHERE id = ?`, [
          ...columns.map((c) => next[c]),
          id,
        ]);
        if (stage) {
          await tx.run(
            "INSERT INTO sb_deal_stage_history (id, deal_id, from_stage, to_stage, changed_at) VALUES (?, ?, ?, ?, ?)",
            [`dsh_${randomUUID()}`, id, cur.stage, stage, await sandboxNow(tx)],
          );
        }
        await journalChanges(
          tx,
          columns.map((c) => ({
            entity: "deal",
            recordId: id,
            field: JOURNAL_FIELD[c] ?? c,
            before: c === "amount" || c === "probability" ? num(cur[c]) : (cur[c] ?? null),
            after: next[c],
          })),
          origin,
        );
      }
      const deal = await this.getDeal(id, tx);
      return deal && { system: "sandbox", id, deal };
    });
  }
}
