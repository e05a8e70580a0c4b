import type { HubSpotConnector } from "@revops/connectors";
import type { FreshnessTracker } from "@revops/connectors/freshness";
import type { LeadFacts } from "@revops/model";

const LEAD_PROPS = [
  "firstname",
  "lastname",
  "email",
  "company",
  "jobtitle",
  "lifecyclestage",
  "hs_lead_status",
  "hs_analytics_source",
  "hubspotscore",
  "createdate",
  "hubspot_owner_id",
];
/** Lifecycle stages past "sales qualified lead": the contact became an opportunity or a customer. */
const CONVERTED = new Set(["opportunity", "customer", "evangelist"]);
/** HubSpot's original source → the suite's sources. */
const SOURCES: Record<string, string> = {
  ORGANIC_SEARCH: "organic",
  DIRECT_TRAFFIC: "organic",
  PAID_SEARCH: "paid_search",
  PAID_SOCIAL: "paid_social",
  SOCIAL_MEDIA: "organic",
  REFERRALS: "referral",
  EMAIL_MARKETING: "outbound",
  OFFLINE: "event",
};
const PAGE = 200;
/** At most this many contacts are read (oldest first). */
export const MAX_LEADS = 10_000;
const s = (v: unknown) => (v === null || v === undefined ? "" : String(v));

/**
 * Contacts that entered the funnel (any lifecycle stage set) as lead facts, oldest first: HubSpot's leads are
 * contacts; converted = lifecycle stage opportunity or later; hubspotscore is the CRM's own score.
 */
export async function hubspotLeadFacts(
  hs: HubSpotConnector,
  t: FreshnessTracker,
  owners: Map<string, string>,
): Promise<LeadFacts[]> {
  const { runtime, apis } = hs.sdk;
  const out: LeadFacts[] = [];
  let after: string | undefined;
  do {
    const key = `sales:contacts.leads:${after ?? ""}`;
    const page = t.take(
      await runtime.read(key, async () => {
        const { value } = await runtime.attempt("contacts.search", () =>
          apis.contacts.searchApi.doSearch({
            filterGroups: [
              { filters: [{ propertyName: "lifecyclestage", operator: "HAS_PROPERTY" }] },
            ] as never,
            sorts: ["createdate"],
            properties: LEAD_PROPS,
            limit: PAGE,
            ...(after ? { after } : {}),
          }),
        );
        return {
          results: value.results.map((r) => ({ id: r.id, properties: { ...r.properties } })),
          next: value.paging?.next?.after,
        };
      }),
    );
    for (const c of page.results) {
      const p = c.properties;
      const stage = s(p.lifecyclestage).toLowerCase();
      const score = p.hubspotscore == null || p.hubspotscore === "" ? null : Number(p.hubspotscore);
      out.push({
        id: c.id,
        name: `${s(p.firstname)} ${s(p.lastname)}`.trim() || s(p.email),
        company: s(p.company),
        email: s(p.email),
        title: s(p.jobtitle),
        source: SOURCES[s(p.hs_analytics_source)] ?? (s(p.hs_analytics_source).toLowerCase() || "other"),
        campaignId: null,
        status: CONVERTED.has(stage) ? "converted" : s(p.hs_lead_status).toLowerCase() || stage,
        ownerId: s(p.hubspot_owner_id) || null,
        ownerName: p.hubspot_owner_id ? (owners.get(s(p.hubspot_owner_id)) ?? s(p.hubspot_owner_id)) : null,
        crmScore: score !== null && Number.isFinite(score) ? Math.max(0, Math.min(100, score)) : null,
        createdAt: new Date(s(p.createdate)).toISOString(),
        converted: CONVERTED.has(stage),
        touches: 0,
        clicks: 0,
        registrations: 0,
      });
    }
    after = page.next;
    if (after && out.length >= MAX_LEADS) {
      t.partial(`Only the oldest ${MAX_LEADS.toLocaleString("en-US")} leads were read.`);
      break;
    }
  } while (after);
  t.caveat("HubSpot campaign touches are not read per contact: engagement is the HubSpot score alone.");
  return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}
