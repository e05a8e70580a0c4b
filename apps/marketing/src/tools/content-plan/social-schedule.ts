import {
  annotations,
  IsoDateTimeSchema,
  type ToolContext,
  untrustedText,
  userError,
  WrittenSchema,
} from "@revops/kit";
import { SOCIAL_CHANNELS } from "@revops/sandbox";
import { z } from "zod";
import { checkBrand, withClaims } from "../../domain/brand-check";
import { type MarketingPorts, marketingTool } from "../../ports";
import { planOnce } from "../plan-once";
import { CampaignRef, campaignFor, ItemRowSchema, itemRow, oneOf, SYSTEM_OF_RECORD } from "./calendar";
import { contentPlanToolset } from "./toolset";

/** Each network's limit on a post's length (characters). */
export const POST_LIMITS: Record<string, number> = {
  linkedin: 3000,
  x: 280,
  facebook: 5000,
  instagram: 2200,
};

/** Said in every plan and result: HubSpot's public API offers no social publishing to every account. */
export const NOT_PUBLISHED =
  "Not published by the suite: the post is kept in the content calendar as a scheduled social item; publish it from your social tool at that time.";

const input = z
  .object({
    channel: oneOf(SOCIAL_CHANNELS, "channel"),
    text: z.string().trim().min(1).max(5000),
    at: IsoDateTimeSchema,
    campaign_id: CampaignRef.optional(),
  })
  .strict();
type Input = z.output<typeof input>;

/** The plan: channel, text and time, with the brand guide's findings on the text. */
async function derive(i: Input, ctx: ToolContext<MarketingPorts>) {
  const limit = POST_LIMITS[i.channel] ?? 0;
  if (i.text.length > limit)
    throw userError(`text is ${i.text.length} characters; ${i.channel} takes at most ${limit}.`, {
      fields: ["text"],
      hint: "Shorten the post.",
    });
  const now = await ctx.ports.now();
  const at = new Date(i.at).toISOString();
  if (at <= now)
    throw userError(`at ${i.at} is not in the future (now ${now}).`, {
      fields: ["at"],
      hint: "Pass a later time.",
    });
  const campaign = i.campaign_id ? await campaignFor(ctx.ports, i.campaign_id) : undefined;
  const { findings } = checkBrand(i.text, withClaims(await ctx.ports.settings.guide(), ctx.ports.claims));
  const errors = findings.filter((f) => f.severity === "error").length;
  const title = i.text.length > 80 ? `${i.text.slice(0, 79)}…` : i.text;
  const item = {
    title,
    type: "social" as const,
    channel: i.channel,
    status: "scheduled" as const,
    day: at.slice(0, 10),
    publishAt: at,
    owner: ctx.principal.id,
    body: i.text,
    ...(campaign && { campaignId: campaign.id }),
  };
  const plan = {
    summary: `Schedule a ${i.channel} post for ${at}${campaign ? ` (campaign "${campaign.name}")` : ""}; brand check: ${errors} errors, ${findings.length - errors} warnings`,
    action: "schedule",
    record_type: "social post",
    records: [{ id: "(new)", name: title }],
    channel: i.channel,
    text: i.text,
    time: at,
    brand_check: { passed: errors === 0, findings },
    // nobody is addressed: the suite sends nothing and publishes nothing, so the send rules have no one to check
    recipients: [],
    side_effects: [NOT_PUBLISHED, SYSTEM_OF_RECORD],
  };
  return { item, errors, findings: findings.length, plan };
}

const planned = planOnce(derive, (i: Input) => JSON.stringify(i));

export const socialSchedule = marketingTool({
  name: "social_schedule",
  title: "Schedule a social post",
  description: "Schedules a social post in the calendar; the suite does not publish it.",
  toolset: contentPlanToolset.name,
  scopes: ["marketing:write"],
  ports: ["marketing"],
  annotations: { ...annotations.send, openWorldHint: false },
  input,
  output: z.object({
    item: ItemRowSchema,
    text: untrustedText(z.string(), "social post text", 5000),
    brand_errors: z.number(),
    created: z.boolean(),
    published: z.literal(false),
    written: WrittenSchema,
    note: z.string(),
  }),
  guard: { kind: "outbound", preview: planned.preview },
  example: {
    channel: "linkedin",
    text: "Forecast calls take an hour a week. Here is how teams cut that in half.",
    at: "2026-11-25T15:00:00Z",
  },
  handler: async ({ input: i, ctx }) => {
    const d = await planned.derived(i, ctx);
    const r = await ctx.ports.calendar.add(d.item, { principal: ctx.principal.id, ...ctx.write });
    return {
      item: itemRow(r.item),
      text: r.item.body ?? "",
      brand_errors: d.errors,
      created: r.created,
      published: false as const,
      written: { system: "revops", id: r.item.id },
      note: `${NOT_PUBLISHED} ${SYSTEM_OF_RECORD}`,
    };
  },
  render: (o) =>
    `${o.item.id}: ${o.item.channel} post scheduled for ${o.item.publish_at} (${o.brand_errors} brand errors). ${o.note}\n${o.text}`,
});
