import { toolsFor } from "@revops/kit";
import type {
  AccountSignals,
  CsatStats,
  CustomerBookRow,
  CustomerChanges,
  FeatureUse,
  HealthWeightsVersion,
  KbArticle,
  KeyedOrigin,
  MessageChannel,
  MessageContact,
  NewDeal,
  NewTask,
  NewTicket,
  NewTouchpoint,
  NpsResponseRow,
  OnboardingPort,
  OutboundMessage,
  Page,
  RenewalDealRow,
  RenewalHistory,
  RenewalTermFeatures,
  SignalsQuery,
  SizeBand,
  SurveyAnswer,
  SurveyAnswerRecorded,
  SystemCompany,
  SystemPerson,
  TaskRow,
  TermHistory,
  TicketChanges,
  TicketCreateResult,
  TicketDetail,
  TicketFacts,
  TicketQuery,
  TicketRequester,
  TicketRow,
  TicketSearch,
  TicketSearchRow,
  TicketThread,
  WriteOrigin as TicketWriteOrigin,
  TouchpointRow,
} from "@revops/model";
import { TicketWriteError } from "./integrations/sandbox/support";
import type { SurveyLinks } from "./survey/links";

/** One ticket as read fresh for a write, what it may change, and who writes: the sandbox's own shapes. */
export type {
  KbArticle,
  NewTicket,
  TicketChanges,
  TicketCreateResult,
  TicketDetail,
  TicketRequester,
  WriteOrigin as TicketWriteOrigin,
} from "@revops/model";

export interface TicketUpdateResult {
  /** Where it was written ("sandbox", "zendesk"): the audit record names it with the ticket id. */
  system: string;
  ticket: TicketDetail;
  /** The comment's id in the system of record, when one was added. */
  commentId?: string;
  /** True when an interrupted earlier attempt had already applied it (looked up, not written again). */
  recovered: boolean;
}

/** A refused ticket write (closed ticket, unknown id, invalid value), from any provider. */
export { TicketWriteError } from "./integrations/sandbox/support";

export const isTicketWriteError = (err: unknown): err is TicketWriteError => err instanceof TicketWriteError;

/** NPS counts over a range and the newest detractor comments: `nps_summary`'s figures, aggregated at the source. */
export interface NpsStats {
  responses: number;
  /** Scores 9–10. */
  promoters: number;
  passives: number;
  /** Scores 0–6. */
  detractors: number;
  /** Detractor responses with a non-empty comment, newest first, at most `comments` of them. */
  detractorComments: NpsResponseRow[];
}

export interface NpsQuery {
  from?: string;
  to?: string;
  accountId?: string;
  /** How many detractor comments to return. */
  comments: number;
}

/** One yearly term's churn-model features as of a day (from records strictly before it): the sandbox's shape. */
/** Open renewal deals, ticket searches and threads: the sandbox's shapes, which vendor adapters fill too. */
export type {
  FeatureUse,
  RenewalDealRow,
  RenewalTermFeatures,
  SignalsQuery,
  SubscriptionTerm,
  TermHistory,
  TicketFact,
  TicketFacts,
  TicketSearch,
  TicketSearchRow,
  TicketThread,
} from "@revops/model";

/** Past renewals with their features and labels; `note` says where they came from when not the vendors. */
export type ChurnHistory = RenewalHistory & { note?: string };

/** A usage-analytics company's facts: the properties the team keeps on it (plan, seats, last seen…). */
export interface GroupFacts {
  key: string;
  name: string;
  properties: Record<string, string | number | boolean>;
}

