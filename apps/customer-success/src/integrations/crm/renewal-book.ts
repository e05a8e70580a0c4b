import type { SystemCompany, TicketFact } from "@revops/sandbox";
import type { ChurnHistory, RenewalTermFeatures, SupportPort } from "../../ports";
import { crmRenewalHistory, crmUpcomingRenewals, type TicketsByAccount } from "./renewal-history";
import type { CrmRenewal, CrmRenewalSource } from "./renewals";

/** What the churn model reads: past renewals with their features, and the renewals ahead. */
export type RenewalBook = Pick<SupportPort, "renewalHistory" | "upcomingRenewals">;

const DAY_MS = 86_400_000;
/** Tickets are read from this many days before the oldest renewal: its lead time and its ticket window. */
const TICKET_LOOKBACK_DAYS = 150;

/**
 * A help desk organization's CRM account: the id teams keep in its external id, else the account of the same
 * name (case-insensitive); undefined when neither matches.
 */
function crmAccountOf(renewals: CrmRenewal[], companies: SystemCompany[]) {
  const ids = new Set(renewals.map((r) => r.accountId));
  const byName = new Map(renewals.map((r) => [r.accountName.trim().toLowerCase(), r.accountId]));
  const out = new Map<string, string>();
  for (const c of companies) {
    const id = c.crmRef && ids.has(c.crmRef) ? c.crmRef : byName.get(c.name.trim().toLowerCase());
    if (id) out.set(c.externalId, id);
  }
  return out;
}

/** The CRM's renewal deals, their features from the connected help desk's tickets (none without one). */
export class CrmRenewalBook implements RenewalBook {
  private loaded = new Map<string, Promise<{ renewals: CrmRenewal[]; tickets?: TicketsByAccount }>>();

  constructor(
    private readonly crm: CrmRenewalSource,
    /** The help desk (Zendesk), when one is connected: its organizations name the CRM account. */
    private readonly helpDesk: SupportPort | undefined,
    private readonly today: () => Promise<string>,
  ) {}

  private async read(today: string) {
    const renewals = await this.crm.renewals();
    if (!this.helpDesk || renewals.length === 0) return { renewals };
    const oldest = renewals.map((r) => r.renewalDate).sort()[0] ?? today;
    const from = new Date(Date.parse(oldest) - TICKET_LOOKBACK_DAYS * DAY_MS).toISOString().slice(0, 10);
    const [facts, companies] = await Promise.all([
      this.helpDesk.ticketFacts({ from, to: today }),
      this.helpDesk.identityCompanies?.() ?? Promise.resolve([]),
    ]);
    const accountOf = crmAccountOf(renewals, companies);
    const tickets: TicketsByAccount = new Map();
    for (const t of facts.created) {
      const id = accountOf.get(t.accountId);
      if (id) tickets.set(id, [...(tickets.get(id) ?? []), t] as TicketFact[]);
    }
    return { renewals, tickets };
  }

  /** Read once per day (the model is trained once per day too); a failed read is not kept. */
  private async data() {
    const today = await this.today();
    let m = this.loaded.get(today);
    if (!m) {
      m = this.read(today);
      m.catch(() => this.loaded.delete(today));
      this.loaded.set(today, m);
    }
    return { today, ...(await m) };
  }

  private note(withTickets: boolean) {
    const from =
      this.crm.system === "salesforce" ? "Salesforce renewal opportunities" : "HubSpot renewal deals";
    return withTickets
      ? `The churn model trains on ${from}; tickets and CSAT from the help desk; NPS, usage and CS activity are not read from a vendor yet, so they do not count.`
      : `The churn model trains on ${from}; no help desk is connected (CS_SUPPORT), so tickets, NPS, usage and CS activity do not count.`;
  }

  async renewalHistory(): Promise<ChurnHistory> {
    const { renewals, tickets } = await this.data();
    return crmRenewalHistory(renewals, tickets, this.note(tickets !== undefined));
  }

  async upcomingRenewals(q?: { until?: string }): Promise<RenewalTermFeatures[]> {
    const { renewals, tickets, today } = await this.data();
    return crmUpcomingRenewals(renewals, tickets, today, q?.until);
  }
}
