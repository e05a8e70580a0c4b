import { toolsFor } from "@revops/kit";
import type {
  BudgetAllocation,
  CampaignFields,
  CampaignOutcome,
  CampaignQuery,
  CampaignRecord,
  CampaignRow,
  CampaignSaveResult,
  CampaignStats,
  ContactList,
  ContentItem,
  ContentMove,
  EmailPort,
  FormsPort,
  HandoffRecord,
  HandoffResult,
  LeadAssignment,
  LeadFacts,
  LeadFunnel,
  ListContact,
  ListMembersResult,
  NewAllocation,
  NewContentItem,
  Page,
  PendingMqls,
  SalesOwner,
  SandboxChange,
  SavedLeadScoringModel,
  SegmentPreview,
  SegmentRules,
  SystemCompany,
  TouchPaths,
  WebAnalyticsPort,
  WriteOrigin,
} from "@revops/model";
import type { BrandGuide } from "./domain/brand-guide";
import type { ApprovedClaim, Persona } from "./domain/personas";
import type { FileBackups } from "./integrations/backups";
import type { SqlMarketingSettings } from "./integrations/settings-store";

/** A campaign row; vendors without a channel property report "unspecified". */
export type MarketingCampaignRow = Omit<CampaignRow, "channel"> & { channel: string };
/** Campaign attribution; touches and clicks only where the source records them (the sandbox). */
export type MarketingCampaignStats = Omit<CampaignStats, "channel" | "touches" | "clicks"> & {
  channel: string;
  touches?: number;
  clicks?: number;
};

/**
 * Lists, their contacts, what a membership write did, and who writes; campaigns and converted deals' touch
 * paths for multi-touch attribution: the sandbox's own shapes.
 */
export type {
  AttributionCampaign,
  BudgetAllocation,
  CampaignDraft,
  CampaignFields,
  CampaignOutcome,
  CampaignRecord,
  CampaignSaveResult,
  ContactList,
  DealPath,
  EmailAudience,
  EmailDraft,
  EmailPort,
  EmailRecipient,
  EmailSendRecord,
  EmailSendStats,
  EmailWave,
  FormStats,
  FormsPort,
  FunnelCell,
  FunnelLeadDates,
  FunnelStage,
  HandoffRecord,
  HandoffResult,
  LeadAssignment,
  LeadFunnel,
  ListContact,
  ListMembersResult,
  NewAllocation,
  NewCampaignDraft,
  PathTouch,
  PendingMql,
  PendingMqls,
  SalesOwner,
  SegmentPreview,
  SegmentRules,
  TouchPaths,
  TrafficDimension,
  TrafficReport,
  WebAnalyticsPort,
  WriteOrigin,
} from "@revops/model";

/** What the marketing tools need; the sandbox and vendor adapters (HubSpot, SendGrid) implement it. */
export interface MarketingPort {
  /**
   * Set when the vendor attributes pipeline and revenue to campaigns itself from touch data its API does not
   * expose (HubSpot's campaign revenue report): campaignStats carries those figures and campaign_performance
   * reports them as they are, instead of rebuilding them from touchPaths.
   */
  readonly vendorAttribution?: { model: string; note: string };
  /** The marketing CRM's (HubSpot's) companies for the suite's identity graph. Vendors only. */
  identityCompanies?(): Promise<SystemCompany[]>;
  listCampaigns(q: CampaignQuery): Promise<Page<MarketingCampaignRow>>;
  campaignStats(ids?: string[]): Promise<MarketingCampaignStats[]>;
  leadsBySource(q: {
    from?: string;
    to?: string;
  }): Promise<
    { source: string; leads: number; mqls: number; sqls: number; converted: number; wonRevenue: number }[]
  >;
  /**
   * Leads created in [from, to] by cohort month and source with the stages they reached, and each lead's stage
   * dates where the source records them (`datedStages`); what it cannot measure is said in `notes`.
   */
  leadFunnel(q: { from?: string; to?: string }): Promise<LeadFunnel>;
  searchCampaigns(prefix: string, limit: number): Promise<{ id: string; name: string }[]>;
  /**
   * Every campaign, and every deal converted from a lead with that lead's campaign touches up to the deal's
   * creation, oldest first; what the source cannot provide is said in `notes`, never thrown.
   */
  touchPaths(): Promise<TouchPaths>;
  /**
   * Every campaign with the leads it sourced and the opportunities and pipeline those leads created, for channel
   * economics; what the source cannot measure is said in `notes`.
   */
  campaignOutcomes(): Promise<{ campaigns: CampaignOutcome[]; notes: string[] }>;
  /** The list, read fresh from the system of record (never a cached copy); undefined when there is none. */
  getList(id: string): Promise<ContactList | undefined>;
  /** Contacts by id or email (case-insensitive), read fresh; refs that match nothing are left out. */
  findContacts(refs: string[]): Promise<ListContact[]>;
  /** Which of the given contacts are members of the list now, read fresh. */
  listMembership(listId: string, contactIds: string[]): Promise<string[]>;
  /** Adds and removes members of a static list; each change happens once even when retried. */
  updateListMembers(
    listId: string,
    change: { add: string[]; remove: string[] },
    origin: WriteOrigin,
  ): Promise<ListMembersResult>;
  /** MQLs no sales owner has yet, read fresh, oldest MQL first (at most `limit`); how many in all and before `mqlBefore`. */
  pendingMqls(q: { limit: number; mqlBefore: string }): Promise<PendingMqls>;
  /** Sellers who take new leads, with their territory (team). */
  salesOwners(): Promise<SalesOwner[]>;
  /** Hand-offs made since `since` (ISO): when each lead became MQL and when its owner was set. */
  handoffHistory(since: string): Promise<HandoffRecord[]>;
  /** Sets each lead's sales owner and sales status; a lead owned meanwhile is left as it is (ignored), retries included. */
  handOffLeads(assignments: LeadAssignment[], origin: WriteOrigin): Promise<HandoffResult>;
  /** Contacts matching the rules, read fresh: counts, a sample and subscribed members' ids (at most `cap`). */
  segmentPreview(rules: SegmentRules, opts: { sample: number; cap: number }): Promise<SegmentPreview>;
  /** The static list of this name, created once: a retry finds the first. */
  createStaticList(name: string, origin: WriteOrigin): Promise<{ list: ContactList; created: boolean }>;
  /** How the source reads segment rules, for the caveats. */
  readonly segmentNote?: string;
  /** What the source cannot say about hand-offs, for the caveats. */
  readonly handoffNote?: string;
  /** One campaign read fresh (never a cached copy), with owner, touches and assets; undefined when there is none. */
  getCampaign(id: string): Promise<CampaignRecord | undefined>;
  /** A user who may own campaigns, read fresh. */
  campaignOwner(id: string): Promise<{ id: string; name: string } | undefined>;
  /**
   * Creates (no id) or changes a campaign; `fields.budget` is the whole budget after the write. Happens once per
   * origin.idempotencyKey, looked up after an ambiguous failure; a refused field throws CampaignWriteError.
   */
  saveCampaign(
    change: { id?: string; fields: CampaignFields },
    origin: WriteOrigin,
  ): Promise<CampaignSaveResult>;
  /** Campaign changes the source cannot make, each with the fix (checked before anyone confirms). */
  readonly campaignWriteLimits?: { channel?: string; budgetDecrease?: string };
}

