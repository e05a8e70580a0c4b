import type { SqlDb } from "@revops/store";
import { dayOf, isoDay } from "../dates.js";

/**
 * `sb_usage_recent`: product usage per account over the 60 days before the dataset's today, what the health
 * signals read. Usage history never changes after the load (no tool writes it), so it is rolled up once: in JS
 * while the generated rows stream into the database, or in SQL for a dataset loaded before the table existed.
 */
export interface UsageWindows {
  /** First day of the 60-day window. */
  from60: string;
  /** First day of the last 30 days. */
  from30: string;
  /** The dataset's today: the window ends before it. */
  to: string;
}

export function usageWindows(today: string): UsageWindows {
  const t = dayOf(today);
  return { from60: isoDay(t - 60), from30: isoDay(t - 30), to: isoDay(t) };
}

export const USAGE_RECENT_COLUMNS = [
  "account_id",
  "as_of",
  "last30",
  "prev30",
  "active30_sum",
  "active30_days",
] as const;

/** Sums generated `sb_usage_daily` rows per account as they stream past. */
export class UsageRecentAccumulator {
  private readonly w: UsageWindows;
  private readonly acc = new Map<string, [number, number, number, number]>();

  constructor(private readonly today: string) {
    this.w = usageWindows(today);
  }

  add(columns: readonly string[], rows: readonly unknown[][]): void {
    const [ia = -1, id = -1, iu = -1, ie = -1] = ["account_id", "day", "active_users", "events"].map((c) =>
      columns.indexOf(c),
    );
    if (Math.min(ia, id, iu, ie) < 0)
      throw new Error("sb_usage_daily rows lack the columns the rollup needs");
    const { from60, from30, to } = this.w;
    for (const r of rows) {
      const day = r[id] as string;
      if (day < from60 || day >= to) continue;
      const key = r[ia] as string;
      let a = this.acc.get(key);
      if (!a) {
        a = [0, 0, 0, 0];
        this.acc.set(key, a);
      }
      if (day >= from30) {
        a[0] += Number(r[ie]);
        a[2] += Number(r[iu]);
        a[3] += 1;
      } else a[1] += Number(r[ie]);
    }
  }

  rows(): unknown[][] {
    return [...this.acc].map(([id, [last30, prev30, sum, days]]) => [
      id,
      this.today,
      last30,
      prev30,
      sum,
      days,
    ]);
  }
}

/**
 * Makes sure `sb_usage_recent` holds the rollup for `today` (a dataset loaded before the table existed, or with
 * another today, is rolled up once in SQL, under the load lock so concurrent servers do it once).
 */
export async function ensureUsageRecent(db: SqlDb, today: string): Promise<void> {
  const current = async (q: SqlDb) =>
    (await q.one<{ as_of: string }>("SELECT as_of FROM sb_usage_recent LIMIT 1"))?.as_of === today ||
    !(await q.one("SELECT 1 AS x FROM sb_usage_daily LIMIT 1"));
  if (await current(db)) return;
  const { from60, from30, to } = usageWindows(today);
  await db.transaction(
    async (tx) => {
      if (await current(tx)) return;
      await tx.run("DELETE FROM sb_usage_recent");
      await tx.run(
        `INSERT INTO sb_usage_recent (${USAGE_RECENT_COLUMNS.join(", ")})
         SELECT account_id, ?, SUM(CASE WHEN day >= ? THEN events ELSE 0 END),
           SUM(CASE WHEN day < ? THEN events ELSE 0 END), SUM(CASE WHEN day >= ? THEN active_users ELSE 0 END),
           SUM(CASE WHEN day >= ? THEN 1 ELSE 0 END)
         FROM sb_usage_daily WHERE day >= ? AND day < ? GROUP BY account_id`,
        [today, from30, from30, from30, from30, from60, to],
      );
    },
    { lock: "sandbox-load" },
  );
}
