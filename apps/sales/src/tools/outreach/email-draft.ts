import { annotations, ConnectionSchema, untrustedName, untrustedText, userError } from "@revops/kit";
import { z } from "zod";
import { qualify } from "../../domain/qualification";
import { salesTool } from "../../ports";
import { readDealRecord } from "../deals/deal-record";
import { outreachToolset } from "./toolset";

const QUESTIONS = 2;

export const emailDraft = salesTool({
  name: "email_draft",
  title: "Draft a deal email",
  description: "Drafts a follow-up from a deal's next step and open questions; sends nothing.",
  toolset: outreachToolset.name,
  scopes: ["sales:read"],
  annotations: annotations.read,
  input: z
    .object({
      deal_id: z.string().min(1).max(64),
      to: z.email().optional().describe("Default: the most engaged contact"),
      connection: ConnectionSchema.optional(),
    })
    .strict(),
  output: z.object({
    deal_id: z.string(),
    to: z.string(),
    to_name: untrustedName(z.string().nullable(), "contact name"),
    subject: untrustedText(z.string(), "email subject", 200),
    body: untrustedText(z.string(), "email body", 2000),
    note: z.string(),
  }),
  example: { deal_id: "deal_0001" },
  handler: async ({ input: i, ctx }) => {
    const { record: r, read } = await readDealRecord(ctx, i.deal_id, i.connection);
    const contact = i.to
      ? r.contacts.find((c) => c.email.toLowerCase() === i.to?.toLowerCase())
      : r.contacts.find((c) => c.email);
    const to = i.to ?? contact?.email;
    if (!to)
      throw userError(`deal_id: deal ${r.deal.id} has no contact with an email address.`, {
        fields: ["to"],
        hint: "Pass to with the recipient's address.",
      });
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
    return {
      deal_id: r.deal.id,
      to,
      to_name: contact?.name ?? null,
      subject: `${r.deal.name}: next steps`,
      body,
      note: "A draft only: edit it, then send with email_send (a human confirms).",
    };
  },
  render: (o) => `To ${o.to}: ${o.subject}\n\n${o.body}`,
});
