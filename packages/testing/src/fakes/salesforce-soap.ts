/**
 * Salesforce SOAP API (Partner WSDL) fake: `convertLead` only, at POST /services/Soap/u/<version>. Shapes follow
 * Salesforce's SOAP API Developer Guide (convertLead(), LeadConvert, LeadConvertResult, Error, API fault elements)
 * and what jsforce's SOAP client sends: the session in the envelope's SessionHeader, never an Authorization header.
 */

import type { FakeRequest, Reply } from "./http-fake";
import { accessExpired } from "./oauth";
import {
  followStage,
  nextSObjectId,
  recordHistory,
  type SalesforceState,
  type SObjectRow,
} from "./salesforce";

export const SOAP_PATH = /^\/services\/Soap\/u\/\d+\.\d+$/;

const ENVELOPE_OPEN =
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com" xmlns:sf="urn:fault.partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">';

const xmlEscape = (v: string) =>
  v.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const xmlUnescape = (v: string) =>
  v
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");

const xml = (status: number, body: string): Reply => ({
  status,
  raw: `${ENVELOPE_OPEN}<soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`,
  headers: { "content-type": "text/xml;charset=UTF-8" },
});

/** An API fault: HTTP 500 with faultcode sf:<code> (what Salesforce answers for a bad session or a malformed call). */
export function soapFault(code: string, message: string, status = 500): Reply {
  return xml(
    status,
    `<soapenv:Fault><faultcode>sf:${code}</faultcode><faultstring>${xmlEscape(`${code}: ${message}`)}</faultstring><detail><sf:UnexpectedErrorFault xsi:type="sf:UnexpectedErrorFault"><sf:exceptionCode>${code}</sf:exceptionCode><sf:exceptionMessage>${xmlEscape(message)}</sf:exceptionMessage></sf:UnexpectedErrorFault></detail></soapenv:Fault>`,
  );
}

/** The text of the first `<name>` element in `scope` (any namespace prefix); undefined when absent or nil. */
function element(scope: string, name: string): string | undefined {
  const m = scope.match(new RegExp(`<(?:\\w+:)?${name}(\\s[^>]*)?(?:/>|>([\\s\\S]*?)</(?:\\w+:)?${name}>)`));
  if (!m || /xsi:nil="true"/.test(m[1] ?? "")) return undefined;
  return xmlUnescape(m[2] ?? "").trim();
}

function blocks(scope: string, name: string): string[] {
  const re = new RegExp(`<(?:\\w+:)?${name}(?:\\s[^>]*)?>([\\s\\S]*?)</(?:\\w+:)?${name}>`, "g");
  return [...scope.matchAll(re)].map((m) => m[1] ?? "");
}

interface LeadConvert {
  leadId?: string;
  accountId?: string;
  contactId?: string;
  convertedStatus?: string;
  doNotCreateOpportunity: boolean;
  opportunityName?: string;
  ownerId?: string;
}

interface ConvertError {
  statusCode: string;
  message: string;
  fields?: string[];
}

type ConvertResult =
  | { success: true; leadId: string; accountId: string; contactId: string; opportunityId: string | null }
  | { success: false; errors: ConvertError[] };

const SF_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;
/** The same record: equal ids, or a 15-character id and the 18-character form that starts with it. */
const sameId = (a: unknown, b: unknown) =>
  typeof a === "string" &&
  typeof b === "string" &&
  (a === b || (Math.min(a.length, b.length) === 15 && a.slice(0, 15) === b.slice(0, 15)));
const find = (state: SalesforceState, type: string, id: string | undefined) =>
  id ? [...(state.objects[type]?.values() ?? [])].find((r) => sameId(r.Id, id)) : undefined;
const fail = (statusCode: string, message: string, fields?: string[]): ConvertResult => ({
  success: false,
  errors: [{ statusCode, message, ...(fields ? { fields } : {}) }],
});

