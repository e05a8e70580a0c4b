import { IsoDateSchema, userError } from "@revops/kit";
import { daysBetween, MAX_RANGE_DAYS, shiftDay } from "../../domain/web-traffic";

/** The date range both web tools take: the last 28 complete days unless given. */
export const rangeInput = {
  from: IsoDateSchema.optional().describe("Default: 28 days before to"),
  to: IsoDateSchema.optional().describe("Default: yesterday"),
};

/** Whole days [from, to]; refuses a reversed, future or too long range naming the fix. */
export function resolveRange(input: { from?: string; to?: string }, today: string) {
  const to = input.to ?? shiftDay(today, -1);
  const from = input.from ?? shiftDay(to, -27);
  if (from > to)
    throw userError("from is after to.", { fields: ["from", "to"], hint: "Swap the two dates." });
  if (to > today)
    throw userError(`to is after today (${today}).`, {
      fields: ["to"],
      hint: `Use to: "${today}" or earlier.`,
    });
  if (daysBetween(from, to) > MAX_RANGE_DAYS)
    throw userError(`The range spans more than ${MAX_RANGE_DAYS} days.`, {
      fields: ["from"],
      hint: `Use from: "${shiftDay(to, 1 - MAX_RANGE_DAYS)}" or later, or split the range.`,
    });
  return { from, to, days: daysBetween(from, to) };
}
