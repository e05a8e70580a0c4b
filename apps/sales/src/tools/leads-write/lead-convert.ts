import {
  annotations,
  IsoDateSchema,
  MoneySchema,
  untrustedName,
  userError,
  WrittenSchema,
} from "@revops/kit";
import { z } from "zod";
import type { CrmPort, LeadConversion, LeadDetail } from "../../ports";
import { salesTool } from "../../ports";
import { ownerLabel, resolveOwner } from "../deals-write/owner";
import { freshLead, originOf, refusal, refuseConverted } from "./lead-read";
import { leadsWriteToolset } from "./toolset";

// the deal is named after the account (deal_update renames it); its owner: `owner`, else the lead's, else the account's
const input = z
  .object({
    lead_id: z.string().min(1),
    amount: z
      .number()
      .int("amount: whole US dollars, e.g. 25000")
      .min(0)
      .refine((v) => v <= 1e12, "amount: at most 1,000,000,000,000"),
    close_date: IsoDateSchema,
    owner: z.string().min(1).optional(),
  })
  .strict();
type Input = z.output<typeof input>;

/** The domain of a business address ("ana@acme.com" → "acme.com"); "" for none. */
const domainOf = (email: string) => email.split("@")[1]?.trim().toLowerCase() ?? "";

/** An account already in the CRM for the lead's company: same domain first, else the same name. */
async function matchAccount(crm: CrmPort, lead: LeadDetail) {
  const domain = domainOf(lead.email);
  if (domain) {
    const byDomain = (await crm.accountCandidates({ domain, limit: 5 })).rows.filter(
      (r) => r.domain.toLowerCase().replace(/^www\./, "") === domain,
    );
    if (byDomain[0]) return { id: byDomain[0].id, name: byDomain[0].name, by: `domain ${domain}` };
  }
  const name = lead.company.trim().toLowerCase();
  const byName = (await crm.accountCandidates({ name: lead.company, limit: 10 })).rows.find(
    (r) => r.name.trim().toLowerCase() === name,
  );
  return byName && { id: byName.id, name: byName.name, by: "name" };
}

/** The owner of the account the deal goes on, if any. */
async function accountOwner(crm: CrmPort, id: string | undefined) {
  const account = id ? await crm.getAccount(id) : undefined;
  return account && { id: account.ownerId, name: account.ownerName };
}

/**
 * The three records the lead becomes, each reused or created, and why. `lead` given: the handler's own fresh read
 * (a converted lead is then the adapter's to judge: its conversion under this plan's key is found, any other refused).
 */
async function planOf(crm: CrmPort, a: Input, source: string, fresh?: LeadDetail) {
  const lead = fresh ?? (await freshLead(crm, a.lead_id, source));
  if (!fresh) refuseConverted(lead);
  const contact = await crm.contactByEmail(lead.email);
  // an existing contact keeps its account (Salesforce merges a contact only into its own account)
  const account = contact?.accountId
    ? { id: contact.accountId, name: contact.accountName, by: `contact ${lead.email}` }
    : await matchAccount(crm, lead);
  const owner = a.owner
    ? await resolveOwner(crm, a.owner)
    : lead.ownerId
      ? { id: lead.ownerId, name: lead.ownerName ?? lead.ownerId }
      : await accountOwner(crm, account?.id);
  if (!owner)
    throw userError(`owner: lead ${lead.id} has no owner and no existing account to take one from.`, {
      fields: ["owner"],
      hint: `Pass owner (a rep's id, name or email), or give the lead one with lead_update.`,
    });
  const accountName = account?.name ?? lead.company;
  const dealName = `${accountName} - New business`;
  const conversion: LeadConversion = {
    ...(account && { accountId: account.id }),
    accountName,
    domain: domainOf(lead.email),
    ...(contact && { contactId: contact.id }),
    deal: {
      name: dealName,
      amount: a.amount,
      closeDate: a.close_date,
      stage: "prospecting",
      type: "new_business",
      ownerId: owner.id,
    },
  };
  const creates = [
    {
      record_type: "account",
      action: account ? "reuse" : "create",
      id: account?.id ?? "(new)",
      name: accountName,
      ...(account && { matched_by: account.by }),
    },
    {
      record_type: "contact",
      action: contact ? "reuse" : "create",
      id: contact?.id ?? "(new)",
      name: contact?.name ?? lead.name,
      ...(contact && { matched_by: `email ${lead.email}` }),
    },
    { record_type: "deal", action: "create", id: "(new)", name: dealName },
  ];
  return { lead, conversion, creates, owner: ownerLabel(owner.name, owner.id) };
}

