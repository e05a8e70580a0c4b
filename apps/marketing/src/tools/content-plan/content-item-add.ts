import { annotations, IsoDateSchema, type ToolContext, WrittenSchema } from "@revops/kit";
import type { ContentStatus, ContentType } from "@revops/model";
import { CONTENT_TYPES } from "@revops/sandbox";
import { z } from "zod";
import { type MarketingPorts, marketingTool } from "../../ports";
import { planOnce } from "../plan-once";
import {
  CampaignRef,
  campaignFor,
  ItemRowSchema,
  itemRow,
  notPast,
  OwnerField,
  oneOf,
  SYSTEM_OF_RECORD,
} from "./calendar";
import { contentPlanToolset } from "./toolset";

const input = z
  .object({
    title: z.string().trim().min(1).max(200),
    type: oneOf(CONTENT_TYPES, "type"),
    date: IsoDateSchema,
    owner: OwnerField,
    campaign_id: CampaignRef.optional(),
  })
  .strict();
type Input = z.output<typeof input>;

/** The plan from fresh reads: today's date and the campaign the item belongs to. */
async function derive(i: Input, ctx: ToolContext<MarketingPorts>) {
  // a new item is an idea until content_item_move advances it; ideas are never dated in the past
  const status: ContentStatus = "idea";
  const owner = i.owner ?? ctx.principal.id;
  notPast(i.date, await ctx.ports.today(), "date");
  const campaign = i.campaign_id ? await campaignFor(ctx.ports, i.campaign_id) : undefined;
  const item = {
    title: i.title,
    type: i.type as ContentType,
    channel: i.type === "social" ? "social" : i.type,
    status,
    day: i.date,
    owner,
    ...(campaign && { campaignId: campaign.id }),
  };
  const plan = {
    summary: `Add ${i.type} "${i.title}" on ${i.date} (${status}, owner ${owner})${campaign ? ` to campaign "${campaign.name}"` : ""}`,
    action: "create",
    record_type: "content calendar item",
    records: [{ id: "(new)", name: i.title }],
    changes: Object.entries({ type: item.type, date: i.date, status, owner, campaign: campaign?.id })
      .filter(([, v]) => v !== undefined)
      .map(([field, after]) => ({ field, before: null, after })),
    side_effects: [SYSTEM_OF_RECORD],
  };
  return { item, plan };
}

const planned = planOnce(derive, (i: Input) => JSON.stringify(i));

export const contentItemAdd = marketingTool({
  name: "content_item_add",
  title: "Add a content calendar item",
  description: "Adds an idea to the content calendar.",
  toolset: contentPlanToolset.name,
  scopes: ["marketing:write"],
  ports: ["marketing"],
  // each confirmed call adds one item, in our own database
  annotations: { ...annotations.send, openWorldHint: false },
  input,
  output: z.object({ item: ItemRowSchema, created: z.boolean(), written: WrittenSchema, note: z.string() }),
  guard: { kind: "destructive", preview: planned.preview },
  example: {
    title: "Forecasting checklist",
    type: "blog",
    date: "2026-12-15",
    owner: "Nina Patel",
    campaign_id: "cmp_0028",
  },
  handler: async ({ input: i, ctx }) => {
    const { item } = await planned.derived(i, ctx);
    const r = await ctx.ports.calendar.add(item, { principal: ctx.principal.id, ...ctx.write });
    return {
      item: itemRow(r.item),
      created: r.created,
      written: { system: "revops", id: r.item.id },
      note: `${r.created ? "Added" : "Already added by an earlier attempt"}. ${SYSTEM_OF_RECORD}`,
    };
  },
  render: (o) =>
    `${o.item.id}: ${o.item.type} "${o.item.title}" on ${o.item.day} (${o.item.status}). ${o.note}`,
});
