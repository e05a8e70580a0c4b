import type {
  CampaignChannel,
  CampaignFields,
  CampaignOutcome,
  CampaignQuery,
  CampaignRecord,
  CampaignRow,
  CampaignSaveResult,
  CampaignStats,
  CampaignStatus,
  ContactList,
  HandoffRecord,
  HandoffResult,
  LeadAssignment,
  LeadFunnel,
  ListContact,
  ListMembersResult,
  Page,
  PendingMqls,
  SalesOwner,
  SegmentPreview,
  SegmentRules,
  TouchPaths,
  WriteOrigin,
} from "@revops/model";
import {
  journalChanges,
  keysetPage,
  sqlNumber as num,
  sandboxNow,
  searchByName,
  SqlWhere as Where,
} from "@revops/sandbox";
import type { SqlDb } from "@revops/store";
import { sandboxTouchPaths } from "./attribution-paths";
import { sandboxCampaign, sandboxCampaignOwner, sandboxSaveCampaign } from "./campaign-record";
import { sandboxLeadFunnel } from "./funnel-leads";
import {
  SANDBOX_HANDOFF_NOTE,
  sandboxHandOffLeads,
  sandboxHandoffHistory,
  sandboxPendingMqls,
  sandboxSalesOwners,
} from "./lead-handoff";
import { SANDBOX_SEGMENT_NOTE, sandboxCreateStaticList, sandboxSegmentPreview } from "./segments";

export type LeadSource =
  | "organic"
  | "paid_search"
  | "paid_social"
  | "webinar"
  | "referral"
  | "event"
  | "outbound"
  | "partner";

export interface LeadSourceStats {
  source: LeadSource;
  leads: number;
  mqls: number;
  sqls: number;
  converted: number;
  wonRevenue: number;
}

/** Thrown by list writes the list's kind does not allow (dynamic lists are maintained by their filters). */
export class ListNotEditableError extends Error {
  constructor(readonly listId: string) {
    super(`List ${listId} is dynamic: its filters decide its members, so they cannot be added or removed.`);
    this.name = "ListNotEditableError";
  }
}

const inList = (n: number) => Array.from({ length: n }, () => "?").join(", ");