/** What the customer-success tools need; the sandbox and vendor adapters (Zendesk, Intercom, Mixpanel) implement it. */
export interface SupportPort {
  /**
   * The help desk's organizations as it keeps them (its own id and spelling, a domain, the CRM id where someone
   * stored it): the suite's identity graph links them to CRM accounts. Vendors only; the sandbox plants its own.
   */
  identityCompanies?(): Promise<SystemCompany[]>;
  /** The usage analytics' companies (Mixpanel group profiles) for the same graph; vendors only. */
  usageCompanies?(): Promise<SystemCompany[]>;
  /** One usage-analytics company's facts (a Mixpanel group profile's configured properties); vendors only. */
  usageGroupFacts?(groupKey: string): Promise<GroupFacts | undefined>;
  /** The messenger's (Intercom's) companies, for the same graph. Vendors only. */
  messengerCompanies?(): Promise<SystemCompany[]>;
  /** The help desk's users (end users), for the graph's person links to CRM contacts. Vendors only. */
  identityPeople?(): Promise<SystemPerson[]>;
  /** The messenger's contacts, for the same person links. Vendors only. */
  messengerPeople?(): Promise<SystemPerson[]>;
  /** Current customers' health signals, today's or (`asOf`) as they stood on a past day. */
  accountSignals(q?: SignalsQuery): Promise<AccountSignals[]>;
  listTickets(q: TicketQuery): Promise<Page<TicketRow>>;
  npsResponses(q: { from?: string; to?: string; accountId?: string }): Promise<NpsResponseRow[]>;
  /** What `npsResponses` over the same range adds up to (vendors compute it from their responses). */
  npsStats(q: NpsQuery): Promise<NpsStats>;
  searchAccounts(prefix: string, limit: number): Promise<{ id: string; name: string }[]>;
  /** Fresh from the system of record, never a cached copy; undefined when there is no such ticket. */
  getTicket(id: string): Promise<TicketDetail | undefined>;
  /** Applies the changes and the comment once; a closed ticket is refused with TicketWriteError "closed". */
  updateTicket(id: string, changes: TicketChanges, origin: TicketWriteOrigin): Promise<TicketUpdateResult>;
  /** Fresh: the account's contact with this email, or without one its primary contact; undefined when none. */
  ticketRequester(accountId: string, email?: string): Promise<TicketRequester | undefined>;
  /** Opens a ticket with its first comment, once per idempotency key (a retry finds it). */
  createTicket(t: NewTicket, origin: TicketWriteOrigin): Promise<TicketCreateResult>;
  /** Help Center search: articles with every word of the query, best first, at most `limit`, and how many matched. */
  searchArticles(q: { query: string; limit: number }): Promise<{ rows: KbArticle[]; total: number }>;
  /** Every published article (kb_gaps compares them with ticket topics). */
  articles(): Promise<KbArticle[]>;
  /** Every term that came up for renewal (renewed / cancelled) with features as of `leadDays` before it. */
  renewalHistory(): Promise<ChurnHistory>;
  /** Current customers' terms with a renewal ahead (on or before `until`), with the same features as of today. */
  upcomingRenewals(q?: { until?: string }): Promise<RenewalTermFeatures[]>;
  /** Open renewal deals in the CRM (stage, forecast category), optionally of some accounts. */
  renewalDeals(accountIds?: string[]): Promise<RenewalDealRow[]>;
  /** Tickets by text (subject and comments), status, priority, tag, account and requester, newest first. */
  searchTickets(q: TicketSearch): Promise<Page<TicketSearchRow>>;
  /** One ticket with its comments, oldest first; undefined when there is no such ticket. */
  ticketThread(id: string): Promise<TicketThread | undefined>;
  /** The account book's subscription terms in force at some point of [from, to] (ARR bridge, cohorts). */
  subscriptionTerms(q: { from: string; to: string }): Promise<TermHistory>;
  /** Current customers' product events and key-feature uses over the last 30 days. */
  featureUse(): Promise<FeatureUse[]>;
  /** Tickets created in [from, to] with first-reply and resolution minutes, and the unsolved backlog now. */
  ticketFacts(q: { from: string; to: string }): Promise<TicketFacts>;
}

export type {
  CsmLoad,
  NewTask,
  NewTouchpoint,
  OnboardingPlan,
  OnboardingPort,
  TaskRow,
  TouchpointChannel,
  TouchpointRow,
  WonDeal,
} from "@revops/model";
export { SandboxTaskError as TaskWriteError, TOUCHPOINT_CHANNELS } from "@revops/sandbox";
export { OnboardingWriteError } from "./integrations/sandbox/onboarding";

/** Tasks and touchpoints of save plays and logged conversations (our database: no help desk holds them). */
export interface TaskStore {
  createTask(t: NewTask, origin: KeyedOrigin): Promise<{ task: TaskRow; recovered: boolean }>;
  logTouchpoint(
    t: NewTouchpoint,
    origin: KeyedOrigin,
  ): Promise<{ touchpoint: TouchpointRow; recovered: boolean }>;
  openTasks(q?: { accountIds?: readonly string[]; sourcePrefix?: string }): Promise<TaskRow[]>;
  /** An account's touchpoints, newest day first. */
  touchpoints(accountId: string): Promise<TouchpointRow[]>;
}

