import type { IntercomConnector } from "@revops/connectors";
import { FreshnessTracker, type WithFreshness } from "@revops/connectors/freshness";
import { DIRECTORY_TTL_MS, TtlMemo } from "@revops/connectors/memo";
import type { NpsResponseRow, SystemCompany, SystemPerson } from "@revops/model";
import { isVendorError } from "@revops/resilience";
import { addDays, dayStartSeconds } from "../days";
import { isBadRating, npsScoreOf } from "./ratings";

/** What Intercom adds to an account's health signals (the sandbox's support and NPS fields). */
export interface FeedbackSignals {
  /** Conversations started in the last 90 days (today included), the sandbox's tickets. */
  ticketsLast90: number;
  /** Of those, the ones marked priority in the inbox. */
  urgentTicketsLast90: number;
  /** Of those, the ones rated 1 or 2. */
  badCsatLast90: number;
  npsAvgLast180: number | null;
  npsResponsesLast180: number;
}

const VENDOR = "Intercom";
/** Search pages are at most 150 conversations; the cap keeps one tool call bounded (20 requests). */
const PAGE = 150;
export const MAX_CONVERSATIONS = 3000;
/** Company look-ups in flight at once (the connection allows 10). */
const LOOKUPS_AT_ONCE = 5;

type Query = Parameters<IntercomConnector["searchConversations"]>[0];
/** The SDK's conversation model, as the connector returns it (the app does not depend on the SDK). */
type Conversation = Awaited<ReturnType<IntercomConnector["searchConversations"]>>["value"]["results"][number];
type Account = { id: string; name: string };
const NO_ACCOUNT: Account = { id: "", name: "" };

/**
 * Conversations and their ratings from Intercom, per account. The account is the company of the
 * conversation's first contact that has one, identified by Intercom's `company_id` (your own id for the
 * company, which must be the account id the other sources use).
 */
export class IntercomFeedback {
  private readonly companies = new TtlMemo<Account>(DIRECTORY_TTL_MS);

  constructor(private readonly ic: IntercomConnector) {}

  /** Every company, 50 a page: `company_id` is the workspace's own id (the CRM account's where teams set it so). */
  async identityCompanies(): Promise<SystemCompany[]> {
    const out: SystemCompany[] = [];
    for (let page = 1, pages = 1; page <= pages; page++) {
      const { value } = await this.ic.listCompanies(page);
      pages = value.totalPages;
      for (const c of value.results)
        out.push({
          system: "intercom",
          externalId: c.id,
          name: c.name ?? "",
          domain: c.website ?? null,
          crmRef: c.company_id ?? null,
        });
    }
    return out;
  }

  /** Every user and lead, 150 a page: `external_id` (the CRM contact's where teams set it so), email, first company. */
  async identityPeople(): Promise<SystemPerson[]> {
    const out: SystemPerson[] = [];
    let after: string | undefined;
    do {
      const { value } = await this.ic.listContacts({ after, limit: PAGE });
      for (const c of value.results)
        out.push({
          system: "intercom",
          externalId: c.id,
          name: c.name ?? "",
          email: c.email ?? null,
          crmRef: c.external_id ?? null,
          companyExternalId: c.companies?.data?.[0]?.id ?? null,
        });
      after = value.nextCursor;
    } while (after);
    return out;
  }

  async signalsByAccount(
    today: string,
  ): Promise<WithFreshness<{ byAccount: Record<string, FeedbackSignals> }>> {
    const t = new FreshnessTracker(VENDOR);
    const since180 = dayStartSeconds(addDays(today, -180));
    const since90 = dayStartSeconds(addDays(today, -90));
    const until = dayStartSeconds(addDays(today, 1));
    // anything started in 90 days or rated in 180 was updated in the last 180 days
    const rows = await this.search({ field: "updated_at", operator: ">", value: since180 - 1 }, t);
    const accounts = await this.accountsOf(rows, t);
    const acc = new Map<string, { f: FeedbackSignals; scores: number[] }>();
    for (const c of rows) {
      const id = accounts.get(c.id)?.id;
      if (!id) continue;
      const a = acc.get(id) ?? { f: emptySignals(), scores: [] };
      acc.set(id, a);
      const rating = c.conversation_rating?.rating;
      if (c.created_at >= since90 && c.created_at < until) {
        a.f.ticketsLast90++;
        if (c.priority === "priority") a.f.urgentTicketsLast90++;
        if (isBadRating(rating)) a.f.badCsatLast90++;
      }
      const at = ratedAt(c);
      const score = npsScoreOf(rating);
      if (score !== undefined && at !== undefined && at >= since180 && at < until) a.scores.push(score);
    }
    const byAccount = Object.fromEntries(
      [...acc].map(([id, { f, scores }]) => [
        id,
        {
          ...f,
          npsResponsesLast180: scores.length,
          npsAvgLast180: scores.length
            ? Math.round((scores.reduce((s, x) => s + x, 0) / scores.length) * 10) / 10
            : null,
        },
      ]),
    );
    return t.mark({ byAccount });
  }

