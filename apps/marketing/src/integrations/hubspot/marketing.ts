import {
  type ContactFilter,
  HUBSPOT_BATCH,
  type HubSpotCampaign,
  type HubSpotMarketingConnector,
} from "@revops/connectors";
import { FreshnessTracker, type WithFreshness } from "@revops/connectors/freshness";
import type { CampaignQuery, Page, SystemCompany } from "@revops/model";
import { decodeCursor, encodeCursor, pageLimit } from "@revops/sandbox";
import type {
  CampaignFields,
  CampaignOutcome,
  CampaignRecord,
  CampaignSaveResult,
  ContactList,
  FunnelCell,
  FunnelLeadDates,
  HandoffRecord,
  HandoffResult,
  LeadAssignment,
  LeadFunnel,
  ListContact,
  ListMembersResult,
  MarketingCampaignRow,
  MarketingCampaignStats,
  MarketingPort,
  PendingMqls,
  SalesOwner,
  SegmentPreview,
  SegmentRules,
  TouchPaths,
  WriteOrigin,
} from "../../ports";
import { HUBSPOT_CAMPAIGN_LIMITS, HubSpotCampaigns } from "./campaigns";
import { hubspotCompanies } from "./companies";
import { translated } from "./errors";
import { HUBSPOT_HANDOFF_NOTE, HubSpotHandoff } from "./handoff";
import { HubSpotListMembers } from "./lists";
import {
  campaignChannel,
  campaignStatus,
  endOfDay,
  funnelStage,
  LEAD_STAGES,
  leadSource,
  money,
} from "./mapping";
import { HUBSPOT_SEGMENT_NOTE, HubSpotSegments } from "./segments";

const VENDOR = "HubSpot";
/** Bounds on one call: campaigns read, and HubSpot's own ceiling on a search (10,000 results). */
export const MAX_CAMPAIGNS = 1000;
export const MAX_LEADS = 10_000;
const MAX_ATTRIBUTED = 10_000;
/** Campaigns whose reports are read at once: keeps a burst inside HubSpot's 100 requests / 10 s. */
const REPORT_CONCURRENCY = 4;
/** Single touch, like the sandbox's source campaign: the campaign that brought the contact in. */
const ATTRIBUTION = "FIRST_INTERACTION";
const LEAD_PROPS = ["hs_analytics_source", "lifecyclestage", "createdate"];
/** The date HubSpot stamps on a contact when it enters each lifecycle stage. */
const STAGE_DATE_PROPS = {
  mql: "hs_lifecyclestage_marketingqualifiedlead_date",
  sql: "hs_lifecyclestage_salesqualifiedlead_date",
  opportunity: "hs_lifecyclestage_opportunity_date",
} as const;
export const HUBSPOT_FUNNEL_NOTE =
  "HubSpot stamps a lifecycle stage date only when a contact enters that stage: contacts that skipped a stage are left out of its time. Won = an associated deal closed won, dated by its close date, its revenue counted once for its earliest lead; opportunity falls back to the first associated deal's creation.";
const DEAL_PROPS = ["amount", "dealstage", "createdate", "closedate", "hs_is_closed", "hs_is_closed_won"];
/** What HubSpot's campaign reports cannot say, for the attribution tools' caveats. */
export const HUBSPOT_PATH_NOTE =
  "HubSpot reports which campaigns influenced a contact, not when: touches are ordered first-touch campaign first, then by campaign start; the lookback only drops campaigns that started after the deal was created; time_decay and w_shaped fall back to positions.";

export const HUBSPOT_OUTCOME_NOTE =
  "HubSpot: opportunities and pipeline are its first-interaction campaign revenue report (deals lost are not in it), and it records no lead-to-deal dates, so the timeline uses no lag.";

type Lead = {
  source: string;
  stage: ReturnType<typeof funnelStage>;
  id: string;
  properties: Record<string, string | null | undefined>;
};
type SourceRow = Awaited<ReturnType<MarketingPort["leadsBySource"]>>[number];

