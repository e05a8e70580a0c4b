import type { SystemCompany, TicketFact } from "@revops/model";
import type { ChurnHistory, RenewalTermFeatures, SupportPort } from "../../ports";
import { type AccountSignalsByAccount, crmRenewalHistory, crmUpcomingRenewals } from "./renewal-history";
import type { CrmRenewal, CrmRenewalSource } from "./renewals";

/** What the churn model reads: past renewals with their features, and the renewals ahead. */
export type RenewalBook = Pick<SupportPort, "renewalHistory" | "upcomingRenewals">;

const DAY_MS = 86_400_000;
/** Records are read from this many days before the oldest renewal: its lead time and its longest window. */
const LOOKBACK_DAYS = 150;

/**
 * A help desk organization's CRM account: the id teams keep in its external id, else the account of the same
 * name (case-insensitive); unmatched organizations are left out.
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

/** The help desk's tickets keyed by CRM account. */
async function ticketsByAccount(helpDesk: SupportPort, renewals: CrmRenewal[], from: string, to: string) {
  const [facts, companies] = await Promise.all([
    helpDesk.ticketFacts({ from, to }),
    helpDesk.identityCompanies?.() ?? Promise.resolve([]),
  ]);
  const accountOf = crmAccountOf(renewals, companies);
  const out = new Map<string, TicketFact[]>();
  for (const t of facts.created) {
    const id = accountOf.get(t.accountId);
    if (id) out.set(id, [...(out.get(id) ?? []), t]);
  }
  return out;
}

/** The CRM's renewal deals and activities, and the connected help desk's tickets, as the churn model's history. */
export class CrmRenewalBook implements RenewalBook {
  private loaded = new Map<string, Promise<{ renewals: CrmRenewal[]; signals: AccountSignalsByAccount }>>();

  constructor(
    private readonly crm: CrmRenewalSource,
    /** The help desk (Zendesk), when one is connected: its organizations name the CRM account. */
    private readonly helpDesk: SupportPort | undefined,
    private readonly today: () => Promise<string>,
  ) {}

  private async read(today: string) {
    const renewals = await this.crm.renewals();
    const oldest = renewals.map((r) => r.renewalDate).sort()[0] ?? today;
    const from = new Date(Date.parse(oldest) - LOOKBACK_DAYS * DAY_MS).toISOString().slice(0, 10);
    const [tickets, activities] = await Promise.all([
      this.helpDesk ? ticketsByAccount(this.helpDesk, renewals, from, today) : undefined,
      this.crm.accountActivities?.(from),
    ]);
    return { renewals, signals: { ...(tickets ? { tickets } : {}), ...(activities ? { activities } : {}) } };
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

  /** Which signals count and which do not, for the result's caveats. */
  private note(s: AccountSignalsByAccount) {
    const from =
      this.crm.system === "salesforce" ? "Salesforce renewal opportunities" : "HubSpot renewal deals";
    const read = [
      ...(s.tickets ? ["tickets and CSAT from the help desk"] : []),
      ...(s.activities ? ["CS activities logged on accounts in the CRM"] : []),
    ];
    const unknown = [
      ...(s.tickets ? [] : ["tickets (no help desk: CS_SUPPORT)"]),
      ...(s.activities ? [] : ["CS activity"]),
      "NPS",
      "usage",
    ];
    return `The churn model trains on ${from}${read.length ? ` with ${read.join(" and ")}` : ""}; ${unknown.join(", ")} are not read from a vendor, so they do not count.`;
  }

  async renewalHistory(): Promise<ChurnHistory> {
    const { renewals, signals } = await this.data();
    return crmRenewalHistory(renewals, signals, this.note(signals));
  }

  async upcomingRenewals(q?: { until?: string }): Promise<RenewalTermFeatures[]> {
    const { renewals, signals, today } = await this.data();
    return crmUpcomingRenewals(renewals, signals, today, q?.until);
  }
}
