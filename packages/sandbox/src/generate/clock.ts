import { REGION_UTC_OFFSET, type Region } from "../names.js";
import type { Rng } from "../random.js";
import type { Ctx } from "./types.js";

/** A minute during local business hours (08:00-17:59) on `day`; a time after the dataset clock moves a day back. */
export function businessMinute(ctx: Ctx, r: Rng, day: number, region: Region): number {
  const local = r.int(8 * 60, 18 * 60 - 1);
  const m = day * 1440 + local - REGION_UTC_OFFSET[region] * 60;
  return m < ctx.nowMinute ? m : m - 1440;
}

/** Uniform day in [from, to] (inclusive; `to` < `from` yields `from`). */
export function dayBetween(r: Rng, from: number, to: number): number {
  return to <= from ? from : r.int(from, to);
}
