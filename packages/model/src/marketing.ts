export type ContentType = "email" | "blog" | "social" | "webinar";

export type ContentStatus = "idea" | "draft" | "review" | "scheduled" | "published";

/** Spend planned for a campaign by budget_allocate: the suite is the system of record for it. */
export interface BudgetAllocation {
  id: string;
  campaignId: string;
  channel: string;
  /** Whole units of `currency`. */
  amount: number;
  currency: string;
  periodStart: string;
  periodEnd: string;
  note: string | null;
  principal: string;
  createdAt: string;
}

export interface NewAllocation {
  campaignId: string;
  channel: string;
  amount: number;
  currency: string;
  periodStart: string;
  periodEnd: string;
  note?: string;
}

/** One campaign as campaign_get shows it: the row, its owner, touches by type and the assets the source links. */
export interface CampaignRecord extends Omit<CampaignRow, "channel"> {
  channel: string;
  ownerId: string | null;
  ownerName: string | null;
  currency: string;
  /** Touches by type (impression, click, open, registration, attendance…), most first; empty where not recorded. */
  touches: { type: string; count: number }[];
  /** Emails, forms, lists, pages… linked to the campaign, where the source links them. */
  assets: { type: string; id: string; name: string }[];
  /** What the source cannot say about the campaign. */
  notes: string[];
}

/** The fields campaign_save writes; an unset field is left as it is. */
export interface CampaignFields {
  name?: string;
  channel?: string;
  status?: CampaignStatus;
  startDate?: string;
  endDate?: string;
  /** The whole budget after the write (not an increment). */
  budget?: number;
  ownerId?: string;
}

export interface CampaignSaveResult {
  campaign: CampaignRecord;
  created: boolean;
  /** An earlier execution under the same key had already written it. */
  recovered: boolean;
}

/** One content calendar item; the suite is the calendar's system of record. */
export interface ContentItem {
  id: string;
  title: string;
  type: ContentType;
  /** Where it goes out: email, blog, webinar, or the social network. */
  channel: string;
  status: ContentStatus;
  /** YYYY-MM-DD. */
  day: string;
  /** The instant a scheduled post is due, when set. */
  publishAt: string | null;
  owner: string;
  campaignId: string | null;
  /** A social post's text. */
  body: string | null;
  createdAt: string;
  updatedAt: string;
}

export type NewContentItem = Pick<ContentItem, "title" | "type" | "channel" | "status" | "day" | "owner"> &
  Partial<Pick<ContentItem, "publishAt" | "campaignId" | "body">>;

/** What a move changes; unset fields stay. */
export type ContentMove = Partial<Pick<ContentItem, "day" | "status" | "owner" | "publishAt">>;

export type CampaignChannel = "email" | "paid_search" | "paid_social" | "webinar" | "event" | "content";

export type CampaignStatus = "planned" | "active" | "completed";

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

/** One campaign's budget, spend and what its sourced leads became: the history a channel plan learns from. */
export interface CampaignOutcome {
  id: string;
  name: string;
  channel: string;
  status: CampaignStatus;
  startDate: string;
  endDate: string;
  budget: number;
  spend: number;
  /** Leads the campaign sourced (lead.campaign_id). */
  leads: number;
  /** Those leads converted to deals, each deal once, whatever its stage now. */
  opportunities: number;
  /** Amount of those deals when created, won, open or lost: pipeline created. */
  pipeline: number;
  /** Days from each converted lead's creation to its deal's creation. */
  leadToOpportunityDays: number[];
}

/** A contact list: static lists are edited by hand or by tools, dynamic ones only by their filters. */
export interface ContactList {
  id: string;
  name: string;
  kind: "static" | "dynamic";
  size: number;
}

/** A contact as list tools show it; unsubscribed contacts may not be added to lists. */
export interface ListContact {
  id: string;
  name: string;
  email: string;
  unsubscribed: boolean;
}

/** What a membership write did: ids added, ids removed, and ids it ignored (unknown or no change). */
export interface ListMembersResult {
  added: string[];
  removed: string[];
  ignored: string[];
}

/** Contacts' rules: firmographics of their account, campaign and email behaviour, the account's lifecycle. */
export interface SegmentRules {
  industry?: string[];
  /** Size bands: 1-50, 51-200, 201-1000, 1000+. */
  employeeBand?: string[];
  /** NA, EMEA, APAC, LATAM. */
  region?: string[];
  minArr?: number;
  /** customer, prospect, churned. */
  lifecycle?: string[];
  /** Touched by this campaign. */
  campaignId?: string;
  /** Opened or clicked a marketing email since this instant (ISO). */
  engagedSince?: string;
}

/** A segment's size, its subscribed members (at most `cap` ids), contacts per region and a sample. */
export interface SegmentPreview {
  total: number;
  subscribed: number;
  byRegion: { region: string; contacts: number }[];
  sample: ListContact[];
  memberIds: string[];
}
