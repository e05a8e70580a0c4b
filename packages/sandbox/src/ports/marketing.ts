import type { SqlDb } from "@revops/store";
import type { Page } from "../cursor.js";
import { keysetPage, num, searchByName, Where } from "./sql.js";

export type CampaignChannel = "email" | "paid_search" | "paid_social" | "webinar" | "event" | "content";
export type CampaignStatus = "planned" | "active" | "completed";
export type LeadSource =
  | "organic"
  | "paid_search"
  | "paid_social"
  | "webinar"
  | "referral"
  | "event"
  | "outbound"
  | "partner";

export interface CampaignRow {
  id: string;
  name: string;
  channel: CampaignChannel;
  status: CampaignStatus;
  startDate: string;
  endDate: string;
  budget: number;
  spend: number;
}

export interface CampaignQuery {
  status?: CampaignStatus;
  channel?: CampaignChannel;
  cursor?: string;
  limit?: number;
}

export interface CampaignStats {
  id: string;
  name: string;
  channel: CampaignChannel;
  budget: number;
  spend: number;
  /** All touches (impressions, clicks, opens, registrations, attendance). */
  touches: number;
  clicks: number;
  /** Leads sourced by the campaign (lead.campaign_id). */
  leads: number;
  /** Sourced leads that reached MQL (status mql, sql or converted). */
  mqls: number;
  /** Distinct deals converted from leads the campaign sourced or touched. */
  dealsInfluenced: number;
  /** Sum of open + won amounts of those deals. */
  pipeline: number;
  /** Sum of won amounts of those deals. */
  revenue: number;
}

export interface LeadSourceStats {
  source: LeadSource;
  leads: number;
  mqls: number;
  sqls: number;
  converted: number;
  wonRevenue: number;
}

export interface MarketingPort {
  listCampaigns(q: CampaignQuery): Promise<Page<CampaignRow>>;
  campaignStats(ids?: string[]): Promise<CampaignStats[]>;
  leadsBySource(q: { from?: string; to?: string }): Promise<LeadSourceStats[]>;
  searchCampaigns(prefix: string, limit: number): Promise<{ id: string; name: string }[]>;
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
export class SandboxMarketing implements MarketingPort {
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

  searchCampaigns(prefix: string, limit: number): Promise<{ id: string; name: string }[]> {
    return searchByName(this.db, "sb_campaigns", prefix, limit);
  }
}
