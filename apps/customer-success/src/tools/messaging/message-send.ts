import { annotations, type ToolContext, untrustedName, userError, WrittenSchema } from "@revops/kit";
import { fromVendor } from "@revops/safety/vendor-errors";
import { z } from "zod";
import { type CsPorts, csTool, type MessageChannel } from "../../ports";
import { deliveryOf, excerptOf, isAddress, recipientOf, sendSettings, writeKeyOf } from "./send-plan";
import { messagingToolset } from "./toolset";

const CHANNELS = ["email", "intercom"] as const satisfies readonly MessageChannel[];

const input = z
  .object({
    to: z.array(z.string().max(254)).min(1).max(20),
    subject: z.string().trim().min(1).max(200),
    body: z.string().trim().min(1).max(20_000),
    channel: z.enum(CHANNELS).optional(),
  })
  .strict();
type Input = z.output<typeof input>;

const list = (emails: string[]) => emails.join(", ");

/** Who gets it: known customer contacts only, none unsubscribed or refused by the delivering system. */
async function planOf(i: Input, ctx: ToolContext<CsPorts>) {
  const ports = ctx.ports.messages;
  const channel = i.channel ?? ports.defaultChannel;
  const system = ports.systemOf(channel);
  const to = [...new Set(i.to.map((e) => e.trim().toLowerCase()))];
  const bad = to.filter((e) => !isAddress(e));
  if (bad.length > 0)
    throw userError(
      `to: ${list(bad)} ${bad.length === 1 ? "is not an email address" : "are not email addresses"}.`,
      {
        fields: ["to"],
        hint: "Use addresses such as ana@acme.com.",
      },
    );
  const contacts = await ports.contactsByEmail(to);
  const byEmail = new Map(contacts.map((c) => [c.email.toLowerCase(), c]));
  const unknown = to.filter((e) => !byEmail.has(e));
  if (unknown.length > 0)
    throw userError(
      `to: ${list(unknown)} ${unknown.length === 1 ? "is" : "are"} not a contact of any account.`,
      {
        fields: ["to"],
        hint: "message_send writes only to known customer contacts: remove them, or add them to the CRM first.",
      },
    );
  const people = to.map((e) => byEmail.get(e) as NonNullable<ReturnType<typeof byEmail.get>>);
  const unsubscribed = people.filter((c) => c.unsubscribed).map((c) => c.email);
  if (unsubscribed.length > 0)
    throw userError(`to: ${list(unsubscribed)} unsubscribed; nothing may be sent to them.`, {
      fields: ["to"],
      hint: "Remove them from to.",
    });
  const refused = await fromVendor(() => ports.suppressed(channel, to));
  if (refused.length > 0)
    throw userError(`to: ${system} suppresses ${list(refused)} (unsubscribed, bounced or blocked there).`, {
      fields: ["to"],
      hint: "Remove them from to.",
    });
  const accounts = [...new Map(people.map((c) => [c.accountId, c.accountName])).entries()];
  const plan = {
    summary: `${channel === "email" ? "Email" : "Intercom message"} "${i.subject}" to ${to.length} contact(s) at ${accounts.map(([, n]) => n).join(", ")} via ${system}`,
    action: "send",
    record_type: "message",
    // every recipient is listed: quiet hours, caps and suppressions are judged for each (few: at most 20)
    recipients: people.map((c) => recipientOf(c)),
    recipient_count: people.length,
    accounts: accounts.map(([id, name]) => ({ id, name })),
    channel,
    system,
    subject: i.subject,
    body_excerpt: excerptOf(i.body),
    delivery: deliveryOf(system),
    quiet_hours: sendSettings(ctx).GUARD_QUIET_HOURS,
  };
  return { ports, channel, people, plan };
}

export const messageSend = csTool({
  name: "message_send",
  title: "Message customer contacts",
  description: "Messages customer contacts by email or Intercom; a human confirms.",
  toolset: messagingToolset.name,
  scopes: ["cs:write"],
  ports: ["messages"],
  annotations: annotations.send,
  input,
  output: z.object({
    id: z.string(),
    system: z.string(),
    to: z.array(z.string()),
    accounts: z.array(untrustedName(z.string(), "account name")),
    written: WrittenSchema,
    note: z.string(),
  }),
  guard: { kind: "outbound", preview: async (i, ctx) => (await planOf(i, ctx)).plan },
  handler: async ({ input: i, ctx }) => {
    const { ports, channel, people, plan } = await planOf(i, ctx);
    const now = await ports.now();
    const sent = await ports.send(
      {
        kind: "message",
        channel,
        subject: i.subject,
        body: i.body,
        recipients: people.map((c) => ({ contactId: c.id, email: c.email.toLowerCase(), sendAt: now })),
      },
      writeKeyOf(ctx),
    );
    return {
      id: sent.id,
      system: sent.system,
      to: plan.recipients.map((r) => r.email),
      accounts: plan.accounts.map((a) => a.name),
      written: { system: sent.system, id: sent.id },
      note: sent.created
        ? `Sent to ${sent.recipients} contact(s) through ${sent.system}.`
        : "An earlier attempt had sent it: not sent again.",
    };
  },
  render: (o) => `${o.system}:${o.id} to ${o.to.join(", ")}. ${o.note}`,
  example: {
    to: ["jonas.nakamura@cedarlinesolutions.de"],
    subject: "Your renewal",
    body: "Hi, can we find 20 minutes next week to plan your renewal?",
  },
});
