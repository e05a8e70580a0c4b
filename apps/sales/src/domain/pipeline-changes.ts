import type { DealTimeline, Stage } from "@revops/model";

export const CHANGE_BUCKETS = ["new", "advanced", "slipped", "won", "lost", "amount_changed"] as const;
export type ChangeBucket = (typeof CHANGE_BUCKETS)[number];

/** One deal in one bucket; `dollars` is what the bucket counts (the amount, or the net change for amounts). */
export interface DealChange {
  bucket: ChangeBucket;
  deal: DealTimeline;
  dollars: number;
  detail: string;
}

const OPEN_RANK: Partial<Record<Stage, number>> = {
  prospecting: 0,
  qualification: 1,
  proposal: 2,
  negotiation: 3,
};
const usd = (n: number) => `$${Math.round(n).toLocaleString("en-US")}`;
const day = (ts: string) => ts.slice(0, 10);

/** The stage a deal was in just before `at` (a date: before that day begins); null when it did not exist yet. */
export function stageBefore(t: DealTimeline, at: string): Stage | null {
  let stage: Stage | null = null;
  for (const s of t.stages) if (day(s.at) < at) stage = s.stage;
  return stage;
}

const dayAfter = (date: string) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
};

/**
 * What the period [from, to] did to one deal, rebuilt from its stage history and field changes: created (new);
 * moved to a later open stage between the period's start and end (advanced); closed won or lost in it; its close
 * date pushed from inside the period to after it, or passed in the period while it stayed open (slipped); its
 * amount changed (net, first before to last after in the period). A deal may land in several buckets.
 */
export function classifyDeal(t: DealTimeline, from: string, to: string, today: string): DealChange[] {
  const out: DealChange[] = [];
  const inPeriod = (ts: string) => day(ts) >= from && day(ts) <= to;
  const start = stageBefore(t, from);
  const end = stageBefore(t, dayAfter(to));
  if (inPeriod(t.createdAt))
    out.push({ bucket: "new", deal: t, dollars: t.amount, detail: `created in ${end ?? t.stage}` });
  const startRank = start === null ? undefined : OPEN_RANK[start];
  const endRank = end === null ? undefined : OPEN_RANK[end];
  if (startRank !== undefined && endRank !== undefined && endRank > startRank)
    out.push({ bucket: "advanced", deal: t, dollars: t.amount, detail: `${start} → ${end}` });
  for (const closed of ["closed_won", "closed_lost"] as const) {
    if (end === closed && start !== closed)
      out.push({
        bucket: closed === "closed_won" ? "won" : "lost",
        deal: t,
        dollars: t.amount,
        detail: `from ${start ?? "new"}`,
      });
  }
  const push = t.closeDates.find((c) => inPeriod(c.at) && c.before >= from && c.before <= to && c.after > to);
  if (push)
    out.push({
      bucket: "slipped",
      deal: t,
      dollars: t.amount,
      detail: `close date ${push.before} → ${push.after}`,
    });
  else if (endRank !== undefined && t.closeDate >= from && t.closeDate <= to && t.closeDate < today)
    out.push({
      bucket: "slipped",
      deal: t,
      dollars: t.amount,
      detail: `close date ${t.closeDate} passed, still open`,
    });
  const amounts = t.amounts.filter((a) => inPeriod(a.at));
  const first = amounts[0];
  const last = amounts[amounts.length - 1];
  if (first && last && last.after !== first.before)
    out.push({
      bucket: "amount_changed",
      deal: t,
      dollars: last.after - first.before,
      detail: `${usd(first.before)} → ${usd(last.after)}`,
    });
  return out;
}