const RefSchema = z.object({
  id: z.string(),
  name: untrustedName(z.string(), "record name"),
  created: z.boolean(),
});

export const leadConvert = salesTool({
  name: "lead_convert",
  title: "Convert a lead",
  description: "Turns a lead into account, contact and deal; a human confirms.",
  toolset: leadsWriteToolset.name,
  scopes: ["sales:write"],
  ports: ["crm"],
  annotations: annotations.update,
  input,
  output: z.object({
    lead_id: z.string(),
    account: RefSchema,
    contact: RefSchema,
    deal: RefSchema.omit({ created: true }).extend({ amount: MoneySchema, close_date: z.string() }),
    written: WrittenSchema,
    note: z.string(),
  }),
  guard: {
    kind: "destructive",
    preview: async (a, ctx) => {
      const { lead, conversion, creates, owner } = await planOf(ctx.ports.crm, a, ctx.ports.source);
      const said = creates.map(
        (c) =>
          `${c.action} ${c.record_type} ${c.name}${c.action === "reuse" ? ` (${c.id}, same ${c.matched_by})` : ""}`,
      );
      return {
        summary: `Convert lead ${lead.name} (${lead.id}): ${said.join("; ")}: $${a.amount.toLocaleString("en-US")}, closing ${a.close_date}, owner ${owner}`,
        action: "convert",
        record_type: "lead",
        // one lead converted in one plan; the records it creates or reuses are listed below
        records: [{ id: lead.id, name: lead.name }],
        creates,
        deal: {
          name: conversion.deal.name,
          amount: a.amount,
          close_date: a.close_date,
          stage: "prospecting",
          owner,
        },
        system: ctx.ports.source,
      };
    },
  },
  handler: async ({ input: a, ctx }) => {
    const { crm, source } = ctx.ports;
    const origin = originOf(ctx);
    // a plan that already converted the lead (an earlier attempt landed) is found by its key, not refused
    const lead = await freshLead(crm, a.lead_id, source);
    let w: Awaited<ReturnType<CrmPort["convertLead"]>>;
    try {
      const { conversion } = await planOf(crm, a, source, lead);
      w = await crm.convertLead(lead.id, conversion, origin);
    } catch (err) {
      throw refusal(err, ["lead_id", "owner", "amount", "close_date"], "lead_convert");
    }
    return {
      lead_id: w.leadId,
      account: w.account,
      contact: w.contact,
      deal: { ...w.deal, amount: a.amount, close_date: a.close_date },
      written: { system: w.system, id: w.deal.id },
      note: w.recovered
        ? "This plan had already converted the lead (an earlier attempt landed); it was found, not done again."
        : `Converted in ${w.system}: account ${w.account.created ? "created" : "reused"}, contact ${w.contact.created ? "created" : "reused"}, deal created.`,
    };
  },
  render: (o) =>
    `Converted lead ${o.lead_id}: account ${o.account.name} (${o.account.created ? "new" : "existing"}), contact ${o.contact.name} (${o.contact.created ? "new" : "existing"}), deal ${o.deal.name} (${o.written.system}:${o.deal.id}).`,
  example: { lead_id: "lead_0003", amount: 24000, close_date: "2027-01-29", owner: "usr_01" },
});
