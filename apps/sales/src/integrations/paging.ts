import type { DealRow, Page } from "@revops/model";
import { decodeCursor, encodeCursor, pageLimit } from "@revops/sandbox";

/** Newest close date first, then id descending: the sandbox's order for deals_list. */
export function newestFirst(a: DealRow, b: DealRow): number {
  if (a.closeDate !== b.closeDate) return a.closeDate < b.closeDate ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** Oldest close date first, then id: the sandbox's order for dealsClosingBetween. */
export function oldestFirst(a: DealRow, b: DealRow): number {
  return -newestFirst(a, b);
}

/** Keyset page over rows already filtered, with the same opaque cursors as the sandbox. */
export function pageOf(
  rows: DealRow[],
  cursor: string | undefined,
  limit: number | undefined,
): Page<DealRow> {
  const sorted = [...rows].sort(newestFirst);
  const n = pageLimit(limit);
  let start = 0;
  if (cursor) {
    const [date, id] = decodeCursor("deals", cursor);
    const after = sorted.findIndex(
      (d) => d.closeDate < String(date) || (d.closeDate === date && d.id < String(id)),
    );
    start = after === -1 ? sorted.length : after;
  }
  const page = sorted.slice(start, start + n);
  const last = page[page.length - 1];
  const more = start + n < sorted.length;
  return {
    rows: page,
    total: sorted.length,
    nextCursor: more && last ? encodeCursor("deals", [last.closeDate, last.id]) : null,
  };
}
