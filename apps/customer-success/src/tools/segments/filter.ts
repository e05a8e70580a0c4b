import { userError } from "@revops/kit";
import { z } from "zod";
import { FILTER_KEYS, type Filter, parseFilter } from "../../domain/segments";

const RulesSchema = z.record(z.string(), z.union([z.string(), z.number()])).default({});

export const FilterSchema = RulesSchema.describe("Rules, e.g. {industry:'retail',usage_trend:'down'}");
/** The same rules where the tool's description already points at segments. */
export const SegmentFilterSchema = RulesSchema.describe("Rules as segments takes");

/** The filter checked, or a user error naming the rule and the allowed ones. */
export function filterOf(raw: Record<string, string | number>): Filter {
  try {
    return parseFilter(raw);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    throw userError(err.message, {
      fields: ["filter"],
      hint: `Rules: ${FILTER_KEYS.join(", ")}; lifecycle defaults to customer.`,
      cause: err,
    });
  }
}
