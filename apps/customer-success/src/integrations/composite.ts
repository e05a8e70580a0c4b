import type { Freshness, WithFreshness } from "@revops/connectors/freshness";
import type {
  AccountSignals,
  NpsResponseRow,
  Page,
  SystemCompany,
  SystemPerson,
  TicketQuery,
  TicketRow,
} from "@revops/model";
import type {
  ChurnHistory,
  FeatureUse,
  GroupFacts,
  KbArticle,
  NewTicket,
  NpsQuery,
  NpsStats,
  RenewalDealRow,
  RenewalTermFeatures,
  SignalsQuery,
  SupportPort,
  TermHistory,
  TicketChanges,
  TicketCreateResult,
  TicketDetail,
  TicketFacts,
  TicketRequester,
  TicketSearch,
  TicketSearchRow,
  TicketThread,
  TicketUpdateResult,
  TicketWriteOrigin,
} from "../ports";
import type { RenewalBook } from "./crm/renewal-book";
import type { FeedbackSignals, IntercomFeedback } from "./intercom/feedback";
import type { MixpanelUsage, UsageSignals } from "./mixpanel/usage";
import { npsStatsOf } from "./nps-stats";

export interface CsSources {
  /** Support tickets: Zendesk or the sandbox. */
  tickets: SupportPort;
  /** The account book (ids, names, ARR, seats, renewals, owners), account search, and every signal no vendor serves. */
  book: SupportPort;
  usage?: MixpanelUsage;
  feedback?: IntercomFeedback;
  /** The day vendor windows end on. */
  today: () => Promise<string>;
  /** The churn model's renewals from a connected CRM (CS_CRM); the book's without one. */
  renewals?: RenewalBook;
}

const NO_USAGE: UsageSignals = { usageLast30: 0, usagePrev30: 0, activeUsersLast30: 0 };
const NO_FEEDBACK: FeedbackSignals = {
  ticketsLast90: 0,
  urgentTicketsLast90: 0,
  badCsatLast90: 0,
  npsAvgLast180: null,
  npsResponsesLast180: 0,
};

/** One freshness for an answer built from several vendors: the oldest time, every vendor's note and cap. */
function mergeFreshness(parts: (Freshness | undefined)[]): Freshness | undefined {
  const known = parts.filter((f): f is Freshness => f !== undefined);
  if (known.length === 0) return undefined;
  const fetchedAt = known.flatMap((f) => (f.fetchedAt ? [f.fetchedAt] : [])).sort()[0];
  const partial = known.flatMap((f) => f.partial ?? []);
  return {
    stale: known.some((f) => f.stale),
    ...(fetchedAt ? { fetchedAt } : {}),
    ...(partial.length ? { partial } : {}),
    note: known.map((f) => f.note).join(" "),
  };
}

/**
 * The support port assembled per method: tickets from the ticket source; account signals from the book
 * with Mixpanel's usage and Intercom's support load and ratings laid over them (an account a vendor has
 * no data for gets zeros, which is what it means); NPS from Intercom ratings or the sandbox.
 */
export class CompositeSupport implements SupportPort {
  constructor(private readonly s: CsSources) {}

  listTickets(q: TicketQuery): Promise<Page<TicketRow>> {
    return this.s.tickets.listTickets(q);
  }

  /** The help desk's organizations for the suite's identity graph (none when tickets are the sandbox's). */
  async identityCompanies(): Promise<SystemCompany[]> {
    return (await this.s.tickets.identityCompanies?.()) ?? [];
  }

  /** Mixpanel's group profiles for the identity graph (none without MIXPANEL_DATA_GROUP_ID). */
  async usageCompanies(): Promise<SystemCompany[]> {
    return (await this.s.usage?.groups?.companies()) ?? [];
  }

  /** A Mixpanel group's configured fact properties (none without MIXPANEL_DATA_GROUP_ID). */
  usageGroupFacts(groupKey: string): Promise<GroupFacts | undefined> {
    return this.s.usage?.groups?.facts(groupKey) ?? Promise.resolve(undefined);
  }

  /** The help desk's people for the graph's person links (none when tickets are the sandbox's). */
  async identityPeople(): Promise<SystemPerson[]> {
    return (await this.s.tickets.identityPeople?.()) ?? [];
  }

  /** Intercom's contacts for the same person links (none without Intercom). */
  async messengerPeople(): Promise<SystemPerson[]> {
    return (await this.s.feedback?.identityPeople()) ?? [];
  }

  /** Intercom's companies for the identity graph (none without Intercom). */
  async messengerCompanies(): Promise<SystemCompany[]> {
    return (await this.s.feedback?.identityCompanies()) ?? [];
  }

