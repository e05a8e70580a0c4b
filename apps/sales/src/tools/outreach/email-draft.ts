import {
  annotations,
  type ToolContext,
  untrustedName,
  untrustedText,
  userError,
  WrittenSchema,
} from "@revops/kit";
import { z } from "zod";
import { qualify } from "../../domain/qualification";
import { type SalesPorts, salesTool } from "../../ports";
import { readDealRecord } from "../deals/deal-record";
import { freshDeal, originOf, peopleOf, refuseUnsubscribed, repOf } from "../meetings/context";
import { outreachToolset } from "./toolset";

const QUESTIONS = 2;
const input = z
  .object({
    deal_id: z.string().min(1).max(64),
    to: z.email().optional().describe("Default: the most engaged contact"),
  })
  .strict();
type Input = z.output<typeof input>;

/** The follow-up the deal's context makes (next step, open MEDDICC questions), as the rep would save it. */
async function planOf(i: Input, ctx: ToolContext<SalesPorts>) {
  const { ports, record: r, read } = await readDealRecord(ctx, i.deal_id);
  const contact = i.to
    ? r.contacts.find((c) => c.email.toLowerCase() === i.to?.toLowerCase())
    : r.contacts.find((c) => c.email);
  const to = (i.to ?? contact?.email)?.toLowerCase();
  if (!to)
    throw userError(`deal_id: deal ${r.deal.id} has no contact with an email address.`, {
      fields: ["to"],
      hint: "Pass to with the recipient's address.",
    });
  refuseUnsubscribed(await peopleOf(ports, [to]), [to], "to");
  const rep = await repOf(ports, await freshDeal(ports, r.deal.id));
  const first = contact?.name.split(/\s+/)[0];
  const asks = qualify({ nextStep: r.deal.nextStep, activities: read, contacts: r.contacts }, "meddicc")
    .elements.filter((e) => !e.known)
    .flatMap((e) => e.ask.slice(0, 1))
    .slice(0, QUESTIONS);
  const body = [
    `Hi ${first ?? "there"},`,
    "",
    `Thank you for your time on ${r.deal.name}.`,
    ...(r.deal.nextStep ? ["", `As agreed, next: ${r.deal.nextStep}.`] : []),
    ...(asks.length
      ? ["", "To plan the next steps well, could you help me with:", ...asks.map((a) => `- ${a}`)]
      : []),
    "",
    "Best regards,",
    r.deal.ownerName,
  ].join("\n");
  const email = {
    senderId: rep.id,
    senderEmail: rep.email,
    to: [to],
    subject: `${r.deal.name}: next steps`,
    body,
    dealId: r.deal.id,
    accountId: r.deal.accountId,
  };
  const plan = {
    summary: `Save a draft "${email.subject}" to ${to} in ${rep.email}'s mailbox; nothing is sent`,
    action: "create",
    record_type: "email draft",
    records: [{ id: r.deal.id, name: r.deal.name }],
    sender: rep.email,
    to: [to],
    subject: email.subject,
    body,
    system: ports.mail.source,
  };
  return { ports, email, plan, toName: contact?.name ?? null };
}

export const emailDraft = salesTool({
  name: "email_draft",
  title: "Draft a deal email",
  description:
    "Saves a follow-up from a deal's next step and open questions as a draft in the rep's mailbox.",
  toolset: outreachToolset.name,
  scopes: ["sales:write"],
  ports: ["crm", "mail"],
  annotations: annotations.create,
  input,
  output: z.object({
    deal_id: z.string(),
    to: z.string(),
    to_name: untrustedName(z.string().nullable(), "contact name"),
    subject: untrustedText(z.string(), "email subject", 200),
    body: untrustedText(z.string(), "email body", 2000),
    written: WrittenSchema,
    note: z.string(),
  }),
  // a draft leaves no mailbox: a low-risk create, confirmed in the conversation
  guard: { kind: "destructive", preview: async (i, ctx) => (await planOf(i, ctx)).plan },
  example: { deal_id: "deal_0001" },
  handler: async ({ input: i, ctx }) => {
    const { ports, email, toName } = await planOf(i, ctx);
    const w = await ports.mail.saveDraft(email, originOf(ctx));
    return {
      deal_id: email.dealId,
      to: email.to[0] as string,
      to_name: toName,
      subject: email.subject,
      body: email.body,
      written: { system: w.system, id: w.id },
      note: `${w.created ? "Saved" : "An earlier attempt had saved it: not saved again"} in ${email.senderEmail}'s drafts; edit it there, or send with email_send (a human confirms).`,
    };
  },
  render: (o) => `Draft ${o.written.system}:${o.written.id} to ${o.to}: ${o.subject}\n\n${o.body}`,
});
