import { notFound, ToolError, userError } from "@revops/kit";
import { isVendorError } from "@revops/resilience";
import type { CrmPort, LeadDetail } from "../../ports";

/** The lead fresh from its system; an outage refuses the plan instead of guessing, a missing lead names the field. */
export async function freshLead(crm: CrmPort, id: string, source: string): Promise<LeadDetail> {
  let lead: LeadDetail | undefined;
  try {
    lead = await crm.getLead(id);
  } catch (err) {
    throw new ToolError(
      "retryable",
      `Could not read lead ${id} from ${source} just now, so no plan was made.${isVendorError(err) ? ` ${err.message}` : ""}`,
      { hint: "Nothing was written. Retry in a minute.", cause: err },
    );
  }
  if (!lead)
    throw notFound(`lead_id: no lead ${id}.`, {
      fields: ["lead_id"],
      hint: "Find the lead with leads_list and pass its id.",
    });
  return lead;
}

/** A converted lead is changed through its contact and deal, never converted again. */
export function refuseConverted(lead: LeadDetail): void {
  if (!lead.converted) return;
  const deal = lead.conversion?.dealId;
  throw userError(
    `lead_id: lead ${lead.id} (${lead.name}) is already converted${deal ? ` into deal ${deal}` : ""}.`,
    {
      fields: ["lead_id"],
      hint: deal
        ? `Work on the deal with deal_get / deal_update ${deal}, or its contact with contact_upsert.`
        : "Work on its contact with contact_upsert or its deal with deal_update.",
    },
  );
}

/** An adapter's RangeError "field: what is wrong" → a user error naming that field (conflicts say re-plan). */
export function refusal(err: unknown, fields: readonly string[], tool: string): unknown {
  if (!(err instanceof RangeError)) return err;
  if (err.message.startsWith("conflict:"))
    return userError(`Not executed: ${err.message.slice(9).trim()} Nothing was written.`, {
      hint: `Call ${tool} with dry_run: true to see the current plan, then get it confirmed again.`,
      cause: err,
    });
  const field = fields.find((f) => err.message.startsWith(`${f}:`));
  return userError(err.message, { ...(field && { fields: [field] }), cause: err });
}

/** The write's origin: who, under which confirmed plan, with its idempotency key. */
export const originOf = (ctx: {
  principal: { id: string };
  write?: { planHash?: string; idempotencyKey?: string; resumed?: boolean };
}) => ({ principal: ctx.principal.id, ...ctx.write });
