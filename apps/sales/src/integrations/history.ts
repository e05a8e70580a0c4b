import type { DealRow, RiskInputs, Stage, StageTiming } from "@revops/model";
import { daysBetween, median } from "@revops/sandbox";

/** One field-history row of a vendor deal (the values after a change), in suite stages. */
export interface FieldHistoryRow {
  dealId: string;
  stage: Stage;
  amount: number | null;
  closeDate: string | null;
  /** When the change happened (timestamp). */
  at: string;
}

const OPEN: readonly Stage[] = ["prospecting", "qualification", "proposal", "negotiation"];
const isClosed = (d: DealRow) => d.stage === "closed_won" || d.stage === "closed_lost";

/** Consecutive rows in one stage merged: when each stage visit began. */
function visits(rows: readonly FieldHistoryRow[]): { stage: Stage; at: string }[] {
  const out: { stage: Stage; at: string }[] = [];
  for (const r of rows) if (out[out.length - 1]?.stage !== r.stage) out.push({ stage: r.stage, at: r.at });
  return out;
}

/** A deal's stage values in time order → its stage changes (the first from null: the opening stage). */
export function stageChanges(
  values: readonly { stage: Stage; at: string }[],
): { fromStage: Stage | null; toStage: Stage; changedAt: string }[] {
  const out: { fromStage: Stage | null; toStage: Stage; changedAt: string }[] = [];
  for (const v of values) {
    const last = out[out.length - 1]?.toStage ?? null;
    if (v.stage !== last) out.push({ fromStage: last, toStage: v.stage, changedAt: v.at });
  }
  return out;
}

/**
 * Risk inputs from a vendor's deals and field history (undefined: not readable): typical days per open stage from
 * the closed deals' stage visits, and per open deal its stage start (the CRM's own field first), close-date pushes
 * (a close date later than the one before) and amount cut (highest recorded amount minus the latest).
 */
export function historyRisks(
  all: readonly DealRow[],
  open: readonly DealRow[],
  history: readonly FieldHistoryRow[] | undefined,
  contactsOf: (dealId: string) => number | null,
  caveats: string[],
): RiskInputs {
  const byDeal = new Map<string, FieldHistoryRow[]>();
  for (const r of [...(history ?? [])].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))) {
    const list = byDeal.get(r.dealId) ?? [];
    list.push(r);
    byDeal.set(r.dealId, list);
  }
  const days = new Map<Stage, number[]>();
  for (const d of all) {
    if (!isClosed(d)) continue;
    const v = visits(byDeal.get(d.id) ?? []);
    v.forEach((visit, i) => {
      const next = v[i + 1];
      if (!next || !OPEN.includes(visit.stage)) return;
      // pushed, not copied: the closed deals of a whole CRM pass through here
      days
        .set(visit.stage, days.get(visit.stage) ?? [])
        .get(visit.stage)
        ?.push(daysBetween(visit.at, next.at));
    });
  }
  const typical: StageTiming[] = OPEN.filter((st) => days.has(st)).map((stage) => {
    const list = days.get(stage) as number[];
    return { stage, medianDays: median(list), samples: list.length };
  });
  const deals = open.map((d) => {
    const rows = history ? (byDeal.get(d.id) ?? []) : undefined;
    const current = rows
      ? visits(rows)
          .filter((v) => v.stage === d.stage)
          .pop()
      : undefined;
    let pushes: number | null = null;
    let cut: number | null = null;
    if (rows) {
      pushes = 0;
      let prev: string | null = null;
      for (const r of rows) {
        if (r.closeDate && prev && r.closeDate > prev) pushes++;
        if (r.closeDate) prev = r.closeDate;
      }
      const amounts = rows.flatMap((r) => (r.amount === null ? [] : [r.amount]));
      cut = amounts.length ? Math.max(0, Math.max(...amounts) - (amounts[amounts.length - 1] as number)) : 0;
    }
    return {
      id: d.id,
      name: d.name,
      accountId: d.accountId,
      accountName: d.accountName,
      ownerId: d.ownerId,
      ownerName: d.ownerName,
      stage: d.stage,
      type: d.type,
      amount: d.amount,
      closeDate: d.closeDate,
      stageEnteredAt: d.stageEnteredAt ?? current?.at ?? null,
      lastActivityAt: d.lastActivityAt ?? null,
      contactsEngaged: contactsOf(d.id),
      closeDatePushes: pushes,
      amountCut: cut,
    };
  });
  if (!history) {
    caveats.push(
      "No stage or field history: stalled deals, close-date pushes and amount cuts are not checked.",
    );
  }
  return { deals, typical, caveats };
}
