import { annotations, IsoDateSchema, userError } from "@revops/kit";
import { CONTENT_STATUSES, CONTENT_TYPES } from "@revops/sandbox";
import { z } from "zod";
import { marketingTool } from "../../ports";
import {
  CampaignRef,
  ItemRowSchema,
  itemRow,
  OwnerField,
  StatusField,
  SYSTEM_OF_RECORD,
  TypeField,
} from "./calendar";
import { contentPlanToolset } from "./toolset";

/** Rows a page shows; the totals count every match. */
const SHOWN = 50;
const MAX_DAYS = 366;
const DAY = 86_400_000;
const addDays = (iso: string, n: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);

const count = (keys: readonly string[], values: string[]) =>
  Object.fromEntries(keys.map((k) => [k, values.filter((v) => v === k).length]));

export const contentCalendar = marketingTool({
  name: "content_calendar",
  title: "Content calendar",
  description:
    "Calendar items (email, blog, social, webinar) in a date range, with totals by status and type.",
  toolset: contentPlanToolset.name,
  scopes: ["marketing:read"],
  ports: ["marketing"],
  annotations: annotations.readLocal,
  input: z
    .object({
      from: IsoDateSchema.optional(),
      to: IsoDateSchema.optional(),
      type: TypeField,
      status: StatusField,
      owner: OwnerField,
      campaign_id: CampaignRef.optional(),
    })
    .strict(),
  output: z.object({
    from: z.string(),
    to: z.string(),
    items: z.array(ItemRowSchema),
    total: z.number().describe("Items matching the filters in the range"),
    by_status: z.record(z.string(), z.number()),
    by_type: z.record(z.string(), z.number()),
    left_out: z.object({
      beyond_page: z.number().describe(`Matches after the first ${SHOWN}`),
      by_filters: z.number().describe("Items in the range the filters excluded"),
    }),
    note: z.string(),
  }),
  example: { from: "2026-11-23", to: "2026-12-31" },
  handler: async ({ input: i, ctx }) => {
    const from = i.from ?? (await ctx.ports.today());
    const to = i.to ?? addDays(from, 30);
    if (to < from)
      throw userError(`to ${to} is before from ${from}.`, {
        fields: ["to"],
        hint: "Pass a to date on or after from.",
      });
    if (to > addDays(from, MAX_DAYS))
      throw userError(`The range ${from} to ${to} is longer than ${MAX_DAYS} days.`, {
        fields: ["to"],
        hint: `Pass to on or before ${addDays(from, MAX_DAYS)}.`,
      });
    const all = await ctx.ports.calendar.items({ from, to });
    const owner = i.owner?.toLowerCase();
    const match = all.filter(
      (r) =>
        (!i.type || r.type === i.type) &&
        (!i.status || r.status === i.status) &&
        (!owner || r.owner.toLowerCase() === owner) &&
        (!i.campaign_id || r.campaignId === i.campaign_id),
    );
    const shown = match.slice(0, SHOWN);
    const left = match.length - shown.length;
    return {
      from,
      to,
      items: shown.map(itemRow),
      total: match.length,
      by_status: count(
        CONTENT_STATUSES,
        match.map((r) => r.status),
      ),
      by_type: count(
        CONTENT_TYPES,
        match.map((r) => r.type),
      ),
      left_out: { beyond_page: left, by_filters: all.length - match.length },
      note: `${left > 0 ? `Showing ${SHOWN} of ${match.length}; narrow by type, status, owner, campaign_id or dates. ` : ""}${SYSTEM_OF_RECORD}`,
    };
  },
  render: (o) =>
    [
      `${o.total} items ${o.from} to ${o.to} (${Object.entries(o.by_status)
        .filter(([, n]) => n > 0)
        .map(([s, n]) => `${n} ${s}`)
        .join(
          ", ",
        )})${o.left_out.by_filters ? `; ${o.left_out.by_filters} others in the range filtered out` : ""}.`,
      ...o.items.map(
        (r) =>
          `${r.day} ${r.id} [${r.status}] ${r.type}/${r.channel} ${r.title} — ${r.owner}${r.campaign_id ? ` (${r.campaign_id})` : ""}`,
      ),
      o.note,
    ].join("\n"),
});