export function chunks<T>(items: readonly T[], size = HUBSPOT_BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Latest start first, then the larger id: the sandbox's order for campaigns_list. */
function latestFirst(a: MarketingCampaignRow, b: MarketingCampaignRow): number {
  if (a.startDate !== b.startDate) return a.startDate < b.startDate ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** MarketingPort over HubSpot: Marketing Campaigns v3 for campaigns, contacts and deals for the lead funnel. */
export class HubSpotMarketing implements MarketingPort {
  private readonly members: HubSpotListMembers;
  private readonly handoff: HubSpotHandoff;
  private readonly segments: HubSpotSegments;
  private readonly campaignRecords: HubSpotCampaigns;
  readonly campaignWriteLimits = HUBSPOT_CAMPAIGN_LIMITS;
  readonly segmentNote = HUBSPOT_SEGMENT_NOTE;
  readonly handoffNote = HUBSPOT_HANDOFF_NOTE;
  readonly vendorAttribution = {
    model: ATTRIBUTION,
    note: "Pipeline and revenue are HubSpot's own first-interaction campaign revenue report, whatever the model (HubSpot's touch history is not readable through its API); the attribution tool rebuilds paths from campaign contacts and can differ.",
  };

  constructor(
    readonly hs: HubSpotMarketingConnector,
    private readonly today: () => Promise<string>,
  ) {
    this.members = new HubSpotListMembers(hs.lists);
    this.handoff = new HubSpotHandoff(hs);
    this.segments = new HubSpotSegments(hs);
    this.campaignRecords = new HubSpotCampaigns(hs, today);
  }

  /** HubSpot's companies for the suite's identity graph beside a Salesforce CRM. */
  identityCompanies(): Promise<SystemCompany[]> {
    return translated(() => hubspotCompanies(this.hs));
  }

  getCampaign(id: string): Promise<CampaignRecord | undefined> {
    return translated(() => this.campaignRecords.getCampaign(id));
  }

  campaignOwner(id: string): Promise<{ id: string; name: string } | undefined> {
    return translated(() => this.campaignRecords.campaignOwner(id));
  }

  saveCampaign(
    change: { id?: string; fields: CampaignFields },
    origin: WriteOrigin,
  ): Promise<CampaignSaveResult> {
    return translated(() => this.campaignRecords.saveCampaign(change, origin));
  }

  segmentPreview(rules: SegmentRules, opts: { sample: number; cap: number }): Promise<SegmentPreview> {
    return translated(() => this.segments.segmentPreview(rules, opts));
  }

  /** HubSpot takes no idempotency key here: the list is looked up by name first instead. */
  createStaticList(name: string, _origin: WriteOrigin): Promise<{ list: ContactList; created: boolean }> {
    return translated(() => this.segments.createStaticList(name));
  }

  pendingMqls(q: { limit: number; mqlBefore: string }): Promise<PendingMqls> {
    return translated(() => this.handoff.pendingMqls(q));
  }

  salesOwners(): Promise<SalesOwner[]> {
    return translated(() => this.handoff.salesOwners());
  }

  handoffHistory(since: string): Promise<HandoffRecord[]> {
    return translated(() => this.handoff.handoffHistory(since));
  }

  /** HubSpot takes no idempotency key here: each lead is read fresh before its write instead. */
  handOffLeads(assignments: LeadAssignment[], _origin: WriteOrigin): Promise<HandoffResult> {
    return translated(() => this.handoff.handOffLeads(assignments));
  }

  getList(id: string): Promise<ContactList | undefined> {
    return translated(() => this.members.getList(id));
  }

  findContacts(refs: string[]): Promise<ListContact[]> {
    return translated(() => this.members.findContacts(refs));
  }

  listMembership(listId: string, contactIds: string[]): Promise<string[]> {
    return translated(() => this.members.listMembership(listId, contactIds));
  }

  /** HubSpot takes no idempotency key here: the write is looked up after an ambiguous failure instead. */
  updateListMembers(
    listId: string,
    change: { add: string[]; remove: string[] },
    _origin: WriteOrigin,
  ): Promise<ListMembersResult> {
    return translated(() => this.members.updateListMembers(listId, change));
  }

  /** HubSpot's first-interaction campaign report stands in for sourced leads and deals (open and won only). */
  campaignOutcomes(): Promise<WithFreshness<{ campaigns: CampaignOutcome[]; notes: string[] }>> {
    return translated(async () => {
      const t = new FreshnessTracker(VENDOR);
      const today = await this.today();
      const campaigns = await this.campaigns(t);
      const stats = await mapLimit(campaigns, REPORT_CONCURRENCY, (c) => this.statsOf(c, today, t));
      const rows = campaigns.map((c, i) => {
        const s = stats[i] as MarketingCampaignStats;
        return {
          ...this.toRow(c, today),
          leads: s.leads,
          opportunities: s.dealsInfluenced,
          pipeline: s.pipeline,
          leadToOpportunityDays: [],
        };
      });
      return t.mark({
        campaigns: rows.sort((a, b) =>
          a.startDate !== b.startDate ? (a.startDate < b.startDate ? -1 : 1) : a.id < b.id ? -1 : 1,
        ),
        notes: [HUBSPOT_OUTCOME_NOTE],
      });
    });
  }

  listCampaigns(q: CampaignQuery = {}): Promise<WithFreshness<Page<MarketingCampaignRow>>> {
    return translated(async () => {
      const t = new FreshnessTracker(VENDOR);
      const today = await this.today();
      const rows = (await this.campaigns(t))
        .map((c) => this.toRow(c, today))
        .filter((c) => (!q.status || c.status === q.status) && (!q.channel || c.channel === q.channel))
        .sort(latestFirst);
      const n = pageLimit(q.limit);
      let start = 0;
      if (q.cursor) {
        const [date, id] = decodeCursor("campaigns", q.cursor).map(String);
        const after = rows.findIndex(
          (c) => c.startDate < String(date) || (c.startDate === date && c.id < String(id)),
        );
        start = after === -1 ? rows.length : after;
      }
      const page = rows.slice(start, start + n);
      const last = page[page.length - 1];
      return t.mark({
        rows: page,
        total: rows.length,
        nextCursor:
          start + n < rows.length && last ? encodeCursor("campaigns", [last.startDate, last.id]) : null,
      });
    });
  }

  /** Budget and spend from the campaign, leads and MQLs from its first-touch contacts, pipeline and revenue from HubSpot's first-interaction revenue report. */
  campaignStats(ids?: string[]): Promise<WithFreshness<MarketingCampaignStats[]>> {
    return translated(async () => {
      const t = new FreshnessTracker(VENDOR);
      const today = await this.today();
      const wanted = ids ? new Set(ids) : undefined;
      const campaigns = (await this.campaigns(t)).filter((c) => !wanted || wanted.has(c.id));
      const stats = await mapLimit(campaigns, REPORT_CONCURRENCY, (c) => this.statsOf(c, today, t));
      return t.mark(stats.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
    });
  }

  /** Contacts created in [from, to] at a lead stage or beyond, by original source; won revenue from their closed-won deals. */
  leadsBySource(q: { from?: string; to?: string } = {}): Promise<WithFreshness<SourceRow[]>> {
    return translated(async () => {
      const t = new FreshnessTracker(VENDOR);
      const leads = await this.leads(q, t);
      const won = await this.wonDealsOf(
        leads.filter((l) => l.stage.converted).map((l) => l.id),
        t,
      );
      const bySource = new Map<string, SourceRow & { deals: Set<string> }>();
      for (const l of leads) {
        const row = bySource.get(l.source) ?? {
          source: l.source,
          leads: 0,
          mqls: 0,
          sqls: 0,
          converted: 0,
          wonRevenue: 0,
          deals: new Set<string>(),
        };
        row.leads++;
        if (l.stage.mql) row.mqls++;
        if (l.stage.sql) row.sqls++;
        if (l.stage.converted) row.converted++;
        // a deal shared by two leads of one source counts once for it
        for (const d of won.byContact.get(l.id) ?? []) row.deals.add(d);
        bySource.set(l.source, row);
      }
      const rows = [...bySource.values()].map(({ deals, ...r }) => ({
        ...r,
        wonRevenue: [...deals].reduce((sum, d) => sum + (won.amounts.get(d) ?? 0), 0),
      }));
      return t.mark(rows.sort((a, b) => b.leads - a.leads || a.source.localeCompare(b.source)));
    });
  }

  /**
   * The funnel from contacts in lead lifecycle stages created in [from, to]: counts from lifecyclestage,
   * stage dates from hs_lifecyclestage_*_date, won from associated closed-won deals.
   */
  leadFunnel(q: { from?: string; to?: string } = {}): Promise<WithFreshness<LeadFunnel>> {
    return translated(async () => {
      const t = new FreshnessTracker(VENDOR);
      const leads = await this.leads(q, t, [...LEAD_PROPS, ...Object.values(STAGE_DATE_PROPS)]);
      const deals = await this.dealsOf(
        leads.map((l) => l.id),
        t,
      );
      // a won deal's revenue counts once, for the earliest-created of its leads
      const creditedTo = new Map<string, string>();
      const byCreation = [...leads].sort(
        (a, b) =>
          String(a.properties.createdate ?? "").localeCompare(String(b.properties.createdate ?? "")) ||
          a.id.localeCompare(b.id),
      );
      for (const l of byCreation)
        for (const d of deals.byContact.get(l.id) ?? [])
          if (deals.byId.get(d)?.won && !creditedTo.has(d)) creditedTo.set(d, l.id);
      const cells = new Map<string, FunnelCell>();
      const dated: FunnelLeadDates[] = [];
      const first = (xs: string[]) => xs.filter(Boolean).sort()[0] ?? null;
      for (const l of leads) {
        const createdAt = String(l.properties.createdate ?? "");
        const month = createdAt.slice(0, 7);
        const key = `${month}|${l.source}`;
        const cell = cells.get(key) ?? {
          month,
          source: l.source,
          leads: 0,
          mqls: 0,
          sqls: 0,
          opportunities: 0,
          won: 0,
          wonRevenue: 0,
        };
        const mine = (deals.byContact.get(l.id) ?? []).map((id) => deals.byId.get(id)).filter((d) => !!d);
        const won = mine.filter((d) => d.won);
        cell.leads++;
        if (l.stage.mql) cell.mqls++;
        if (l.stage.sql) cell.sqls++;
        if (l.stage.converted) cell.opportunities++;
        if (won.length > 0) cell.won++;
        for (const d of won) if (creditedTo.get(d.id) === l.id) cell.wonRevenue += d.amount;
        cells.set(key, cell);
        const at = (p: string) => {
          const v = l.properties[p];
          return v ? String(v) : null;
        };
        const row: FunnelLeadDates = {
          month,
          source: l.source,
          createdAt,
          mqlAt: at(STAGE_DATE_PROPS.mql),
          sqlAt: at(STAGE_DATE_PROPS.sql),
          opportunityAt: at(STAGE_DATE_PROPS.opportunity) ?? first(mine.map((d) => d.createdAt)),
          wonAt: first(won.map((d) => d.closedAt)),
        };
        if (row.mqlAt || row.sqlAt || row.opportunityAt || row.wonAt) dated.push(row);
      }
      const out = [...cells.values()].sort(
        (a, b) => a.month.localeCompare(b.month) || a.source.localeCompare(b.source),
      );
      return t.mark({
        cells: out,
        dated,
        datedStages: ["mql", "sql", "opportunity", "won"],
        notes: [HUBSPOT_FUNNEL_NOTE],
      } satisfies LeadFunnel);
    });
  }

  /** Campaigns whose name starts with the prefix (HubSpot's name filter matches anywhere, so it is checked again). */
  searchCampaigns(prefix: string, limit: number): Promise<{ id: string; name: string }[]> {
    return translated(async () => {
      const n = Math.min(100, Math.max(1, Math.floor(Number.isFinite(limit) ? limit : 10)));
      const p = prefix.toLowerCase();
      return (await this.campaigns(new FreshnessTracker(VENDOR), prefix || undefined))
        .map((c) => ({ id: c.id, name: String(c.properties.hs_name ?? "") }))
        .filter((c) => c.name.toLowerCase().startsWith(p))
        .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()) || a.id.localeCompare(b.id))
        .slice(0, n);
    });
  }

  /**
   * Deal paths from what HubSpot exposes: each live campaign's first-touch and influenced contacts, their deals
   * (associations), and the contacts' creation as the lead's. Touch times are not exposed (see HUBSPOT_PATH_NOTE).
   */
  touchPaths(): Promise<WithFreshness<TouchPaths>> {
    return translated(async () => {
      const t = new FreshnessTracker(VENDOR);
      const today = await this.today();
      const rows = (await this.campaigns(t)).map((c) => this.toRow(c, today));
      const start = new Map(rows.map((r) => [r.id, r.startDate]));
      const live = rows.filter((r) => r.startDate && r.startDate <= today);
      const reached = await mapLimit(live, REPORT_CONCURRENCY, async (c) => {
        const range = { startDate: c.startDate, endDate: today };
        return {
          id: c.id,
          first: await this.attributedContacts(c.id, c.name, "contactFirstTouch", range, t),
          influenced: await this.attributedContacts(c.id, c.name, "influencedContacts", range, t),
        };
      });
      // campaigns per contact; a contact's source is its first-touch campaign (the earliest start if several)
      const touched = new Map<string, Set<string>>();
      const source = new Map<string, string>();
      const earlier = (a: string, b: string) =>
        (start.get(a) ?? "") < (start.get(b) ?? "") || (start.get(a) === start.get(b) && a < b);
      for (const r of reached) {
        for (const contact of [...r.first, ...r.influenced]) {
          const set = touched.get(contact) ?? new Set<string>();
          set.add(r.id);
          touched.set(contact, set);
        }
        for (const contact of r.first) {
          const had = source.get(contact);
          if (!had || earlier(r.id, had)) source.set(contact, r.id);
        }
      }
      const contactIds = [...touched.keys()].sort();
      const dealsOf = new Map<string, string[]>();
      const created = new Map<string, string>();
      for (const ids of chunks(contactIds)) {
        const assoc = t.take(await this.hs.associatedIds("contacts", "deals", ids));
        for (const [contact, deals] of Object.entries(assoc)) dealsOf.set(contact, deals);
        for (const c of t.take(await this.hs.batchRead("contacts", ids, ["createdate"])))
          created.set(c.id, String(c.properties.createdate ?? ""));
      }
      const contactsOf = new Map<string, string[]>();
      for (const [contact, deals] of dealsOf)
        for (const d of deals) contactsOf.set(d, [...(contactsOf.get(d) ?? []), contact]);
      const deals: TouchPaths["deals"] = [];
      for (const ids of chunks([...contactsOf.keys()].sort())) {
        for (const d of t.take(await this.hs.batchRead("deals", ids, DEAL_PROPS))) {
          const p = d.properties;
          const createdDate = String(p.createdate ?? "").slice(0, 10);
          // the contact created first is taken as the lead that converted
          const lead = [...(contactsOf.get(d.id) ?? [])].sort(
            (a, b) => (created.get(a) ?? "").localeCompare(created.get(b) ?? "") || a.localeCompare(b),
          )[0];
          const sourceCampaignId = (lead && source.get(lead)) ?? null;
          const campaigns = new Set<string>();
          for (const c of contactsOf.get(d.id) ?? [])
            for (const id of touched.get(c) ?? []) campaigns.add(id);
          const ordered = [...campaigns]
            .filter((id) => !createdDate || (start.get(id) ?? "") <= createdDate)
            .sort((a, b) =>
              a === sourceCampaignId ? -1 : b === sourceCampaignId ? 1 : earlier(a, b) ? -1 : 1,
            );
          const won = p.hs_is_closed_won === "true";
          deals.push({
            dealId: d.id,
            amount: Math.round(money(p.amount)),
            stage: String(p.dealstage ?? ""),
            won,
            lost: p.hs_is_closed === "true" && !won,
            createdDate,
            closeDate: String(p.closedate ?? "").slice(0, 10),
            leadCreatedAt: (lead && created.get(lead)) || null,
            sourceCampaignId,
            touches: ordered.map((id) => ({
              campaignId: id,
              type: id === sourceCampaignId ? "first_touch" : "influenced",
              at: null,
            })),
          });
        }
      }
      return t.mark({
        campaigns: rows.map((r) => ({
          id: r.id,
          name: r.name,
          channel: r.channel,
          startDate: r.startDate,
          spend: r.spend,
        })),
        deals: deals.sort((a, b) => (a.dealId < b.dealId ? -1 : a.dealId > b.dealId ? 1 : 0)),
        notes: [HUBSPOT_PATH_NOTE],
      });
    });
  }

  /** Every page of a campaign's contact report, up to MAX_ATTRIBUTED (then marked partial). */
  private async attributedContacts(
    id: string,
    name: string,
    type: "contactFirstTouch" | "influencedContacts",
    range: { startDate: string; endDate: string },
    t: FreshnessTracker,
  ): Promise<string[]> {
    const out: string[] = [];
    let after: string | undefined;
    do {
      const page = t.take(
        await this.hs.campaignContacts(id, type, { ...range, ...(after ? { after } : {}) }),
      );
      out.push(...page.results);
      after = page.nextCursor;
    } while (after && out.length < MAX_ATTRIBUTED);
    if (after)
      t.partial(
        `Campaign ${name} has more than ${MAX_ATTRIBUTED.toLocaleString("en-US")} ${type === "influencedContacts" ? "influenced" : "first-touch"} contacts; its attribution counts those only.`,
      );
    return out;
  }

  private async campaigns(t: FreshnessTracker, name?: string): Promise<HubSpotCampaign[]> {
    const out: HubSpotCampaign[] = [];
    let after: string | undefined;
    do {
      const page = t.take(
        await this.hs.listCampaigns({
          limit: 100,
          sort: "hs_name",
          ...(after ? { after } : {}),
          ...(name ? { name } : {}),
        }),
      );
      out.push(...page.results);
      after = page.nextCursor;
    } while (after && out.length < MAX_CAMPAIGNS);
    if (after || out.length > MAX_CAMPAIGNS) {
      t.partial(
        `HubSpot has more than ${MAX_CAMPAIGNS.toLocaleString("en-US")} campaigns; only the first by name were read.`,
      );
    }
    return out.slice(0, MAX_CAMPAIGNS);
  }

  private toRow(c: HubSpotCampaign, today: string): MarketingCampaignRow {
    const p = c.properties;
    const name = String(p.hs_name ?? "");
    const startDate = String(p.hs_start_date ?? "") || c.createdAt.slice(0, 10);
    const endDate = String(p.hs_end_date ?? "");
    return {
      id: c.id,
      name,
      channel: campaignChannel(name),
      status: campaignStatus(p.hs_campaign_status, startDate, endDate, today),
      startDate,
      endDate,
      budget: money(p.hs_budget_items_sum_amount),
      spend: money(p.hs_spend_items_sum_amount),
    };
  }

  private async statsOf(
    c: HubSpotCampaign,
    today: string,
    t: FreshnessTracker,
  ): Promise<MarketingCampaignStats> {
    const row = this.toRow(c, today);
    const base = { id: c.id, name: row.name, channel: row.channel, budget: row.budget, spend: row.spend };
    // nothing to attribute before the start, and HubSpot refuses a range that ends before it begins
    if (row.startDate > today)
      return { ...base, leads: 0, mqls: 0, dealsInfluenced: 0, pipeline: 0, revenue: 0 };
    // from the campaign's start to today: contacts it brought in after its end date still count
    const range = { startDate: row.startDate, endDate: today };
    const revenue = t.take(await this.hs.campaignRevenue(c.id, ATTRIBUTION, range));
    const contactIds: string[] = [];
    let after: string | undefined;
    do {
      const page = t.take(
        await this.hs.campaignContacts(c.id, "contactFirstTouch", { ...range, ...(after ? { after } : {}) }),
      );
      contactIds.push(...page.results);
      after = page.nextCursor;
    } while (after && contactIds.length < MAX_ATTRIBUTED);
    if (after) {
      t.partial(
        `Campaign ${row.name} has more than ${MAX_ATTRIBUTED.toLocaleString("en-US")} first-touch contacts; its leads and MQLs count those only.`,
      );
    }
    let mqls = 0;
    for (const ids of chunks(contactIds)) {
      const contacts = t.take(await this.hs.batchRead("contacts", ids, ["lifecyclestage"]));
      mqls += contacts.filter((x) => funnelStage(x.properties.lifecyclestage).mql).length;
    }
    return {
      ...base,
      leads: contactIds.length,
      mqls,
      dealsInfluenced: revenue.dealsNumber,
      pipeline: revenue.dealAmount,
      revenue: revenue.revenueAmount,
    };
  }

  /** Contacts at a lead stage or past it, created within the dates, oldest first (lead history reads them too). */
  async leads(
    q: { from?: string; to?: string },
    t: FreshnessTracker,
    properties: string[] = LEAD_PROPS,
  ): Promise<Lead[]> {
    const filters: ContactFilter[] = [
      { property: "lifecyclestage", operator: "IN", values: [...LEAD_STAGES] },
    ];
    if (q.from) filters.push({ property: "createdate", operator: "GTE", value: q.from });
    if (q.to) filters.push({ property: "createdate", operator: "LTE", value: endOfDay(q.to) });
    const out: Lead[] = [];
    let after: string | undefined;
    do {
      const page = t.take(
        await this.hs.searchContacts({
          filters,
          properties,
          limit: 200,
          ...(after ? { after } : {}),
        }),
      );
      for (const c of page.results) {
        out.push({
          id: c.id,
          source: leadSource(c.properties.hs_analytics_source),
          stage: funnelStage(c.properties.lifecyclestage),
          properties: c.properties,
        });
      }
      after = page.nextCursor;
    } while (after && out.length < MAX_LEADS);
    if (after || out.length > MAX_LEADS) {
      t.partial(
        `HubSpot has more than ${MAX_LEADS.toLocaleString("en-US")} leads in this period; the funnel counts those only — narrow the dates.`,
      );
    }
    return out.slice(0, MAX_LEADS);
  }

  /** Every deal of the given contacts, with its amount, creation and (when won) close date. */
  private async dealsOf(contactIds: string[], t: FreshnessTracker) {
    const byContact = new Map<string, string[]>();
    for (const ids of chunks(contactIds)) {
      const assoc = t.take(await this.hs.associatedIds("contacts", "deals", ids));
      for (const [contact, deals] of Object.entries(assoc)) byContact.set(contact, deals);
    }
    const byId = new Map<
      string,
      { id: string; amount: number; won: boolean; createdAt: string; closedAt: string }
    >();
    for (const ids of chunks([...new Set([...byContact.values()].flat())])) {
      for (const d of t.take(await this.hs.batchRead("deals", ids, DEAL_PROPS))) {
        const p = d.properties;
        byId.set(d.id, {
          id: d.id,
          amount: money(p.amount),
          won: p.hs_is_closed_won === "true",
          createdAt: String(p.createdate ?? ""),
          closedAt: String(p.closedate ?? ""),
        });
      }
    }
    return { byContact, byId };
  }

  /** Closed-won deals of the given contacts: contact → deal associations, then the deals in batches. */
  private async wonDealsOf(contactIds: string[], t: FreshnessTracker) {
    const byContact = new Map<string, string[]>();
    for (const ids of chunks(contactIds)) {
      const assoc = t.take(await this.hs.associatedIds("contacts", "deals", ids));
      for (const [contact, deals] of Object.entries(assoc)) byContact.set(contact, deals);
    }
    const amounts = new Map<string, number>();
    const dealIds = [...new Set([...byContact.values()].flat())];
    for (const ids of chunks(dealIds)) {
      const deals = t.take(await this.hs.batchRead("deals", ids, ["amount", "hs_is_closed_won"]));
      for (const d of deals)
        if (d.properties.hs_is_closed_won === "true") amounts.set(d.id, money(d.properties.amount));
    }
    for (const [contact, deals] of byContact)
      byContact.set(
        contact,
        deals.filter((d) => amounts.has(d)),
      );
    return { byContact, amounts };
  }
}
