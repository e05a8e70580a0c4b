import { guardStateOf } from "@revops/guards";
import { annotations, notFound, type ToolContext, userError, WrittenSchema } from "@revops/kit";
import { z } from "zod";
import { emailContentHash } from "../../domain/email-content";
import { scheduleWaves } from "../../domain/email-schedule";
import {
  type EmailDraft,
  type EmailPort,
  type EmailRecipient,
  type MarketingPorts,
  marketingTool,
} from "../../ports";
import { planOnce } from "../plan-once";
import { BodySchema, excerptOf, ListIdSchema, SubjectSchema } from "./fields";
import { emailToolset } from "./toolset";

/** Recipients per batch, one batch a minute: keeps a big send inside SendGrid's and inboxes' rate limits. */
export const EMAIL_BATCH_SIZE = 500;
export const EMAIL_BATCHES_PER_MINUTE = 1;
const SAMPLE = 10;

const input = z
  .object({
    draft_id: z.string().trim().min(1).max(64).optional(),
    list_id: ListIdSchema.optional(),
    subject: SubjectSchema.optional(),
    body: BodySchema.optional(),
    test_to: z.array(z.email()).min(1).max(5).optional().describe("Test send only, to these"),
  })
  .strict();

type Input = z.output<typeof input>;
type Removal = "unsubscribed" | "suppressed" | "bounced";

interface Derived {
  draft: EmailDraft;
  plan: Record<string, unknown>;
}

// the preview's reads, kept for the handler of the same call
const planned = planOnce(derive, (i: Input) =>
  JSON.stringify([i.draft_id ?? null, i.list_id, i.subject, i.body, i.test_to ?? null]),
);

/** What is sent: a created draft's list and content, or the given ones (all three). */
async function contentOf(i: Input, email: EmailPort) {
  if (i.draft_id) {
    const given = (["list_id", "subject", "body"] as const).filter((f) => i[f] !== undefined);
    if (given.length > 0)
      throw userError(
        `draft_id carries the list, subject and body: ${given.join(", ")} cannot change them.`,
        {
          fields: [...given],
          hint: "Leave them out to send the draft, or draft again with email_campaign_create.",
        },
      );
    const d = await email.draft(i.draft_id);
    if (!d)
      throw notFound(`There is no email draft ${i.draft_id}.`, {
        fields: ["draft_id"],
        hint: "email_campaign_create returns a draft's id.",
      });
    if (d.status !== "draft")
      throw userError(`Draft ${d.id} is ${d.status}: it was sent already and goes out once.`, {
        fields: ["draft_id"],
        hint: "email_stats shows its send; draft again with email_campaign_create to send new content.",
      });
    return { listId: d.listId, subject: d.subject, body: d.body, draftId: d.id };
  }
  const missing = (["list_id", "subject", "body"] as const).filter((f) => i[f] === undefined);
  if (missing.length > 0 || !i.list_id || !i.subject || !i.body)
    throw userError(`Pass draft_id, or list_id, subject and body: ${missing.join(", ")} missing.`, {
      fields: [...missing],
      hint: "email_campaign_create drafts an email and returns its draft_id.",
    });
  return { listId: i.list_id, subject: i.subject, body: i.body, draftId: undefined };
}

const REMOVAL_REASONS: Record<Removal, string> = {
  unsubscribed: "unsubscribed from marketing email",
  suppressed: "on the suppression list",
  bounced: "an earlier send hard-bounced",
};

function removalOf(m: EmailRecipient, suppressed: Set<string>): Removal | undefined {
  if (m.unsubscribed) return "unsubscribed";
  if (suppressed.has(m.email.toLowerCase())) return "suppressed";
  if (m.bounced) return "bounced";
  return undefined;
}