/** The customer-success book: region, lifecycle, CSM and tags per account, and bulk changes to them (our database). */
export interface CustomerBook {
  /** Every account's row, or those named. */
  rows(accountIds?: readonly string[]): Promise<CustomerBookRow[]>;
  csms(): Promise<{ id: string; name: string }[]>;
  /** Applies the change to every named account once per idempotency key; the count of accounts changed. */
  apply(accountIds: readonly string[], ch: CustomerChanges, origin: KeyedOrigin): Promise<number>;
  /** The count an earlier apply under this key changed, if it landed. */
  landed(idempotencyKey: string): Promise<number | undefined>;
}
/** Versions of the health score's weights (our database: one definition every tool and the suite read). */
export interface HealthModelStore {
  /** Every version, the defaults as version 1. */
  versions(defaults: Record<string, number>): Promise<HealthWeightsVersion[]>;
  /** The next version, once per idempotency key; RangeError "conflict: …" when `expectedVersion` is stale. */
  save(
    weights: Record<string, number>,
    note: string | null,
    expectedVersion: number,
    origin: KeyedOrigin,
  ): Promise<{ version: number; recovered: boolean }>;
}

/**
 * Where upsell deals are created: the sales server's CRM port in the suite (Salesforce, HubSpot or the sandbox),
 * the sandbox CRM when customer success runs alone. Its `createDeal` is the one `deal_create` uses.
 */
export interface DealCrm {
  source: string;
  getAccount(
    id: string,
  ): Promise<{ id: string; name: string; ownerId: string; ownerName: string } | undefined>;
  createDeal(
    deal: NewDeal,
    origin: TicketWriteOrigin,
  ): Promise<{
    system: string;
    id: string;
    deal: { name: string; amount: number; stage: string; closeDate: string; ownerName: string };
    recovered?: boolean;
  }>;
}

export type {
  CsatStats,
  MessageChannel,
  MessageContact,
  OutboundMessage,
  SurveyAnswer,
  SurveyAnswerRecorded,
  SurveyType,
} from "@revops/model";

/**
 * Where survey answer links go: our page (`/survey/<signed token>`, served by this server or the suite over HTTP),
 * the customer's own (CS_SURVEY_URL, query links), or the sandbox's placeholder when nothing is delivered.
 */
export type AnswerPage =
  | { kind: "ours"; base: string }
  | { kind: "customer"; url: string }
  | { kind: "placeholder"; url: string };

/** A send as delivered and logged: where, its id there, and whether this call made it. */
export interface MessageSent {
  system: string;
  id: string;
  /** False when an earlier attempt under the same key had sent it: nothing was sent again. */
  created: boolean;
  recipients: number;
}

/** Customer messages and surveys: contacts from the account book, delivery by SendGrid, Intercom or the sandbox. */
export interface MessagingPort {
  defaultChannel: MessageChannel;
  /** Where a channel delivers ("sandbox", "sendgrid", "intercom"); throws a user error when it cannot. */
  systemOf(channel: MessageChannel): string;
  /** Where survey answer links point; undefined when real email has no page customers can reach. */
  answerPage(): AnswerPage | undefined;
  surveyLinks(): Promise<SurveyLinks>;
  /** Days a signed survey link stays valid after its send. */
  surveyLinkDays: number;
  /** An answer from our page: the first per survey and contact stands (`recorded: false` for a second). */
  recordAnswer(a: SurveyAnswer, origin: TicketWriteOrigin): Promise<SurveyAnswerRecorded>;
  /** CSAT survey answers in [from, to] (our database, whichever system delivered the survey). */
  csatStats(q: { from: string; to: string }): Promise<CsatStats>;
  /** Now on the messaging clock: the sandbox's, or the vendors' (live). */
  now(): Promise<string>;
  contactsByEmail(emails: readonly string[]): Promise<MessageContact[]>;
  customerContacts(q: { accountIds?: readonly string[]; sizeBand?: SizeBand }): Promise<MessageContact[]>;
  /** Contacts surveyed at or after `since`, with the time. */
  surveyedSince(since: string): Promise<Map<string, string>>;
  /** Addresses the delivering system itself refuses (its suppressions and unsubscribes). */
  suppressed(channel: MessageChannel, emails: readonly string[]): Promise<string[]>;
  /** The id a send under this idempotency key gets (survey links carry it before it is sent). */
  idOf(idempotencyKey: string): string;
  /** Delivers and logs the send once per idempotency key (a retry finds it). */
  send(m: OutboundMessage, origin: TicketWriteOrigin & { idempotencyKey: string }): Promise<MessageSent>;
}

export interface CsPorts {
  support: SupportPort;
  book: CustomerBook;
  healthModel: HealthModelStore;
  crm: DealCrm;
  /** Customer messages and surveys (messaging toolset). */
  messages: MessagingPort;
  tasks: TaskStore;
  /** Onboarding plans: always our database (no vendor holds them), whatever serves support. */
  onboarding: OnboardingPort;
  today: () => Promise<string>;
  source: string;
  /** The ports of a named connection (`ZENDESK_API_TOKEN__EU`…); none = these. */
  using: (connection?: string) => Promise<CsPorts>;
}

export const csTool = toolsFor<CsPorts>();
