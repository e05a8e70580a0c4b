import type { RenewalTermFeatures, TicketFact } from "@revops/model";
import type { ChurnHistory } from "../../ports";
import { CHURN_LEAD_DAYS, CHURN_WINDOWS } from "../sandbox/churn-history";
import type { CrmRenewal } from "./renewals";

const DAY_MS = 86_400_000;
const minusDays = (day: string, n: number) =>
  new Date(Date.parse(day) - n * DAY_MS).toISOString().slice(0, 10);
const later = (a: string, b: string) => (a > b ? a : b);

/** What the connected systems say about each CRM account; a source not connected is absent (unknown, not zero). */
export interface AccountSignalsByAccount {
  /** The help desk's tickets. */
  tickets?: Map<string, TicketFact[]>;
  /** Days of CS activities logged in the CRM on the account (not on a deal). */
  activities?: Map<string, string[]>;
}

const solvedDay = (t: TicketFact) =>
  t.resolutionMinutes === null
    ? "9999"
    : new Date(Date.parse(t.createdAt) + t.resolutionMinutes * 60_000).toISOString().slice(0, 10);

/** The first record of any account with a renewal ahead: windows before it are incomplete for retained accounts. */
function coverageOf(renewals: CrmRenewal[], days: Map<string, string[]> | undefined): string | null {
  if (!days) return null;
  let first: string | null = null;
  for (const r of renewals)
    if (r.status === "active")
      for (const day of days.get(r.accountId) ?? []) if (first === null || day < first) first = day;
  return first;
}

interface Coverage {
  tickets: string | null;
  activities: string | null;
}

/** A window's start: `days` before asOf, no earlier than the coverage; asOf itself (empty: unknown) without a source. */
const windowFrom = (asOf: string, days: number, connected: boolean, coverage: string | null) =>
  connected ? later(minusDays(asOf, days), coverage ?? asOf) : asOf;

/** The churn model's features of one CRM renewal as of `asOf`; NPS and usage are unknown (the training mean). */
function featuresOf(
  r: CrmRenewal,
  asOf: string,
  s: AccountSignalsByAccount,
  cov: Coverage,
): RenewalTermFeatures {
  const tkFrom = windowFrom(asOf, CHURN_WINDOWS.tickets, s.tickets !== undefined, cov.tickets);
  const actFrom = windowFrom(asOf, CHURN_WINDOWS.activities, s.activities !== undefined, cov.activities);
  const tickets = (s.tickets?.get(r.accountId) ?? []).filter((t) => {
    const day = t.createdAt.slice(0, 10);
    return day >= tkFrom && day < asOf;
  });
  const activities = (s.activities?.get(r.accountId) ?? []).filter((d) => d >= actFrom && d < asOf);
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
      count: tickets.length,
      urgentHigh: tickets.filter((t) => t.priority === "urgent" || t.priority === "high").length,
      badCsat: tickets.filter((t) => t.csat === "bad" && solvedDay(t) < asOf).length,
      escalated: tickets.filter((t) => t.tags.some((g) => g.includes("escalation"))).length,
    },
    nps: { from: asOf, responses: 0, scoreSum: 0, detractors: 0 },
    activities: { from: actFrom, count: activities.length },
    monthlyActives: { last: null, prev: null, baseline: null },
  };
}

function coverage(renewals: CrmRenewal[], s: AccountSignalsByAccount): Coverage {
  const ticketDays = s.tickets
    ? new Map([...s.tickets].map(([id, ts]) => [id, ts.map((t) => t.createdAt.slice(0, 10))]))
    : undefined;
  return { tickets: coverageOf(renewals, ticketDays), activities: coverageOf(renewals, s.activities) };
}

const byRenewal = (a: CrmRenewal, b: CrmRenewal) =>
  a.renewalDate.localeCompare(b.renewalDate) || a.termId.localeCompare(b.termId);

/** Closed renewals with their features `CHURN_LEAD_DAYS` before each renewal, oldest first. */
export function crmRenewalHistory(
  renewals: CrmRenewal[],
  signals: AccountSignalsByAccount,
  note: string,
): ChurnHistory {
  const cov = coverage(renewals, signals);
  const terms = renewals
    .filter((r) => r.status !== "active")
    .sort(byRenewal)
    .map((r) => featuresOf(r, minusDays(r.renewalDate, CHURN_LEAD_DAYS), signals, cov));
  return {
    terms,
    coverage: { tickets: cov.tickets, nps: null, activities: cov.activities },
    leadDays: CHURN_LEAD_DAYS,
    windows: { ...CHURN_WINDOWS },
    note,
  };
}

/** Open renewals due by `until` (every one without it), with their features as of today. */
export function crmUpcomingRenewals(
  renewals: CrmRenewal[],
  signals: AccountSignalsByAccount,
  today: string,
  until?: string,
): RenewalTermFeatures[] {
  const cov = coverage(renewals, signals);
  return renewals
    .filter((r) => r.status === "active" && (!until || r.renewalDate <= until))
    .sort(byRenewal)
    .map((r) => featuresOf(r, today, signals, cov));
}