async function derive(input: Input, ctx: ToolContext<MarketingPorts>): Promise<Derived> {
  const { email } = ctx.ports;
  const { draftId, ...c } = await contentOf(input, email);
  const i = { ...input, list_id: c.listId, subject: c.subject, body: c.body };
  const audience = await email.audience(i.list_id);
  if (!audience)
    throw notFound(`There is no list ${i.list_id}.`, { fields: [draftId ? "draft_id" : "list_id"] });
  const contentHash = emailContentHash(i.subject, i.body);
  const excerpt = excerptOf(i.body);
  // the sandbox's own email port records sends and delivers nothing
  const delivery = email.source === "sandbox" ? ("simulated" as const) : ("vendor" as const);
  const content = {
    subject: i.subject,
    body_excerpt: excerpt,
    content_hash: contentHash,
    delivery,
    ...(draftId && { draft_id: draftId }),
  };
  const list = { id: audience.listId, name: audience.listName, members: audience.size };
  const now = await email.now();
  if (i.test_to) {
    const to = [...new Set(i.test_to.map((e) => e.toLowerCase()))];
    const draft: EmailDraft = {
      kind: "test",
      listId: audience.listId,
      subject: i.subject,
      body: i.body,
      contentHash,
      batchSize: EMAIL_BATCH_SIZE,
      total: to.length,
      waves: [{ sendAt: now, recipients: to.map((e) => ({ id: "", email: e })) }],
    };
    const plan = {
      summary: `Test send of "${i.subject}" (for list ${list.name}) to ${to.join(", ")} now`,
      action: "send",
      record_type: "test email",
      count: to.length,
      recipients: to.map((e) => ({ email: e })),
      list,
      ...content,
      side_effects: [
        "Only the test addresses get it; the campaign send later needs exactly this subject and body.",
      ],
    };
    return { draft, plan };
  }
  const tested = await email.testSendOf(contentHash);
  if (!tested)
    throw userError(
      "This subject and body have not been test-sent: a campaign send needs a test send of exactly the same content first.",
      {
        fields: ["test_to"],
        hint: "Call again with test_to: [your address], check the email, then send without test_to.",
      },
    );
  const suppressions = guardStateOf(ctx)?.suppressions;
  const suppressed = new Set<string>();
  if (suppressions)
    for (const m of audience.members)
      if (await suppressions.has(m.email)) suppressed.add(m.email.toLowerCase());
  const removed: { email: string; reason: string }[] = [];
  const removedBy: Record<Removal, number> = { unsubscribed: 0, suppressed: 0, bounced: 0 };
  const keep: EmailRecipient[] = [];
  for (const m of audience.members) {
    const why = removalOf(m, suppressed);
    if (!why) keep.push(m);
    else {
      removedBy[why]++;
      removed.push({ email: m.email, reason: REMOVAL_REASONS[why] });
    }
  }
  // a vendor showing only a sample drops the rest's suppressed addresses itself: the count is an upper bound
  const total = audience.sampled ? audience.size - removed.length : keep.length;
  if (total <= 0)
    throw userError(
      `No one on list ${list.id} (${list.name}) may be mailed: all ${list.members} were removed.`,
      {
        fields: ["list_id"],
        hint: "Pick a list with subscribed members.",
      },
    );
  const cfg = guardStateOf(ctx)?.config;
  // members a vendor does not show are in no known zone: they go with the default zone's wave
  const unseen = { id: "", email: "", name: "", timeZone: "", unsubscribed: false, bounced: false };
  const { waves, unschedulable } = scheduleWaves(
    audience.sampled ? [...keep, unseen] : keep,
    new Date(now),
    cfg?.GUARD_QUIET_HOURS ?? "20-8",
    cfg?.GUARD_DEFAULT_TIME_ZONE ?? "UTC",
  );
  if (unschedulable.length > 0)
    throw userError(
      `No send time outside quiet hours (${cfg?.GUARD_QUIET_HOURS}) within 72 hours for recipients in ${unschedulable.join(", ")}.`,
      { fields: ["list_id"], hint: "Send to a list without those time zones, or widen GUARD_QUIET_HOURS." },
    );
  const sendAtOf = new Map(waves.flatMap((w) => w.members.map((m) => [m.id, w.sendAt] as const)));
  const draft: EmailDraft = {
    kind: "campaign",
    ...(draftId && { draftId }),
    listId: audience.listId,
    subject: i.subject,
    body: i.body,
    contentHash,
    batchSize: EMAIL_BATCH_SIZE,
    total,
    waves: waves.map((w) => ({
      sendAt: w.sendAt,
      recipients: w.members.filter((m) => m !== unseen).map((m) => ({ id: m.id, email: m.email })),
    })),
  };
  const first = waves[0]?.sendAt;
  const plan = {
    summary: `Send ${draftId ? `draft ${draftId} ` : ""}"${i.subject}" to ${audience.sampled ? "at most " : ""}${total} of ${list.members} on list ${list.name} (${list.id}) in ${waves.length} wave(s) from ${first}; ${removed.length} removed`,
    action: "send",
    record_type: "email",
    count: total,
    recipients: keep
      .slice(0, SAMPLE)
      .map((m) => ({ email: m.email, name: m.name, time_zone: m.timeZone, send_at: sendAtOf.get(m.id) })),
    ...(total > SAMPLE && { not_shown: total - Math.min(SAMPLE, keep.length) }),
    ...(audience.sampled && {
      removals_from: `a sample of ${audience.members.length}; the sender drops other unsubscribed, bounced and suppressed addresses at send time`,
    }),
    list,
    removed: { ...removedBy, sample: removed.slice(0, 5) },
    ...content,
    test_send: { id: tested.id, at: tested.createdAt },
    schedule: waves.map((w) => ({
      send_at: w.sendAt,
      time_zones: w.timeZones.map((z) => z || `unknown (as ${cfg?.GUARD_DEFAULT_TIME_ZONE ?? "UTC"})`),
      // the wave holding the unseen members holds everyone not seen in another wave
      recipients: w.members.includes(unseen) ? total - keep.length + w.members.length - 1 : w.members.length,
    })),
    throttle: { batch_size: EMAIL_BATCH_SIZE, batches_per_minute: EMAIL_BATCHES_PER_MINUTE },
    side_effects: [
      "Each wave goes out when it is daytime where its recipients are; a scheduled send cannot be recalled here.",
    ],
  };
  return { draft, plan };
}