  /** Rated conversations as NPS responses (rating time in [from, to], whole days), newest first. */
  async npsResponses(q: {
    from?: string;
    to?: string;
    accountId?: string;
  }): Promise<WithFreshness<NpsResponseRow[]>> {
    const t = new FreshnessTracker(VENDOR);
    const filters: Query[] = [{ field: "conversation_rating.score", operator: ">", value: 0 }];
    const from = q.from ? dayStartSeconds(q.from) : undefined;
    const until = q.to ? dayStartSeconds(addDays(q.to, 1)) : undefined;
    if (from !== undefined)
      filters.push({ field: "conversation_rating.replied_at", operator: ">", value: from - 1 });
    if (until !== undefined)
      filters.push({ field: "conversation_rating.replied_at", operator: "<", value: until });
    const rows = await this.search({ operator: "AND", value: filters } as Query, t);
    const accounts = await this.accountsOf(rows, t);
    const out: NpsResponseRow[] = [];
    for (const c of rows) {
      const score = npsScoreOf(c.conversation_rating?.rating);
      const at = ratedAt(c);
      if (score === undefined || at === undefined) continue;
      if ((from !== undefined && at < from) || (until !== undefined && at >= until)) continue;
      const account = accounts.get(c.id) ?? NO_ACCOUNT;
      if (q.accountId && account.id !== q.accountId) continue;
      const remark = c.conversation_rating?.remark?.trim();
      out.push({
        id: c.id,
        accountId: account.id,
        accountName: account.name,
        score,
        comment: remark ? remark : null,
        respondedAt: new Date(at * 1000).toISOString(),
      });
    }
    out.sort((a, b) => b.respondedAt.localeCompare(a.respondedAt) || Number(b.id) - Number(a.id));
    return t.mark(out);
  }

  private async search(query: Query, t: FreshnessTracker): Promise<Conversation[]> {
    const out: Conversation[] = [];
    let after: string | undefined;
    do {
      const page = t.take(
        await this.ic.searchConversations(query, { limit: PAGE, ...(after ? { after } : {}) }),
      );
      out.push(...page.results);
      after = page.nextCursor;
    } while (after && out.length < MAX_CONVERSATIONS);
    if (after || out.length > MAX_CONVERSATIONS) {
      t.partial(
        `Intercom has more conversations in this period than the ${MAX_CONVERSATIONS.toLocaleString("en-US")} read; figures cover those only — narrow the period or the account.`,
      );
    }
    return out.slice(0, MAX_CONVERSATIONS);
  }

  /** Conversation id → account, through each distinct contact's companies (cached 5 min). */
  private async accountsOf(rows: Conversation[], t: FreshnessTracker): Promise<Map<string, Account>> {
    const contactIds = [
      ...new Set(rows.flatMap((c) => (c.contacts?.contacts ?? []).map((p) => p.id))),
    ].filter((id): id is string => typeof id === "string" && id.length > 0);
    const missing = contactIds.filter((id) => this.companies.get(id) === undefined);
    for (let i = 0; i < missing.length; i += LOOKUPS_AT_ONCE) {
      await Promise.all(
        missing
          .slice(i, i + LOOKUPS_AT_ONCE)
          .map(async (id) => this.companies.set(id, await this.companyOf(id, t))),
      );
    }
    const byConversation = new Map<string, Account>();
    for (const c of rows) {
      const found = (c.contacts?.contacts ?? [])
        .map((p) => this.companies.get(p.id ?? ""))
        .find((a) => a?.id);
      byConversation.set(c.id, found ?? NO_ACCOUNT);
    }
    return byConversation;
  }

  private async companyOf(contactId: string, t: FreshnessTracker): Promise<Account> {
    try {
      const companies = t.take(await this.ic.listContactCompanies(contactId));
      const c = companies.find((x) => x.company_id);
      return c ? { id: String(c.company_id), name: String(c.name ?? "") } : NO_ACCOUNT;
    } catch (err) {
      // a contact deleted since the conversation: the conversation has no account
      if (isVendorError(err) && err.kind === "not_found") return NO_ACCOUNT;
      throw err;
    }
  }
}

function emptySignals(): FeedbackSignals {
  return {
    ticketsLast90: 0,
    urgentTicketsLast90: 0,
    badCsatLast90: 0,
    npsAvgLast180: null,
    npsResponsesLast180: 0,
  };
}

/** When the customer rated (the rating's last update), in Unix seconds. */
function ratedAt(c: Conversation): number | undefined {
  const r = c.conversation_rating;
  return r?.updated_at ?? r?.created_at ?? undefined;
}