/** The last day of the current calendar quarter: the CloseDate Salesforce gives an opportunity a conversion makes. */
function quarterEnd(now = new Date()): string {
  const end = new Date(Date.UTC(now.getUTCFullYear(), Math.floor(now.getUTCMonth() / 3) * 3 + 3, 0));
  return end.toISOString().slice(0, 10);
}

function create(state: SalesforceState, type: string, fields: Record<string, unknown>): SObjectRow {
  const row: SObjectRow = {
    ...fields,
    Id: nextSObjectId(state, type),
    CreatedDate: new Date().toISOString().replace("Z", "+0000"),
  };
  state.objects[type]?.set(row.Id, row);
  return row;
}

/** What Salesforce checks before converting; the first problem found, as a LeadConvertResult error. */
function refusal(state: SalesforceState, lc: LeadConvert): ConvertResult | undefined {
  const lead = find(state, "Lead", lc.leadId);
  if (!lead) return fail("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", ["leadId"]);
  if (lead.IsConverted === true)
    return fail("CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead", ["leadId"]);
  const status = [...(state.objects.LeadStatus?.values() ?? [])].find(
    (s) => s.MasterLabel === lc.convertedStatus && s.IsConverted === true,
  );
  if (!status) return fail("INVALID_STATUS", `invalid convertedStatus: ${lc.convertedStatus ?? ""}`);
  if (lc.accountId && !find(state, "Account", lc.accountId))
    return fail("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", ["accountId"]);
  if (lc.contactId) {
    const contact = find(state, "Contact", lc.contactId);
    if (!contact) return fail("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", ["contactId"]);
    // an existing contact is merged only into its own account, which the call must name
    if (!lc.accountId || !sameId(contact.AccountId, lc.accountId))
      return fail("INVALID_FIELD", "contactId must be a contact of accountId", ["contactId"]);
  }
  const users = state.objects.User;
  if (lc.ownerId && users && !find(state, "User", lc.ownerId))
    return fail("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", ["ownerId"]);
  if (lc.doNotCreateOpportunity && lc.opportunityName)
    return fail("INVALID_FIELD", "opportunityName must be blank when doNotCreateOpportunity is true");
  return undefined;
}

/** Converts one lead as Salesforce does: account and contact reused or made from the lead, an opportunity unless told not. */
function convertOne(state: SalesforceState, lc: LeadConvert): ConvertResult {
  const refused = refusal(state, lc);
  if (refused) return refused;
  const lead = find(state, "Lead", lc.leadId) as SObjectRow;
  const ownerId = lc.ownerId ?? lead.OwnerId ?? null;
  const account =
    find(state, "Account", lc.accountId) ??
    create(state, "Account", { Name: lead.Company, Website: lead.Website ?? null, OwnerId: ownerId });
  const contact =
    find(state, "Contact", lc.contactId) ??
    create(state, "Contact", {
      FirstName: lead.FirstName ?? null,
      LastName: lead.LastName ?? null,
      Name: [lead.FirstName, lead.LastName].filter(Boolean).join(" "),
      Email: lead.Email ?? null,
      Title: lead.Title ?? null,
      AccountId: account.Id,
      OwnerId: ownerId,
    });
  let opportunity: SObjectRow | undefined;
  if (!lc.doNotCreateOpportunity) {
    const firstOpen = [...(state.objects.OpportunityStage?.values() ?? [])]
      .filter((s) => s.IsActive !== false && s.IsClosed !== true)
      .sort((a, b) => Number(a.SortOrder) - Number(b.SortOrder))[0];
    opportunity = create(state, "Opportunity", {
      Name: lc.opportunityName || lead.Company,
      AccountId: account.Id,
      OwnerId: ownerId,
      StageName: firstOpen?.MasterLabel ?? null,
      CloseDate: quarterEnd(),
      LeadSource: lead.LeadSource ?? null,
      Amount: null,
      Type: null,
      ...(state.currencies ? { CurrencyIsoCode: state.currencies.corporate } : {}),
    });
    followStage(state, opportunity);
    recordHistory(state, { Id: opportunity.Id }, opportunity);
    create(state, "OpportunityContactRole", {
      OpportunityId: opportunity.Id,
      ContactId: contact.Id,
      Role: null,
      IsPrimary: true,
    });
  }
  const converted = {
    IsConverted: true,
    Status: lc.convertedStatus,
    ConvertedAccountId: account.Id,
    ConvertedContactId: contact.Id,
    ConvertedOpportunityId: opportunity?.Id ?? null,
    ConvertedDate: new Date().toISOString().slice(0, 10),
  };
  Object.assign(lead, converted);
  state.appliedUpdates.push({ type: "Lead", id: lead.Id, fields: { ...converted } });
  return {
    success: true,
    leadId: lead.Id,
    accountId: account.Id,
    contactId: contact.Id,
    opportunityId: opportunity?.Id ?? null,
  };
}

