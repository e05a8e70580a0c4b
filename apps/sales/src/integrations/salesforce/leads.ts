import type { SalesforceConnector } from "@revops/connectors";
import type { FreshnessTracker } from "@revops/connectors/freshness";
import type { LeadFacts } from "@revops/model";

const LEAD_FIELDS = "Id, Name, Company, Email, Title, LeadSource, Status, IsConverted, CreatedDate, OwnerId";
/** Salesforce's LeadSource picklist → the suite's sources (anything else is kept, lower-cased). */
const SOURCES: Record<string, string> = {
  web: "organic",
  "phone inquiry": "outbound",
  "partner referral": "partner",
  "purchased list": "outbound",
  other: "other",
};
const s = (v: unknown) => (v === null || v === undefined ? "" : String(v));

/**
 * Every Lead (oldest first, up to the connector's cap) as lead facts. Salesforce keeps no behavioural score or
 * campaign touches on the Lead itself: crmScore is null and touches 0 (the model learns from fit and source).
 */
export async function salesforceLeadFacts(
  sf: SalesforceConnector,
  t: FreshnessTracker,
  owners: Map<string, string>,
): Promise<LeadFacts[]> {
  const soql = `SELECT ${LEAD_FIELDS} FROM Lead ORDER BY CreatedDate`;
  const result = t.take(await sf.sdk.runtime.read(`soql:${soql}`, () => sf.query(soql)));
  if (!result.complete)
    t.partial(`Salesforce has ${result.totalSize} leads; the oldest ${result.records.length} were read.`);
  t.caveat("Salesforce leads carry no engagement score or campaign touches here: engagement is not learned.");
  return result.records.map((r) => {
    const source = s(r.LeadSource).toLowerCase();
    return {
      id: r.Id,
      name: s(r.Name),
      company: s(r.Company),
      email: s(r.Email),
      title: s(r.Title),
      source: SOURCES[source] ?? source.replace(/\s+/g, "_"),
      campaignId: null,
      status: r.IsConverted === true ? "converted" : s(r.Status).toLowerCase(),
      ownerId: s(r.OwnerId) || null,
      ownerName: r.OwnerId ? (owners.get(s(r.OwnerId)) ?? s(r.OwnerId)) : null,
      crmScore: null,
      createdAt: s(r.CreatedDate).replace("+0000", "Z"),
      converted: r.IsConverted === true,
      touches: 0,
      clicks: 0,
      registrations: 0,
    };
  });
}