function chunksOf<T>(items: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

type CampaignDbRow = Record<string, unknown> & { id: string; start_date: string };

function toCampaign(r: CampaignDbRow): CampaignRow {
  return {
    id: r.id,
    name: String(r.name),
    channel: r.channel as CampaignChannel,
    status: r.status as CampaignStatus,
    startDate: r.start_date,
    endDate: String(r.end_date),
    budget: num(r.budget),
    spend: num(r.spend),
  };
}

const STATS_SQL = `
SELECT c.id, c.name, c.channel, c.budget, c.spend,
  COALESCE(t.touches, 0) AS touches, COALESCE(t.clicks, 0) AS clicks,
  COALESCE(l.leads, 0) AS leads, COALESCE(l.mqls, 0) AS mqls,
  COALESCE(i.deals, 0) AS deals, COALESCE(i.pipeline, 0) AS pipeline, COALESCE(i.revenue, 0) AS revenue
FROM sb_campaigns c
LEFT JOIN (
  SELECT campaign_id, COUNT(*) AS touches, SUM(CASE WHEN touch_type = 'click' THEN 1 ELSE 0 END) AS clicks
  FROM sb_campaign_touches GROUP BY campaign_id
) t ON t.campaign_id = c.id
LEFT JOIN (
  SELECT campaign_id, COUNT(*) AS leads,
    SUM(CASE WHEN status IN ('mql', 'sql', 'converted') THEN 1 ELSE 0 END) AS mqls
  FROM sb_leads WHERE campaign_id IS NOT NULL GROUP BY campaign_id
) l ON l.campaign_id = c.id
LEFT JOIN (
  SELECT x.campaign_id, COUNT(*) AS deals,
    SUM(CASE WHEN d.stage <> 'closed_lost' THEN d.amount ELSE 0 END) AS pipeline,
    SUM(CASE WHEN d.stage = 'closed_won' THEN d.amount ELSE 0 END) AS revenue
  FROM (
    SELECT campaign_id, converted_deal_id AS deal_id FROM sb_leads
    WHERE campaign_id IS NOT NULL AND converted_deal_id IS NOT NULL
    UNION
    SELECT tc.campaign_id, ld.converted_deal_id AS deal_id FROM sb_campaign_touches tc
    JOIN sb_leads ld ON ld.id = tc.lead_id WHERE ld.converted_deal_id IS NOT NULL
  ) x JOIN sb_deals d ON d.id = x.deal_id
  GROUP BY x.campaign_id
) i ON i.campaign_id = c.id`;

/** Marketing port over the sandbox tables. */
export class SandboxMarketing {
  constructor(private readonly db: SqlDb) {}

  /** Campaigns, latest start date first. */
  listCampaigns(q: CampaignQuery = {}): Promise<Page<CampaignRow>> {
    const w = new Where().opt("c.status", "=", q.status).opt("c.channel", "=", q.channel);
    return keysetPage<CampaignDbRow, CampaignRow>(this.db, {
      tag: "campaigns",
      select: "c.id, c.name, c.channel, c.status, c.start_date, c.end_date, c.budget, c.spend",
      from: "FROM sb_campaigns c",
      where: w,
      sortColumn: "c.start_date",
      idColumn: "c.id",
      sortKey: "start_date",
      idKey: "id",
      cursor: q.cursor,
      limit: q.limit,
      map: toCampaign,
    });
  }

  /** Attribution per campaign, computed in SQL from touches, leads and deals (all campaigns when ids is unset). */
  async campaignStats(ids?: string[]): Promise<CampaignStats[]> {
    const w = new Where();
    if (ids) w.in("c.id", ids);
    const rows = await this.db.query<Record<string, unknown>>(
      `${STATS_SQL} ${w.sql()} ORDER BY c.id`,
      w.params,
    );
    return rows.map((r) => ({
      id: String(r.id),
      name: String(r.name),
      channel: r.channel as CampaignChannel,
      budget: num(r.budget),
      spend: num(r.spend),
      touches: num(r.touches),
      clicks: num(r.clicks),
      leads: num(r.leads),
      mqls: num(r.mqls),
      dealsInfluenced: num(r.deals),
      pipeline: num(r.pipeline),
      revenue: num(r.revenue),
    }));
  }

  /** Funnel per lead source for leads created in [from, to]; most leads first. */
  async leadsBySource(q: { from?: string; to?: string } = {}): Promise<LeadSourceStats[]> {
    const w = new Where().range("l.created_at", q.from, q.to);
    const rows = await this.db.query<Record<string, unknown>>(
      `SELECT l.source, COUNT(*) AS leads,
        SUM(CASE WHEN l.status IN ('mql', 'sql', 'converted') THEN 1 ELSE 0 END) AS mqls,
        SUM(CASE WHEN l.status IN ('sql', 'converted') THEN 1 ELSE 0 END) AS sqls,
        SUM(CASE WHEN l.status = 'converted' THEN 1 ELSE 0 END) AS converted,
        SUM(CASE WHEN d.stage = 'closed_won' THEN d.amount ELSE 0 END) AS won_revenue
       FROM sb_leads l LEFT JOIN sb_deals d ON d.id = l.converted_deal_id
       ${w.sql()} GROUP BY l.source ORDER BY COUNT(*) DESC, l.source`,
      w.params,
    );
    return rows.map((r) => ({
      source: r.source as LeadSource,
      leads: num(r.leads),
      mqls: num(r.mqls),
      sqls: num(r.sqls),
      converted: num(r.converted),
      wonRevenue: num(r.won_revenue),
    }));
  }

  leadFunnel(q: { from?: string; to?: string } = {}): Promise<LeadFunnel> {
    return sandboxLeadFunnel(this.db, q);
  }

  searchCampaigns(prefix: string, limit: number): Promise<{ id: string; name: string }[]> {
    return searchByName(this.db, "sb_campaigns", prefix, limit);
  }

  touchPaths(): Promise<TouchPaths> {
    return sandboxTouchPaths(this.db);
  }

  async campaignOutcomes(): Promise<{ campaigns: CampaignOutcome[]; notes: string[] }> {
    const rows = await this.db.query<CampaignDbRow>(
      `SELECT c.id, c.name, c.channel, c.status, c.start_date, c.end_date, c.budget, c.spend,
         COUNT(l.id) AS leads, COUNT(d.id) AS opportunities, COALESCE(SUM(d.amount), 0) AS pipeline
       FROM sb_campaigns c
       LEFT JOIN sb_leads l ON l.campaign_id = c.id
       LEFT JOIN sb_deals d ON d.id = l.converted_deal_id
       GROUP BY c.id, c.name, c.channel, c.status, c.start_date, c.end_date, c.budget, c.spend
       ORDER BY c.start_date, c.id`,
    );
    const lags = await this.db.query<{ campaign_id: string; lead_at: string; deal_at: string }>(
      `SELECT l.campaign_id, l.created_at AS lead_at, d.created_date AS deal_at
       FROM sb_leads l JOIN sb_deals d ON d.id = l.converted_deal_id
       WHERE l.campaign_id IS NOT NULL ORDER BY l.id`,
    );
    const days = new Map<string, number[]>();
    for (const r of lags) {
      const gap = Math.round(
        (Date.parse(String(r.deal_at).slice(0, 10)) - Date.parse(String(r.lead_at).slice(0, 10))) /
          86_400_000,
      );
      days.set(r.campaign_id, [...(days.get(r.campaign_id) ?? []), gap]);
    }
    return {
      campaigns: rows.map((r) => ({
        ...toCampaign(r),
        leads: num(r.leads),
        opportunities: num(r.opportunities),
        pipeline: num(r.pipeline),
        leadToOpportunityDays: days.get(r.id) ?? [],
      })),
      notes: [],
    };
  }

  async getList(id: string): Promise<ContactList | undefined> {
    const row = await this.db.one<{ id: string; name: string; kind: string; size: number }>(
      `SELECT l.id, l.name, l.kind, (SELECT COUNT(*) FROM sb_list_members m WHERE m.list_id = l.id) AS size
       FROM sb_lists l WHERE l.id = ?`,
      [id],
    );
    if (!row) return undefined;
    return {
      id: row.id,
      name: row.name,
      kind: row.kind === "dynamic" ? "dynamic" : "static",
      size: num(row.size),
    };
  }

  async findContacts(refs: string[]): Promise<ListContact[]> {
    const out = new Map<string, ListContact>();
    for (const part of chunksOf([...new Set(refs.map((r) => r.trim().toLowerCase()))])) {
      const rows = await this.db.query<Record<string, unknown>>(
        `SELECT id, name, email, unsubscribed FROM sb_contacts
         WHERE LOWER(id) IN (${inList(part.length)}) OR LOWER(email) IN (${inList(part.length)})`,
        [...part, ...part],
      );
      for (const r of rows) {
        out.set(String(r.id), {
          id: String(r.id),
          name: String(r.name),
          email: String(r.email),
          unsubscribed: num(r.unsubscribed) === 1,
        });
      }
    }
    return [...out.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async listMembership(listId: string, contactIds: string[]): Promise<string[]> {
    const found: string[] = [];
    for (const part of chunksOf([...new Set(contactIds)])) {
      const rows = await this.db.query<{ contact_id: string }>(
        `SELECT contact_id FROM sb_list_members WHERE list_id = ? AND contact_id IN (${inList(part.length)})`,
        [listId, ...part],
      );
      found.push(...rows.map((r) => String(r.contact_id)));
    }
    return found.sort();
  }

  /** One transaction: each id added or removed at most once, every change journalled with the plan's hash. */
  updateListMembers(
    listId: string,
    change: { add: string[]; remove: string[] },
    origin: WriteOrigin,
  ): Promise<ListMembersResult> {
    return this.db.transaction(async (tx) => {
      const list = await tx.one<{ kind: string }>("SELECT kind FROM sb_lists WHERE id = ?", [listId]);
      if (!list) throw new Error(`There is no list ${listId}.`);
      if (list.kind === "dynamic") throw new ListNotEditableError(listId);
      const addedAt = await sandboxNow(tx);
      const result: ListMembersResult = { added: [], removed: [], ignored: [] };
      const known = new Set(
        (await this.findContactsIn(tx, [...change.add, ...change.remove])).map((c) => c.id),
      );
      for (const id of [...new Set(change.add)]) {
        const n = known.has(id)
          ? await tx.run(
              "INSERT INTO sb_list_members (list_id, contact_id, added_at) VALUES (?, ?, ?) ON CONFLICT (list_id, contact_id) DO NOTHING",
              [listId, id, addedAt],
            )
          : 0;
        (n > 0 ? result.added : result.ignored).push(id);
      }
      for (const id of [...new Set(change.remove)]) {
        const n = await tx.run("DELETE FROM sb_list_members WHERE list_id = ? AND contact_id = ?", [
          listId,
          id,
        ]);
        (n > 0 ? result.removed : result.ignored).push(id);
      }
      await journalChanges(
        tx,
        [
          ...result.added.map((id) => ({
            entity: "list_member",
            recordId: `${listId}/${id}`,
            field: "member",
            before: false,
            after: true,
          })),
          ...result.removed.map((id) => ({
            entity: "list_member",
            recordId: `${listId}/${id}`,
            field: "member",
            before: true,
            after: false,
          })),
        ],
        origin,
      );
      return result;
    });
  }

  pendingMqls(q: { limit: number; mqlBefore: string }): Promise<PendingMqls> {
    return sandboxPendingMqls(this.db, q);
  }

  salesOwners(): Promise<SalesOwner[]> {
    return sandboxSalesOwners(this.db);
  }

  handoffHistory(since: string): Promise<HandoffRecord[]> {
    return sandboxHandoffHistory(this.db, since);
  }

  handOffLeads(assignments: LeadAssignment[], origin: WriteOrigin): Promise<HandoffResult> {
    return sandboxHandOffLeads(this.db, assignments, origin);
  }

  readonly handoffNote = SANDBOX_HANDOFF_NOTE;
  readonly segmentNote = SANDBOX_SEGMENT_NOTE;

  segmentPreview(rules: SegmentRules, opts: { sample: number; cap: number }): Promise<SegmentPreview> {
    return sandboxSegmentPreview(this.db, rules, opts);
  }

  createStaticList(name: string, origin: WriteOrigin): Promise<{ list: ContactList; created: boolean }> {
    return sandboxCreateStaticList(this.db, name, origin);
  }

  getCampaign(id: string): Promise<CampaignRecord | undefined> {
    return sandboxCampaign(this.db, id);
  }

  campaignOwner(id: string): Promise<{ id: string; name: string } | undefined> {
    return sandboxCampaignOwner(this.db, id);
  }

  saveCampaign(
    change: { id?: string; fields: CampaignFields },
    origin: WriteOrigin,
  ): Promise<CampaignSaveResult> {
    return sandboxSaveCampaign(this.db, change, origin);
  }

  private async findContactsIn(db: SqlDb, ids: string[]): Promise<{ id: string }[]> {
    const out: { id: string }[] = [];
    for (const part of chunksOf([...new Set(ids)])) {
      out.push(
        ...(await db.query<{ id: string }>(
          `SELECT id FROM sb_contacts WHERE id IN (${inList(part.length)})`,
          part,
        )),
      );
    }
    return out;
  }
}
