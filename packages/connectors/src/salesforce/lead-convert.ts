import { isVendorError, writeOnce } from "@revops/resilience";
import { type SalesforceConnector, soqlString } from "./operations";

/** One LeadConvert of the SOAP convertLead call (Partner API); absent ids: Salesforce creates the record. */
export interface SalesforceLeadConvert {
  leadId: string;
  accountId?: string;
  contactId?: string;
  /** A Lead Status whose IsConverted is true. */
  convertedStatus: string;
  opportunityName: string;
  ownerId?: string;
}

/** The records a converted lead points at (LeadConvertResult, or the lead's Converted*Id fields). */
export interface SalesforceLeadConverted {
  leadId: string;
  accountId: string;
  contactId: string;
  opportunityId: string;
}

/**
 * Salesforce refused the conversion for good: a LeadConvertResult error (INVALID_CROSS_REFERENCE_KEY,
 * CANNOT_UPDATE_CONVERTED_LEAD, INVALID_STATUS…) or an API fault other than an outage (INVALID_ID_FIELD…).
 */
export class SalesforceConvertError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly fields: string[] = [],
  ) {
    super(`${code}: ${message}`);
    this.name = "SalesforceConvertError";
  }
}

/** Faults after which the call may have been applied: looked up, never taken as a refusal. */
const OUTAGE_FAULTS = new Set(["SERVER_UNAVAILABLE", "UNKNOWN_EXCEPTION", "REQUEST_RUNNING_TOO_LONG"]);

/** A definite SOAP fault in a failed HTTP answer (Salesforce sends every fault as HTTP 500), else undefined. */
function definiteFault(err: unknown): SalesforceConvertError | undefined {
  if (!isVendorError(err)) return undefined;
  const body = String((err.cause as { body?: unknown } | undefined)?.body ?? "");
  const code = body.match(/<faultcode>(?:\w+:)?(\w+)<\/faultcode>/)?.[1];
  if (!code || OUTAGE_FAULTS.has(code)) return undefined;
  const text = body.match(/<faultstring>([\s\S]*?)<\/faultstring>/)?.[1] ?? code;
  return new SalesforceConvertError(code, text.replace(new RegExp(`^${code}:\\s*`), ""));
}

interface LeadConvertResult {
  success: boolean;
  leadId: string | null;
  accountId: string | null;
  contactId: string | null;
  opportunityId: string | null;
  errors: { statusCode: string; message: string; fields?: string[] | string }[];
}

const asList = (v: string[] | string | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The lead's own record of its conversion, read fresh; undefined while it is not converted. */
export async function convertedLead(
  sf: SalesforceConnector,
  leadId: string,
): Promise<SalesforceLeadConverted | undefined> {
  const soql = `SELECT Id, IsConverted, ConvertedAccountId, ConvertedContactId, ConvertedOpportunityId FROM Lead WHERE Id = ${soqlString(leadId)}`;
  const [r] = (await sf.sdk.runtime.named("leads.lookup", true, () => sf.query(soql))).records;
  if (r?.IsConverted !== true) return undefined;
  return {
    leadId: r.Id,
    accountId: String(r.ConvertedAccountId ?? ""),
    contactId: String(r.ConvertedContactId ?? ""),
    opportunityId: String(r.ConvertedOpportunityId ?? ""),
  };
}

/**
 * Converts one lead through jsforce's `conn.soap.convertLead`, once: after an ambiguous failure (no answer, 5xx,
 * an outage fault) the lead's IsConverted and Converted*Id fields are read before a single retry, and a conversion
 * `landed` accepts is returned as `recovered`. Refusals throw SalesforceConvertError.
 */
export async function convertLeadOnce(
  sf: SalesforceConnector,
  lc: SalesforceLeadConvert,
  landed: (c: SalesforceLeadConverted) => Promise<boolean>,
): Promise<{ value: SalesforceLeadConverted; recovered: boolean }> {
  const { runtime, withSession } = sf.sdk;
  return writeOnce({
    write: async () => {
      let r: LeadConvertResult;
      try {
        r = (await runtime.named("leads.convert", false, () =>
          withSession((conn) =>
            conn.soap.convertLead({
              ...lc,
              doNotCreateOpportunity: false,
              overwriteLeadSource: false,
              sendNotificationEmail: false,
            } as never),
          ),
        )) as unknown as LeadConvertResult;
      } catch (err) {
        throw definiteFault(err) ?? err;
      }
      const [e] = r.errors ?? [];
      if (!r.success || !r.accountId || !r.contactId || !r.opportunityId)
        throw new SalesforceConvertError(
          e?.statusCode ?? "UNKNOWN",
          e?.message ?? "convertLead failed",
          asList(e?.fields),
        );
      return {
        leadId: r.leadId ?? lc.leadId,
        accountId: r.accountId,
        contactId: r.contactId,
        opportunityId: r.opportunityId,
      };
    },
    lookup: async () => {
      const c = await convertedLead(sf, lc.leadId);
      return c && (await landed(c)) ? c : undefined;
    },
  });
}
