import { annotations, IsoDateSchema, type ToolContext, userError, WrittenSchema } from "@revops/kit";
import type { ContentStatus } from "@revops/model";
import { z } from "zod";
import { type ContentMove, type MarketingPorts, marketingTool } from "../../ports";
import { planOnce } from "../plan-once";
import {
  ItemRowSchema,
  itemFor,
  itemRow,
  notPast,
  OwnerField,
  StatusField,
  SYSTEM_OF_RECORD,
} from "./calendar";
import { contentPlanToolset } from "./toolset";

const input = z
  .object({
    item_id: z.string().min(1).max(64),
    date: IsoDateSchema.optional(),
    status: StatusField,
    owner: OwnerField,
  })
  .strict();
type Input = z.output<typeof input>;

const FIELDS = [
  ["date", "day"],
  ["status", "status"],
  ["owner", "owner"],
] as const;

/** The plan from a fresh read of the item: each field before → after; unchanged fields are left out. */
async function derive(i: Input, ctx: ToolContext<MarketingPorts>) {
  if (!i.date && !i.status && !i.owner)
    throw userError("Nothing to change: pass date, status or owner.", {
      fields: ["date", "status", "owner"],
      hint: 'e.g. {"item_id": "cnt_0003", "status": "review"}',
    });
  const item = await itemFor(ctx, i.item_id);
  const status = (i.status ?? item.status) as ContentStatus;
  // only a published item may sit in the past
  if (i.date && status !== "published") notPast(i.date, await ctx.ports.today(), "date");
  const change: ContentMove = {
    ...(i.date && { day: i.date }),
    ...(i.status && { status }),
    ...(i.owner && { owner: i.owner }),
  };
  const changes = FIELDS.filter(([, k]) => change[k] !== undefined && change[k] !== item[k]).map(
    ([field, k]) => ({
      field,
      before: item[k],
      after: change[k],
    }),
  );
  const plan = {
    summary: changes.length
      ? `Move ${item.type} "${item.title}" (${item.id}): ${changes.map((c) => `${c.field} ${c.before} → ${c.after}`).join(", ")}`
      : `${item.id} already has these values: nothing changes`,
    action: "update",
    record_type: "content calendar item",
    records: [{ id: item.id, name: item.title }],
    changes,
    side_effects: [SYSTEM_OF_RECORD],
  };
  return { change, plan };
}

const planned = planOnce(derive, (i: Input) => JSON.stringify(i));

export const contentItemMove = marketingTool({
  name: "content_item_move",
  title: "Move a content calendar item",
  description: "Moves a content calendar item to a new date, status or owner.",
  toolset: contentPlanToolset.name,
  scopes: ["marketing:write"],
  ports: ["marketing"],
  annotations: { ...annotations.update, openWorldHint: false },
  input,
  output: z.object({ item: ItemRowSchema, changed: z.boolean(), written: WrittenSchema, note: z.string() }),
  guard: { kind: "destructive", preview: planned.preview },
  example: { item_id: "cnt_0003", status: "review", owner: "Leo Martins" },
  handler: async ({ input: i, ctx }) => {
    const { change } = await planned.derived(i, ctx);
    const r = await ctx.ports.calendar.move(i.item_id, change, { principal: ctx.principal.id, ...ctx.write });
    return {
      item: itemRow(r.item),
      changed: r.changed,
      written: { system: "revops", id: r.item.id },
      note: `${r.changed ? "Moved" : "No change (already applied, or the same values)"}. ${SYSTEM_OF_RECORD}`,
    };
  },
  render: (o) =>
    `${o.item.id} "${o.item.title}": ${o.item.day}, ${o.item.status}, ${o.item.owner}. ${o.note}`,
});