const id = (name: string, v: string | null) => (v ? `<${name}>${v}</${name}>` : `<${name} xsi:nil="true"/>`);

function resultXml(r: ConvertResult): string {
  if (r.success)
    return `<result>${id("accountId", r.accountId)}${id("contactId", r.contactId)}${id("leadId", r.leadId)}${id("opportunityId", r.opportunityId)}<success>true</success></result>`;
  const errors = r.errors
    .map(
      (e) =>
        `<errors>${(e.fields ?? []).map((f) => `<fields>${f}</fields>`).join("")}<message>${xmlEscape(e.message)}</message><statusCode>${e.statusCode}</statusCode></errors>`,
    )
    .join("");
  return `<result>${id("accountId", null)}${id("contactId", null)}${errors}${id("leadId", null)}${id("opportunityId", null)}<success>false</success></result>`;
}

function parseLeadConvert(block: string): LeadConvert {
  const opt = (name: string) => element(block, name) || undefined;
  return {
    leadId: opt("leadId"),
    accountId: opt("accountId"),
    contactId: opt("contactId"),
    convertedStatus: opt("convertedStatus"),
    doNotCreateOpportunity: element(block, "doNotCreateOpportunity") === "true",
    opportunityName: opt("opportunityName"),
    ownerId: opt("ownerId"),
  };
}

/** POST /services/Soap/u/<version>: the SessionHeader checked, then the call in the body (convertLead only). */
export function soapRoute(state: SalesforceState, req: FakeRequest): Reply {
  if (req.method !== "POST") return soapFault("INVALID_OPERATION", "SOAP calls are POSTed", 405);
  const session = element(element(req.body, "SessionHeader") ?? "", "sessionId");
  if (!session || accessExpired(state.oauth, session))
    return soapFault("INVALID_SESSION_ID", "Invalid Session ID found in SessionHeader: Illegal Session");
  state.apiUsage++;
  if (state.apiUsage > state.dailyAllocation)
    return soapFault("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.");
  const call = blocks(blocks(req.body, "Body")[0] ?? "", "convertLead")[0];
  if (call === undefined) return soapFault("UNKNOWN_EXCEPTION", "this fake implements convertLead only");
  const requests = blocks(call, "leadConverts").map(parseLeadConvert);
  if (requests.length === 0 || requests.length > 100)
    return soapFault("INVALID_BATCH_SIZE", "convertLead takes 1 to 100 leadConverts");
  // a malformed id is a fault for the whole call, unlike a well-formed id of no record (a per-lead error)
  for (const lc of requests)
    for (const [field, v] of Object.entries(lc))
      if (field.endsWith("Id") && typeof v === "string" && !SF_ID.test(v))
        return soapFault("INVALID_ID_FIELD", `Invalid ${field}: ${v}`);
  const results = requests.map((lc) => convertOne(state, lc));
  const after = state.failAfterWrite;
  if (after && after.times > 0 && results.some((r) => r.success)) {
    after.times--;
    return soapFault("SERVER_UNAVAILABLE", "Service temporarily unavailable", after.status);
  }
  return xml(200, `<convertLeadResponse>${results.map(resultXml).join("")}</convertLeadResponse>`);
}
