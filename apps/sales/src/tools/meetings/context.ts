import { notFound, ToolError, userError } from "@revops/kit";
import type { WriteOrigin } from "@revops/model";
import { isVendorError } from "@revops/resilience";
import { REGION_ZONES } from "@revops/sandbox";
import { z } from "zod";
import type { DealDetail, KnownPerson, SalesPorts } from "../../ports";

/** The deal fresh from the CRM (a plan must not show cached values); an outage refuses the plan. */
export async function freshDeal(ports: SalesPorts, id: string): Promise<DealDetail> {
  let deal: DealDetail | undefined;
  try {
    deal = await ports.crm.getDeal(id);
  } catch (err) {
    if (err instanceof ToolError) throw err;
    throw new ToolError(
      "retryable",
      `Could not read deal ${id} from ${ports.source} just now, so no plan was made.${isVendorError(err) ? ` ${err.message}` : ""}`,
      { hint: "Nothing was done. Retry in a minute.", cause: err },
    );
  }
  if (!deal)
    throw notFound(`deal_id: no deal ${id}.`, {
      fields: ["deal_id"],
      hint: "Find the deal with deals_list and pass its id.",
    });
  return deal;
}

/** The deal's rep, who organises its meetings and sends its email. */
export async function repOf(ports: SalesPorts, deal: DealDetail) {
  const rep = (await ports.crm.listOwners()).find((o) => o.id === deal.ownerId);
  if (!rep?.email)
    throw userError(`deal_id: the deal's owner ${deal.ownerName} has no email address in ${ports.source}.`, {
      fields: ["deal_id"],
      hint: "Assign the deal to a rep with an email address (deal_update owner).",
    });
  return { ...rep, timeZone: REGION_ZONES[rep.region] ?? null };
}

/** Who each address is, lower-cased: known contacts and reps; a CRM that cannot tell makes everyone unknown. */
export async function peopleOf(ports: SalesPorts, emails: string[]): Promise<Map<string, KnownPerson>> {
  const found = ports.crm.people ? await ports.crm.people(emails) : [];
  return new Map(found.map((p) => [p.email.toLowerCase(), p]));
}

/** Distinct lower-cased addresses, in the order given. */
export const distinct = (emails: string[]) => [...new Set(emails.map((e) => e.trim().toLowerCase()))];

/** Refuses addresses of contacts who unsubscribed, naming the field. */
export function refuseUnsubscribed(people: Map<string, KnownPerson>, emails: string[], field: string) {
  const out = emails.filter((e) => people.get(e)?.unsubscribed);
  if (out.length > 0)
    throw userError(`${field}: ${out.join(", ")} unsubscribed from email; nothing may be sent to them.`, {
      fields: [field],
      hint: `Remove them from ${field}.`,
    });
}

/** Who writes, under which confirmed plan, with the key that makes the write happen once. */
export function originOf(ctx: {
  principal: { id: string };
  write?: { planHash: string; idempotencyKey: string; resumed?: boolean };
}): WriteOrigin {
  return { principal: ctx.principal.id, ...ctx.write };
}

/** Sandbox writes only record: the guard then skips the sandbox's recipient-domain allowlist. */
export const deliveryOf = (source: string) => (source === "sandbox" ? "simulated" : "vendor");

/** An email address, checked in code so the schema carries no format keyword (every token counts). */
export const AddressSchema = z
  .string()
  .max(254)
  .refine((s) => z.email().safeParse(s).success, "use an email address, e.g. ana@acme.com");
