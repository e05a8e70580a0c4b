import { guardStateOf } from "@revops/guards";
import { annotations, type ToolContext, userError, WrittenSchema } from "@revops/kit";
import { z } from "zod";
import { type SalesPorts, salesTool } from "../../ports";
import {
  AddressSchema,
  deliveryOf,
  distinct,
  freshDeal,
  originOf,
  peopleOf,
  refuseUnsubscribed,
  repOf,
} from "../meetings/context";
import { outreachToolset } from "./toolset";

const input = z
  .object({
    deal_id: z.string().min(1).max(64),
    to: z.array(AddressSchema).min(1).max(5),
    subject: z.string().trim().min(1).max(200),
    body: z.string().trim().min(1).max(20_000),
  })
  .strict();
type Input = z.output<typeof input>;
const EXCERPT = 200;

/** The message as the deal's rep would send it, after unsubscribes and the rep's daily cap. */
async function planOf(i: Input, ctx: ToolContext<SalesPorts>) {
  const ports = ctx.ports;
  const deal = await freshDeal(ports, i.deal_id);
  const rep = await repOf(ports, deal);
  const to = distinct(i.to);
  const people = await peopleOf(ports, to);
  refuseUnsubscribed(people, to, "to");
  const now = await ports.now();
  const sent = await ports.mail.sentSince(rep.email, `${now.slice(0, 10)}T00:00:00.000Z`);
  if (sent >= ports.emailDailyCap)
    throw userError(
      `${rep.email} already sent ${sent} sales emails today (UTC); the cap is ${ports.emailDailyCap} per rep per day.`,
      { hint: "Send tomorrow, or ask an administrator about SALES_EMAIL_DAILY_CAP." },
    );
  const zone = (e: string) => people.get(e)?.timeZone;
  const email = {
    senderId: rep.id,
    senderEmail: rep.email,
    to,
    subject: i.subject,
    body: i.body,
    dealId: deal.id,
    accountId: deal.accountId,
  };
  const plan = {
    summary: `Email "${i.subject}" to ${to.join(", ")} from ${rep.email} about ${deal.name}`,
    action: "send",
    record_type: "email",
    records: [{ id: deal.id, name: deal.name }],
    // quiet hours are judged where each recipient is (the guard's send rules)
    recipients: to.map((e) => ({
      email: e,
      ...(people.get(e)?.name && { name: people.get(e)?.name }),
      ...(zone(e) && { time_zone: zone(e) as string }),
    })),
    sender: rep.email,
    sent_today: { count: sent, cap: ports.emailDailyCap },
    not_known_contacts: to.filter((e) => !people.has(e)),
    subject: i.subject,
    body_excerpt: i.body.length > EXCERPT ? `${i.body.slice(0, EXCERPT)}…` : i.body,
    system: ports.mail.source,
    delivery: deliveryOf(ports.mail.source),
    ...(guardStateOf(ctx) && { quiet_hours: guardStateOf(ctx)?.config.GUARD_QUIET_HOURS }),
  };
  return { ports, email, plan };
}

export const emailSend = salesTool({
  name: "email_send",
  title: "Send a deal email",
  description: "Emails contacts as the deal's rep; a human confirms.",
  toolset: outreachToolset.name,
  scopes: ["sales:write"],
  ports: ["crm", "mail"],
  annotations: annotations.send,
  input,
  output: z.object({ id: z.string(), to: z.array(z.string()), written: WrittenSchema, note: z.string() }),
  guard: { kind: "outbound", preview: async (i, ctx) => (await planOf(i, ctx)).plan },
  handler: async ({ input: i, ctx }) => {
    const { ports, email } = await planOf(i, ctx);
    const w = await ports.mail.send(email, originOf(ctx));
    return {
      id: w.id,
      to: email.to,
      written: { system: w.system, id: w.id },
      note: w.created ? `Sent from ${email.senderEmail}.` : "An earlier attempt had sent it: not sent again.",
    };
  },
  render: (o) => `${o.written.system}:${o.id} to ${o.to.join(", ")}. ${o.note}`,
  example: {
    deal_id: "deal_0001",
    to: ["buyer@example.com"],
    subject: "Next steps",
    body: "Hi, thanks for today.",
  },
});
