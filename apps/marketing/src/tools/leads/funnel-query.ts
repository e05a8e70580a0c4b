import { CursorSchema, IsoDateSchema, LimitSchema, NextCursorSchema, userError } from "@revops/kit";
import { decodeCursor, encodeCursor } from "@revops/sandbox";
import { z } from "zod";
import {
  FUNNEL_GROUPINGS,
  type FunnelGroup,
  type FunnelGroupBy,
  groupFunnel,
  immatureMonths,
  median,
} from "../../domain/funnel";
import type { LeadFunnel, MarketingPorts } from "../../ports";

/** Inputs shared by the lead funnel tools (leads_by_source, funnel_report). */
export const funnelInput = {
  from: IsoDateSchema.optional().describe("Lead created from"),
  to: IsoDateSchema.optional(),
  group_by: z.enum(FUNNEL_GROUPINGS).default("source"),
  limit: LimitSchema,
  cursor: CursorSchema.optional(),
};

export const GroupKeys = {
  month: z.string().optional().describe("Cohort: month the leads were created"),
  source: z.string().optional(),
};
export const Rate = z.number().nullable();
export const Days = z.number().nullable();
export { NextCursorSchema };

type Q = { from?: string; to?: string; group_by: FunnelGroupBy; limit: number; cursor?: string };

/** Reads the funnel, groups it and cuts the page; also the caveats every funnel result carries. */
export async function funnelPage(ports: Omit<MarketingPorts, "using">, input: Q, tool: string) {
  if (input.from && input.to && input.from > input.to) {
    throw userError("from is after to.", { fields: ["from", "to"], hint: "Swap the two dates." });
  }
  const tag = `${tool}:${input.group_by}:${input.from ?? ""}:${input.to ?? ""}`;
  const offset = input.cursor ? Number(decodeCursor(tag, input.cursor, 1)[0]) : 0;
  const funnel: LeadFunnel = await ports.marketing.leadFunnel({ from: input.from, to: input.to });
  const today = await ports.today();
  const { groups, total } = groupFunnel(funnel, input.group_by);
  const page = groups.slice(offset, offset + input.limit);
  const end = offset + page.length;
  const toWon = median(total.days.lead_to_won);
  const young = immatureMonths(
    funnel.cells.map((c) => c.month),
    today,
    toWon,
  );
  const caveats = [
    ...funnel.notes,
    ...(young.length > 0
      ? [
          `Cohorts ${young[0]}${young.length > 1 ? ` to ${young.at(-1)}` : ""} are younger than the median lead-to-won time (${toWon} days): their later stages are still filling.`,
        ]
      : []),
    ...(total.leads < 30 ? ["Fewer than 30 leads: rates are noisy."] : []),
  ];
  return {
    page,
    total,
    today,
    caveats,
    funnel,
    rows: groups.length,
    next_cursor: end < groups.length ? encodeCursor(tag, [end]) : null,
    note: `Showing ${page.length ? offset + 1 : 0}–${end} of ${groups.length} rows.`,
  };
}

export type { FunnelGroup };
