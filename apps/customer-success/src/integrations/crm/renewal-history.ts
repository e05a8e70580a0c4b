import { CHURN_LEAD_DAYS, CHURN_WINDOWS, type RenewalTermFeatures, type TicketFact } from "@revops/sandbox";
import type { ChurnHistory } from "../../ports";
import type { CrmRenewal } from "./renewals";

const DAY_MS = 86_400_000;
const minusDays = (day: string, n: number) =>
  new Date(Date.parse(day) - n * DAY_MS).toISOString().slice(0, 10);
const later = (a: string, b: string) => (a > b ? a : b);

/** A help desk's tickets keyed by the CRM account they belong to. */
export type TicketsByAccount = Map<string, TicketFact[]>;

const solvedAt = (t: TicketFact) =>
  t.resolutionMinutes === null
    ? null
    : new Date(Date.parse(t.createdAt) + t.resolutionMinutes * 60_000).toISOString();

/**
 * The churn model's features of one CRM renewal as of `asOf`, from what the connected systems hold: tickets (and
 * their CSAT) from the help desk; NPS, usage and CS activities are unknown (the model imputes the training mean).
 */
function featuresOf(
  r: CrmRenewal,
  asOf: string,
  tickets: TicketsByAccount | undefined,
  ticketsFrom: string | null,
): RenewalTermFeatures {
  const from = later(minusDays(asOf, CHURN_WINDOWS.tickets), ticketsFrom ?? asOf);
  // no help desk: an empty window (from = asOf), so the ticket features are unknown rather than zero
  const tkFrom = tickets ? from : asOf;
  const inWindow = (tickets?.get(r.accountId) ?? []).filter(
    (t) => t.createdAt.slice(0, 10) >= tkFrom && t.createdAt.slice(0, 10) < asOf,
  );
  const solvedBefore = (t: TicketFact) => (solvedAt(t) ?? "9999").slice(0, 10) < asOf;
  return {
    termId: r.termId,
    accountId: r.accountId,
    accountName: r.accountName,
    ownerName: r.ownerName,
    plan: "",
    seats: 0,
    arr: r.arr,
    renewalDate: r.renewalDate,
    status: r.status,
    asOf,
    accountCreated: r.accountCreated,
    tickets: {
      from: tkFrom,
      count: inWindow.length,
      urgentHigh: inWindow.filter((t) => t.priority === "urgent" || t.priority === "high").length,
      badCsat: inWindow.filter((t) => t.csat === "bad" && solvedBefore(t)).length,
      escalated: inWindow.filter((t) => t.tags.some((g) => g.includes("escalation"))).length,
    },
    nps: { from: asOf, responses: 0, scoreSum: 0, detractors: 0 },
    activities: { from: asOf, count: 0 },
    monthlyActives: { last: null, prev: null, baseline: null },
  };
}

/** The first ticket of any account with a renewal ahead: windows before it are incomplete for retained accounts. */
function ticketCoverage(renewals: CrmRenewal[], tickets: TicketsByAccount | undefined): string | null {
  if (!tickets) return null;
  const current = new Set(renewals.filter((r) => r.status === "active").map((r) => r.accountId));
  let first: string | null = null;
  for (const id of current)
    for (const t of tickets.get(id) ?? []) {
      const day = t.createdAt.slice(0, 10);
      if (first === null || day < first) first = day;
    }
  return first;
}

const byRenewal = (a: CrmRenewal, b: CrmRenewal) =>
  a.renewalDate.localeCompare(b.renewalDate) || a.termId.localeCompare(b.termId);

/** Closed renewals with their features `CHURN_LEAD_DAYS` before each renewal, oldest first. */
export function crmRenewalHistory(
  renewals: CrmRenewal[],
  tickets: TicketsByAccount | undefined,
  note: string,
): ChurnHistory {
  const coverage = ticketCoverage(renewals, tickets);
  const terms = renewals
    .filter((r) => r.status !== "active")
    .sort(byRenewal)
    .map((r) => featuresOf(r, minusDays(r.renewalDate, CHURN_LEAD_DAYS), tickets, coverage));
  return {
    terms,
    coverage: { tickets: coverage, nps: null, activities: null },
    leadDays: CHURN_LEAD_DAYS,
    windows: { ...CHURN_WINDOWS },
    note,
  };
}

/** Open renewals due by `until` (every one without it), with their features as of today. */
export function crmUpcomingRenewals(
  renewals: CrmRenewal[],
  tickets: TicketsByAccount | undefined,
  today: string,
  until?: string,
): RenewalTermFeatures[] {
  const coverage = ticketCoverage(renewals, tickets);
  return renewals
    .filter((r) => r.status === "active" && (!until || r.renewalDate <= until))
    .sort(byRenewal)
    .map((r) => featuresOf(r, today, tickets, coverage));
}
