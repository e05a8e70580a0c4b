import type { RiskDeal, StageTiming } from "@revops/model";
import { daysBetween } from "@revops/sandbox";

/** What each risk adds: risk = 1 − Π(1 − weight) over the deal's reasons (0 with none). */
export const RISK_WEIGHTS = {
  stalled: 0.35,
  no_activity: 0.3,
  past_due: 0.3,
  /** Per push, at most three. */
  pushed: 0.1,
  single_threaded: 0.2,
  amount_cut: 0.15,
} as const;

export type RiskCode = keyof typeof RISK_WEIGHTS;

export interface RiskReason {
  code: RiskCode;
  weight: number;
  detail: string;
}

export interface AssessedDeal {
  deal: RiskDeal;
  daysInStage: number | null;
  reasons: RiskReason[];
  /** 0–1. */
  risk: number;
  /** amount × risk. */
  score: number;
}

const usd = (n: number) => `$${Math.round(n).toLocaleString("en-US")}`;

/** One open deal's risk reasons as of `today` (see RISK_WEIGHTS). */
export function assessDeal(
  d: RiskDeal,
  typical: ReadonlyMap<string, StageTiming>,
  today: string,
  noActivityDays: number,
): AssessedDeal {
  const reasons: RiskReason[] = [];
  const add = (code: RiskCode, detail: string, weight: number = RISK_WEIGHTS[code]) =>
    reasons.push({ code, weight, detail });
  const daysInStage = d.stageEnteredAt ? daysBetween(d.stageEnteredAt, today) : null;
  const t = typical.get(d.stage);
  if (daysInStage !== null && t && daysInStage > t.medianDays) {
    add("stalled", `${daysInStage}d in ${d.stage}, typical ${t.medianDays}d`);
  }
  if (d.lastActivityAt === null) add("no_activity", "no activity recorded");
  else {
    const idle = daysBetween(d.lastActivityAt, today);
    if (idle >= noActivityDays) add("no_activity", `no activity for ${idle}d`);
  }
  if (d.closeDate < today) add("past_due", `close date ${d.closeDate} passed`);
  if (d.closeDatePushes) {
    const n = d.closeDatePushes;
    add("pushed", `close date pushed ${n}×`, RISK_WEIGHTS.pushed * Math.min(n, 3));
  }
  if (d.contactsEngaged !== null && d.contactsEngaged <= 1) {
    add("single_threaded", `${d.contactsEngaged} contact engaged`);
  }
  if (d.amountCut) add("amount_cut", `amount cut by ${usd(d.amountCut)}`);
  const risk = 1 - reasons.reduce((keep, r) => keep * (1 - r.weight), 1);
  return { deal: d, daysInStage, reasons, risk, score: d.amount * risk };
}

/** Deals with at least one reason, by amount × risk (largest first), then id. */
export function rankAtRisk(
  deals: readonly RiskDeal[],
  typical: readonly StageTiming[],
  today: string,
  noActivityDays: number,
): AssessedDeal[] {
  const byStage = new Map(typical.map((t) => [t.stage as string, t]));
  return deals
    .map((d) => assessDeal(d, byStage, today, noActivityDays))
    .filter((a) => a.reasons.length > 0)
    .sort((a, b) => b.score - a.score || (a.deal.id < b.deal.id ? -1 : 1));
}