export const emailCampaignSend = marketingTool({
  name: "email_campaign_send",
  title: "Send an email campaign",
  description:
    "Emails a list or a draft_id; test-send the same content first with test_to. A human approves.",
  toolset: emailToolset.name,
  scopes: ["marketing:write"],
  ports: ["email"],
  annotations: annotations.send,
  input,
  output: z.object({
    send: z.object({
      id: z.string(),
      kind: z.enum(["test", "campaign"]),
      recipients: z.number(),
      send_at: z.string(),
    }),
    written: WrittenSchema,
    note: z.string(),
  }),
  guard: {
    kind: "outbound",
    preview: planned.preview,
  },
  handler: async ({ input: i, ctx }) => {
    const d = await planned.derived(i, ctx);
    const { email } = ctx.ports;
    const { send, created } = await email.send(d.draft, {
      principal: ctx.principal.id,
      ...(ctx.write && { planHash: ctx.write.planHash, idempotencyKey: ctx.write.idempotencyKey }),
    });
    const what = send.kind === "test" ? "Test send" : "Send";
    return {
      send: { id: send.id, kind: send.kind, recipients: send.recipients, send_at: send.sendAt },
      written: { system: email.source, id: send.id },
      note: created
        ? `${what} ${send.id} to ${send.recipients} recipient(s) from ${send.sendAt}.`
        : `${what} ${send.id} was already made by an earlier call; nothing was sent again.`,
    };
  },
  render: (o) => `${o.send.kind} ${o.send.id}: ${o.send.recipients} recipients from ${o.send.send_at}`,
  example: {
    list_id: "lst_0002",
    subject: "Our spring update",
    body: "<p>Hello</p>",
    test_to: ["me@example.com"],
  },
});