/** Planned spend, kept in the suite's own database whatever the marketing source. */
export interface BudgetPort {
  /** Allocations of the given campaigns (all when unset), oldest first. */
  allocations(campaignIds?: string[]): Promise<BudgetAllocation[]>;
  /** Records one allocation; the same origin.idempotencyKey again returns the first and adds nothing. */
  allocate(
    a: NewAllocation,
    origin: WriteOrigin,
  ): Promise<{ allocation: BudgetAllocation; created: boolean }>;
}

/** The content calendar, kept in the suite's own database whatever the marketing source (its system of record). */
export interface ContentCalendarPort {
  /** Items dated within [from, to] (YYYY-MM-DD, inclusive), by day then id. */
  items(q: { from: string; to: string }): Promise<ContentItem[]>;
  item(id: string): Promise<ContentItem | undefined>;
  /** Adds one item; the same origin.idempotencyKey again returns the first and adds nothing. */
  add(a: NewContentItem, origin: WriteOrigin): Promise<{ item: ContentItem; created: boolean }>;
  /** Changes day, status, owner or time once per origin.idempotencyKey. */
  move(
    id: string,
    change: ContentMove,
    origin: WriteOrigin,
  ): Promise<{ item: ContentItem; changed: boolean }>;
}
export type { ContentItem, ContentMove, NewContentItem } from "@revops/model";
/** Versions of the lead-scoring model in our own store. */
export interface LeadScoringModelStore {
  active(): Promise<SavedLeadScoringModel | undefined>;
  /** The next version, once per idempotency key; RangeError "conflict: …" when `expectedVersion` is stale. */
  save(
    model: Record<string, unknown>,
    changes: Omit<SandboxChange, "entity" | "recordId">[],
    expectedVersion: number,
    origin: WriteOrigin,
  ): Promise<{ version: number; recovered: boolean }>;
}

/** What the lead-scoring model learns from, and its versions in our own store. */
export interface LeadScoringPort {
  /** Every lead with its outcome, oldest first. */
  leads(): Promise<LeadFacts[]>;
  models: LeadScoringModelStore;
  /** How a vendor's leads and outcomes map to the model's (a caveat); none on the sandbox. */
  note?: string;
}

export interface MarketingPorts {
  marketing: MarketingPort;
  /** The deployment's brand guide file (BRAND_GUIDE_FILE over the default); in force: settings.guide(). */
  brandGuide: BrandGuide;
  budgets: BudgetPort;
  /** The content calendar (our database). */
  calendar: ContentCalendarPort;
  /** Buyer personas (PERSONAS_FILE over the defaults). */
  personas: Persona[];
  /** Approved claims with proof: the brand guide's plus APPROVED_CLAIMS_FILE's (brand_check accepts them). */
  claims: ApprovedClaim[];
  /** Single sends: the sandbox's tables, or SendGrid when SENDGRID_API_KEY is set. */
  email: EmailPort;
  /** Website traffic (web toolset): the sandbox's tables, or GA4 when MARKETING_WEB=google. */
  web: WebAnalyticsPort;
  /** Marketing forms (web toolset): the sandbox's, or HubSpot's with MARKETING_SOURCE=hubspot. */
  forms: FormsPort;
  leadScoring: LeadScoringPort;
  /** Settings the server owns (our store over BRAND_GUIDE_FILE): brand_check reads the guide from here. */
  settings: Pick<SqlMarketingSettings, "guide" | "stored" | "update">;
  /** Backups of the server's own tables under REVOPS_DATA_DIR/backups. */
  backups: Pick<FileBackups, "list" | "get" | "counts" | "create" | "restore" | "delete" | "dir">;
  today: () => Promise<string>;
  /** The source's clock as an ISO instant (the sandbox's date with the time of day). */
  now: () => Promise<string>;
  source: string;
  /** The ports of a named connection (`HUBSPOT_ACCESS_TOKEN__EU`…); none = these. */
  using: (connection?: string) => Promise<MarketingPorts>;
}

export const marketingTool = toolsFor<MarketingPorts>();
