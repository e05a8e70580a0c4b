import { fromVendor } from "@revops/safety/vendor-errors";
import { trendMonthEnds } from "../../domain/health";
import type { CsPorts } from "../../ports";

/** Month ends in the book's trend (as many as the usage history reaches). */
const TREND_MONTHS = 6;

/**
 * Every customer's signals at each trend month end, oldest first. The sandbox keeps them while its data is
 * unchanged, so the warm-up reads them once and health_scores only filters and scores them.
 */
export function monthEndSignals(support: CsPorts["support"], today: string) {
  return Promise.all(
    trendMonthEnds(today, TREND_MONTHS).map(async (asOf) => ({
      asOf,
      signals: await fromVendor(() => support.accountSignals({ asOf })),
    })),
  );
}
