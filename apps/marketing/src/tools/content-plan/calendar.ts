import { notFound, type ToolContext, untrustedName, userError } from "@revops/kit";
import { CONTENT_STATUSES, CONTENT_TYPES, SOCIAL_CHANNELS } from "@revops/sandbox";
import { z } from "zod";
import type { ContentItem, MarketingPorts } from "../../ports";

/** Said in every calendar result: no vendor holds the calendar. */
export const SYSTEM_OF_RECORD =
  "The suite is the system of record for the content calendar (its own database); no vendor holds or publishes it.";

/** A string checked in code: the enum's values would cost every turn's context, the error lists them. */
export const oneOf = (values: readonly string[], field: string) =>
  z.string().refine((v) => values.includes(v), { error: `${field} must be one of ${values.join(", ")}` });

export const TypeField = oneOf(CONTENT_TYPES, "type").optional();
export const StatusField = oneOf(CONTENT_STATUSES, "status").optional();
/** A campaign id without the shared example: each tool here is at its token budget. */
export const CampaignRef = z.string().min(1).max(64);
export const OwnerField = z.string().trim().min(1).max(80).optional();
export const TitleSchema = untrustedName(z.string(), "calendar item title", 200);
const OwnerSchema = untrustedName(z.string(), "calendar item owner");

/** Where a type goes out when the caller does not say: social needs a network. */
export const CHANNELS: Record<string, readonly string[]> = {
  email: ["email"],
  blog: ["blog"],
  webinar: ["webinar"],
  social: SOCIAL_CHANNELS,
};

export const ItemRowSchema = z.object({
  id: z.string(),
  day: z.string(),
  title: TitleSchema,
  type: z.string(),
  channel: z.string(),
  status: z.string(),
  owner: OwnerSchema,
  campaign_id: z.string().nullable(),
  publish_at: z.string().nullable(),
});

export const itemRow = (i: ContentItem): z.output<typeof ItemRowSchema> => ({
  id: i.id,
  day: i.day,
  title: i.title,
  type: i.type,
  channel: i.channel,
  status: i.status,
  owner: i.owner,
  campaign_id: i.campaignId,
  publish_at: i.publishAt,
});

/** The campaign an item belongs to, read fresh; a wrong id names the field and where ids come from. */
export async function campaignFor(ports: MarketingPorts, id: string): Promise<{ id: string; name: string }> {
  const c = await ports.marketing.getCampaign(id);
  if (!c)
    throw notFound(`There is no campaign ${id}.`, {
      fields: ["campaign_id"],
      hint: "Call campaigns_list for campaign ids, or leave campaign_id out.",
    });
  return { id: c.id, name: c.name };
}

/** The calendar item, read fresh, or an error naming item_id. */
export async function itemFor(ctx: ToolContext<MarketingPorts>, id: string): Promise<ContentItem> {
  const item = await ctx.ports.calendar.item(id);
  if (!item)
    throw notFound(`There is no calendar item ${id}.`, {
      fields: ["item_id"],
      hint: "Call content_calendar for item ids.",
    });
  return item;
}

/** A day that may not lie before today: a plan for the past is a mistake. */
export function notPast(day: string, today: string, field: string): void {
  if (day < today)
    throw userError(`${field} ${day} is before today (${today}).`, {
      fields: [field],
      hint: `Pass ${today} or later.`,
    });
}