  searchAccounts(prefix: string, limit: number): Promise<{ id: string; name: string }[]> {
    return this.s.book.searchAccounts(prefix, limit);
  }

  getTicket(id: string): Promise<TicketDetail | undefined> {
    return this.s.tickets.getTicket(id);
  }

  updateTicket(id: string, changes: TicketChanges, origin: TicketWriteOrigin): Promise<TicketUpdateResult> {
    return this.s.tickets.updateTicket(id, changes, origin);
  }

  ticketRequester(accountId: string, email?: string): Promise<TicketRequester | undefined> {
    return this.s.tickets.ticketRequester(accountId, email);
  }

  createTicket(t: NewTicket, origin: TicketWriteOrigin): Promise<TicketCreateResult> {
    return this.s.tickets.createTicket(t, origin);
  }

  /** The Help Center is the help desk's: Zendesk's, or the sandbox's articles. */
  searchArticles(q: { query: string; limit: number }): Promise<{ rows: KbArticle[]; total: number }> {
    return this.s.tickets.searchArticles(q);
  }

  articles(): Promise<KbArticle[]> {
    return this.s.tickets.articles();
  }

  async accountSignals(q?: SignalsQuery): Promise<WithFreshness<AccountSignals[]>> {
    const { usage, feedback } = this.s;
    // vendors serve today's windows only: a past day is the book's alone (health_scores says so)
    if (q?.asOf) return this.s.book.accountSignals(q);
    const today = await this.s.today();
    const [book, u, f] = await Promise.all([
      this.s.book.accountSignals(q),
      usage?.usageByAccount(today),
      feedback?.signalsByAccount(today),
    ]);
    // Mixpanel's usage replaces the book's, monthly actives included: we do not read them from Mixpanel yet
    const vendorUsage = (id: string) => ({
      ...(u?.byAccount[id] ?? NO_USAGE),
      monthlyActiveUsers: null,
      monthlyActivesPerSeat: null,
    });
    const rows = book.map((a) => ({
      ...a,
      ...(u ? vendorUsage(a.accountId) : {}),
      ...(f ? (f.byAccount[a.accountId] ?? NO_FEEDBACK) : {}),
    }));
    const freshness = mergeFreshness([u?.freshness, f?.freshness]);
    return freshness ? Object.assign(rows, { freshness }) : rows;
  }

  npsResponses(q: { from?: string; to?: string; accountId?: string }): Promise<NpsResponseRow[]> {
    return this.s.feedback ? this.s.feedback.npsResponses(q) : this.s.book.npsResponses(q);
  }

  /**
   * From the CRM when one is connected; else the book's (sandbox) history trains the churn model and the book's
   * upcoming renewals are scored on the same features, so both sides match.
   */
  async renewalHistory(): Promise<ChurnHistory> {
    if (this.s.renewals) return this.s.renewals.renewalHistory();
    const history = await this.s.book.renewalHistory();
    const vendors =
      this.s.tickets !== this.s.book || this.s.usage !== undefined || this.s.feedback !== undefined;
    return vendors
      ? {
          ...history,
          note: "No CRM is connected (CS_CRM): the churn model trains on and scores with the account book's (sandbox) renewals, tickets, NPS, usage and activities.",
        }
      : history;
  }

  upcomingRenewals(q?: { until?: string }): Promise<RenewalTermFeatures[]> {
    return (this.s.renewals ?? this.s.book).upcomingRenewals(q);
  }

  /** Renewal deals are the account book's (the CRM), never a help desk's. */
  renewalDeals(accountIds?: string[]): Promise<RenewalDealRow[]> {
    return this.s.book.renewalDeals(accountIds);
  }

  /** Subscriptions are the account book's: no help desk or usage vendor holds contracts. */
  subscriptionTerms(q: { from: string; to: string }): Promise<TermHistory> {
    return this.s.book.subscriptionTerms(q);
  }

  /** Key-feature use is the book's until the Mixpanel adapter reads per-feature events. */
  featureUse(): Promise<FeatureUse[]> {
    return this.s.book.featureUse();
  }

  ticketFacts(q: { from: string; to: string }): Promise<TicketFacts> {
    return this.s.tickets.ticketFacts(q);
  }

  searchTickets(q: TicketSearch): Promise<Page<TicketSearchRow>> {
    return this.s.tickets.searchTickets(q);
  }

  ticketThread(id: string): Promise<TicketThread | undefined> {
    return this.s.tickets.ticketThread(id);
  }

  async npsStats(q: NpsQuery): Promise<WithFreshness<NpsStats>> {
    const { comments, ...range } = q;
    return this.s.feedback
      ? npsStatsOf(await this.s.feedback.npsResponses(range), comments)
      : this.s.book.npsStats(q);
  }
}
