import type { SubscriptionTerm } from "@revops/model";

/** ARR bridge and revenue retention from subscription terms: every dollar of change is one term event. */
export const RETENTION_METHOD = "arr-bridge-v1";

export interface Bridge {
  starting_arr: number;
  new: number;
  expansion: number;
  contraction: number;
  churn: number;
  ending_arr: number;
}

export interface CohortRetention extends Bridge {
  /** The quarter the accounts' first term started (`2025-Q3`), or `before <day>` when older than the book. */
  cohort: string;
  starting_accounts: number;
  churned_accounts: number;
  /** Σ min(ending, starting) ARR / starting ARR of the accounts in force at the start; null without any. */
  grr: number | null;
  /** Ending / starting ARR of the accounts in force at the start (new accounts left out). */
  nrr: number | null;
}

export interface RetentionReport {
  total: CohortRetention;
  cohorts: CohortRetention[];
  new_accounts: number;
}

const inForce = (t: SubscriptionTerm, day: string) => t.start <= day && day < t.renewal;

export function quarterOf(day: string): string {
  return `${day.slice(0, 4)}-Q${Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1}`;
}

const ratio = (num: number, den: number) => (den > 0 ? Math.round((num / den) * 10_000) / 10_000 : null);

/** A cohort being summed: `kept` = Σ min(end, start), `retained` = Σ end, over the accounts in force at the start. */
type Acc = CohortRetention & { kept: number; retained: number };

function emptyCohort(cohort: string): Acc {
  return {
    kept: 0,
    retained: 0,
    cohort,
    starting_arr: 0,
    new: 0,
    expansion: 0,
    contraction: 0,
    churn: 0,
    ending_arr: 0,
    starting_accounts: 0,
    churned_accounts: 0,
    grr: null,
    nrr: null,
  };
}

/**
 * The bridge over (from, to]: starting ARR = terms in force on `from`; a term starting in the period is new
 * when no term of the account ends that day, else its ARR change is expansion or contraction; a term ending in
 * the period with no successor is churn. Ending ARR = terms in force on `to`, so the bridge adds up exactly.
 */
export function retentionReport(
  terms: readonly SubscriptionTerm[],
  from: string,
  to: string,
  completeFrom: string,
): RetentionReport {
  const byAccount = new Map<string, SubscriptionTerm[]>();
  for (const t of terms) byAccount.set(t.accountId, [...(byAccount.get(t.accountId) ?? []), t]);
  const cohorts = new Map<string, Acc>();
  const total = emptyCohort("all");
  let newAccounts = 0;
  for (const [, own] of byAccount) {
    const first = own[0]?.accountFirstStart ?? from;
    const name = first >= completeFrom ? quarterOf(first) : `before ${completeFrom}`;
    const c = cohorts.get(name) ?? emptyCohort(name);
    cohorts.set(name, c);
    const startArr = own.filter((t) => inForce(t, from)).reduce((s, t) => s + t.arr, 0);
    const endArr = own.filter((t) => inForce(t, to)).reduce((s, t) => s + t.arr, 0);
    const moves = { new: 0, expansion: 0, contraction: 0, churn: 0 };
    let churned = false;
    for (const t of own) {
      if (t.start > from && t.start <= to) {
        const prev = own.find((p) => p.renewal === t.start && p !== t);
        if (!prev) moves.new += t.arr;
        else if (t.arr > prev.arr) moves.expansion += t.arr - prev.arr;
        else moves.contraction += prev.arr - t.arr;
      }
      if (t.renewal > from && t.renewal <= to && !own.some((n) => n.start === t.renewal && n !== t)) {
        moves.churn += t.arr;
        churned = true;
      }
    }
    if (startArr === 0 && moves.new > 0) newAccounts++;
    for (const agg of [c, total]) {
      agg.starting_arr += startArr;
      agg.ending_arr += endArr;
      agg.new += moves.new;
      agg.expansion += moves.expansion;
      agg.contraction += moves.contraction;
      agg.churn += moves.churn;
      if (startArr > 0) {
        agg.starting_accounts++;
        if (churned && endArr === 0) agg.churned_accounts++;
        // retention counts the accounts in force at the start only; grr caps each at its starting ARR
        agg.kept += Math.min(endArr, startArr);
        agg.retained += endArr;
      }
    }
  }
  const finish = ({ kept, retained, ...c }: Acc): CohortRetention => ({
    ...c,
    grr: ratio(kept, c.starting_arr),
    nrr: ratio(retained, c.starting_arr),
  });
  return {
    total: finish(total),
    cohorts: [...cohorts.values()].map(finish).sort((a, b) => cohortOrder(a.cohort) - cohortOrder(b.cohort)),
    new_accounts: newAccounts,
  };
}

/** "before …" first, then quarters in order. */
const cohortOrder = (c: string) =>
  c.startsWith("before") ? 0 : Number(c.slice(0, 4)) * 10 + Number(c.slice(6));
