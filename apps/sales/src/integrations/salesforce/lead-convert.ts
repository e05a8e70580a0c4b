import {
  convertLeadOnce,
  SALESFORCE_IDEMPOTENCY_FIELD,
  type SalesforceConnector,
  SalesforceConvertError,
  type SalesforceLeadConverted,
  soqlString,
} from "@revops/connectors";
import type { ConversionWrite, LeadConversion, LeadDetail } from "@revops/model";
import type { WriteOrigin } from "../../ports";

const SF_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;
/** The same record: equal ids, or a 15-character id and the 18-character form that starts with it. */
const sameId = (a: unknown, b: unknown) =>
  typeof a === "string" &&
  typeof b === "string" &&
  (a === b || (Math.min(a.length, b.length) === 15 && a.slice(0, 15) === b.slice(0, 15)));

/** What the conversion needs from the Salesforce CRM adapter. */
export interface SalesforceConvertDeps {
  sf: SalesforceConnector;
  lead: (id: string) => Promise<LeadDetail | undefined>;
  /** The deal's owner, stage, amount, close date and type in the org's values (RangeError "field: …"). */
  dealFields: (deal: LeadConversion["deal"]) => Promise<Record<string, unknown>>;
}

async function one(sf: SalesforceConnector, op: string, soql: string) {
  return (await sf.sdk.runtime.named(op, true, () => sf.query(soql))).records[0];
}

/** The org's converted lead status (the first by sort order), what convertLead sets on the lead. */
async function convertedStatus(sf: SalesforceConnector): Promise<string> {
  const soql = "SELECT MasterLabel, IsConverted FROM LeadStatus ORDER BY SortOrder";
  const rows = (await sf.sdk.runtime.named("leadstatus.list", true, () => sf.query(soql))).records;
  const label = rows.find((r) => r.IsConverted === true)?.MasterLabel;
  if (typeof label !== "string")
    throw new RangeError(
      "lead_id: this Salesforce org has no converted lead status (LeadStatus.IsConverted).",
    );
  return label;
}

/** Refuses before converting when the org cannot hold the key (the opportunity could then never be found again). */
async function keyFieldPresent(sf: SalesforceConnector, key: string): Promise<void> {
  const soql = `SELECT Id FROM Opportunity WHERE ${SALESFORCE_IDEMPOTENCY_FIELD} = ${soqlString(key)} LIMIT 1`;
  try {
    await one(sf, "opportunities.lookup", soql);
  } catch (err) {
    const text = `${(err as { cause?: { body?: string } }).cause?.body ?? ""} ${(err as Error).message}`;
    if (text.includes(SALESFORCE_IDEMPOTENCY_FIELD))
      throw new RangeError(
        `lead_id: this Salesforce org has no ${SALESFORCE_IDEMPOTENCY_FIELD} field on Opportunity; an administrator must add it (Text 255, External ID, Unique) so a conversion can never run twice.`,
      );
    throw err;
  }
}

/** Salesforce's refusal as "field: …" (the tool names the field). */
function refused(leadId: string, e: SalesforceConvertError): RangeError {
  if (e.code === "CANNOT_UPDATE_CONVERTED_LEAD")
    return new RangeError(`lead_id: lead ${leadId} is already converted (IsConverted is true).`);
  const field = e.fields.includes("ownerId")
    ? "owner"
    : e.fields.includes("accountId")
      ? "account_id"
      : e.fields.includes("contactId")
        ? "contact_id"
        : "lead_id";
  return new RangeError(`${field}: Salesforce refused the conversion (${e.message}).`);
}

/**
 * Converts a lead through the SOAP convertLead call (account and contact reused by id or created from the lead, an
 * opportunity named after the plan's deal), then sets the deal's amount, close date, stage, type and this plan's key
 * on the opportunity. Once per key: a lead this plan converted (its opportunity holds the key, or, when a crash came
 * before the key was set, has none and the plan's name and account) is found and finished, never converted again.
 */
export async function salesforceConvertLead(
  deps: SalesforceConvertDeps,
  leadId: string,
  conv: LeadConversion,
  origin: WriteOrigin,
): Promise<ConversionWrite> {
  const { sf } = deps;
  const key = origin.idempotencyKey;
  if (!key) throw new Error("A Salesforce conversion needs the confirmed plan's idempotency key.");
  const lead = await deps.lead(leadId);
  if (!lead) throw new RangeError(`lead_id: no lead ${leadId}.`);
  if (conv.accountId && !SF_ID.test(conv.accountId))
    throw new RangeError(`account_id: ${conv.accountId} is not a Salesforce account id.`);
  const fields = await deps.dealFields(conv.deal);
  const ours = async (c: SalesforceLeadConverted) => {
    const opp = await one(
      sf,
      "opportunities.lookup",
      `SELECT Id, Name, ${SALESFORCE_IDEMPOTENCY_FIELD} FROM Opportunity WHERE Id = ${soqlString(c.opportunityId)}`,
    );
    const stamped = opp?.[SALESFORCE_IDEMPOTENCY_FIELD];
    if (stamped) return stamped === key;
    return opp?.Name === conv.deal.name && (!conv.accountId || sameId(c.accountId, conv.accountId));
  };
  let done: { value: SalesforceLeadConverted; recovered: boolean };
  const conversion = lead.conversion;
  if (lead.converted) {
    const c = {
      leadId,
      accountId: conversion?.accountId ?? "",
      contactId: conversion?.contactId ?? "",
      opportunityId: conversion?.dealId ?? "",
    };
    if (!c.opportunityId || !(await ours(c)))
      throw new RangeError(`lead_id: lead ${leadId} is already converted (IsConverted is true).`);
    done = { value: c, recovered: true };
  } else {
    await keyFieldPresent(sf, key);
    const status = await convertedStatus(sf);
    try {
      done = await convertLeadOnce(
        sf,
        {
          leadId,
          ...(conv.accountId && { accountId: conv.accountId }),
          ...(conv.contactId && { contactId: conv.contactId }),
          convertedStatus: status,
          opportunityName: conv.deal.name,
          ownerId: conv.deal.ownerId,
        },
        ours,
      );
    } catch (err) {
      throw err instanceof SalesforceConvertError ? refused(leadId, err) : err;
    }
  }
  const c = done.value;
  // the opportunity convertLead made carries only its name: the plan's deal values and key are set on it once
  await sf.updateOpportunityOnce(c.opportunityId, { ...fields, [SALESFORCE_IDEMPOTENCY_FIELD]: key });
  const name = async (type: string, id: string) =>
    String(
      (await one(sf, `${type.toLowerCase()}s.get`, `SELECT Name FROM ${type} WHERE Id = ${soqlString(id)}`))
        ?.Name ?? "",
    );
  return {
    system: "salesforce",
    leadId,
    account: { id: c.accountId, name: await name("Account", c.accountId), created: !conv.accountId },
    contact: { id: c.contactId, name: await name("Contact", c.contactId), created: !conv.contactId },
    deal: { id: c.opportunityId, name: conv.deal.name },
    recovered: done.recovered,
  };
}
