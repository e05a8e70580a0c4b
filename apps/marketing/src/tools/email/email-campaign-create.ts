import {
  annotations,
  notFound,
  type ToolContext,
  untrustedText,
  userError,
  WrittenSchema,
} from "@revops/kit";
import { z } from "zod";
import { checkBrand, withClaims } from "../../domain/brand-check";
import { emailContentHash } from "../../domain/email-content";
import { type MarketingPorts, marketingTool } from "../../ports";
import { planOnce } from "../plan-once";
import { excerptOf, ListIdSchema, SubjectSchema } from "./fields";
import { emailToolset } from "./toolset";

const input = z
  .object({
    list_id: ListIdSchema,
    content_item_id: z.string().trim().min(1).max(64).optional(),
    subject: SubjectSchema.optional(),
    body: z.string().trim().min(1).max(100_000).optional(),
  })
  .strict();
type Input = z.output<typeof input>;

const NOT_SENT =
  "Nothing is sent: email_campaign_send with draft_id sends it, after a test send of exactly this content.";

/** Subject and body: the given ones over the calendar item's title and text. */
async function contentOf(i: Input, ctx: ToolContext<MarketingPorts>) {
  const item = i.content_item_id ? await ctx.ports.calendar.item(i.content_item_id) : undefined;
  if (i.content_item_id && !item)
    throw notFound(`There is no calendar item ${i.content_item_id}.`, {
      fields: ["content_item_id"],
      hint: "Call content_calendar for item ids, or pass subject and body instead.",
    });
  const subject = i.subject ?? item?.title;
  const body = i.body ?? item?.body ?? undefined;
  if (!subject || !body)
    throw userError(
      item
        ? `Calendar item ${item.id} ("${item.title}") has no text to email: pass body.`
        : "A draft needs subject and body, or content_item_id of a calendar item with text.",
      {
        fields: [subject ? "body" : "subject", ...(subject || body ? [] : ["body"])],
        hint: "Pass the missing field.",
      },
    );
  return { subject, body, item };
}

async function derive(i: Input, ctx: ToolContext<MarketingPorts>) {
  const { email } = ctx.ports;
  const { subject, body, item } = await contentOf(i, ctx);
  const audience = await email.audience(i.list_id);
  if (!audience) throw notFound(`There is no list ${i.list_id}.`, { fields: ["list_id"] });
  // the brand guide reads the words a recipient sees, not the markup around them
  const text = `${subject}\n\n${body.replace(/<[^>]+>/g, " ")}`;
  const { findings } = checkBrand(text, withClaims(ctx.ports.brandGuide, ctx.ports.claims));
  const errors = findings.filter((f) => f.severity === "error").length;
  const list = { id: audience.listId, name: audience.listName, members: audience.size };
  const draft = {
    listId: audience.listId,
    subject,
    body,
    contentHash: emailContentHash(subject, body),
    ...(item && { contentItemId: item.id }),
  };
  const plan = {
    summary: `Draft "${subject}" for list ${list.name} (${list.id}, ${list.members} members) from ${email.sender} at ${email.source}; brand check: ${errors} errors, ${findings.length - errors} warnings`,
    action: "create",
    record_type: "email draft",
    records: [{ id: "(new)", name: subject }],
    list,
    subject,
    body_excerpt: excerptOf(body),
    content_hash: draft.contentHash,
    sender: email.sender,
    ...(item && { content_item: { id: item.id, title: item.title, day: item.day } }),
    brand_check: { passed: errors === 0, findings },
    // a draft addresses no one: the send rules check the recipients when it is sent
    recipients: [],
    side_effects: [NOT_SENT],
  };
  return { draft, errors, plan };
}

const planned = planOnce(derive, (i: Input) => JSON.stringify(i));

export const emailCampaignCreate = marketingTool({
  name: "email_campaign_create",
  title: "Draft an email campaign",
  description: "Drafts a campaign email from a calendar item or text, brand-checked; sends nothing.",
  toolset: emailToolset.name,
  scopes: ["marketing:write"],
  ports: ["email"],
  annotations: annotations.send,
  input,
  output: z.object({
    draft: z.object({
      id: z.string(),
      status: z.string(),
      list_id: z.string(),
      subject: untrustedText(z.string(), "email subject", 200),
    }),
    brand_errors: z.number(),
    created: z.boolean(),
    written: WrittenSchema,
    note: z.string(),
  }),
  guard: { kind: "destructive", preview: planned.preview },
  handler: async ({ input: i, ctx }) => {
    const d = await planned.derived(i, ctx);
    const { email } = ctx.ports;
    const { draft, created } = await email.createDraft(d.draft, {
      principal: ctx.principal.id,
      ...ctx.write,
    });
    return {
      draft: { id: draft.id, status: draft.status, list_id: draft.listId, subject: draft.subject },
      brand_errors: d.errors,
      created,
      written: { system: email.source, id: draft.id },
      note: `${created ? "Drafted" : "Already drafted by an earlier attempt"}: ${draft.id}. ${NOT_SENT}`,
    };
  },
  render: (o) =>
    `${o.draft.id} (${o.draft.status}) "${o.draft.subject}": ${o.brand_errors} brand errors. ${o.note}`,
  example: {
    list_id: "lst_0002",
    subject: "Forecasts in minutes",
    body: "<p>See how teams forecast faster.</p>",
  },
});
