import { FreshnessTracker } from "@revops/connectors/freshness";
import type { LeadFacts } from "@revops/model";
import { translated } from "./errors";
import { chunks, type HubSpotMarketing } from "./marketing";

/** HubSpot stamps these when a contact enters the stage: set = the lead became an opportunity or a customer. */
const CONVERSION_DATES = ["hs_lifecyclestage_opportunity_date", "hs_lifecyclestage_customer_date"];
const PROPS = [
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
  "hs_email_open",
  "hs_email_click",
  "num_conversion_events",
  ...CONVERSION_DATES,
];
/** The suite's lead sources (leadSource) → the model's source features (referral, organic, outbound, event). */
const MODEL_SOURCE: Record<string, string> = {
  direct: "organic",
  organic_social: "organic",
  ai_referral: "referral",
  email: "outbound",
  offline: "event",
};

export const HUBSPOT_LEAD_HISTORY_NOTE =
  "HubSpot: leads are contacts at lifecycle stage lead or later (the oldest 10,000), converted = an opportunity or customer stage date (hs_lifecyclestage_*_date); touches are marketing emails opened + clicked + form submissions, clicks email clicks, registrations form submissions, counted to date (also after conversion); company size is numberofemployees of the first associated company.";

const s = (v: unknown) => (v === null || v === undefined ? "" : String(v));
const count = (v: unknown) => Math.max(0, Number(v) || 0);

/** Headcount of each contact's first associated company (HubSpot's numberofemployees), where it has one. */
async function employeesOf(marketing: HubSpotMarketing, contactIds: string[], t: FreshnessTracker) {
  const companyOf = new Map<string, string>();
  for (const ids of chunks(contactIds)) {
    const assoc = t.take(await marketing.hs.associatedIds("contacts", "companies", ids));
    for (const [contact, companies] of Object.entries(assoc))
      if (companies[0]) companyOf.set(contact, companies[0]);
  }
  const employees = new Map<string, number>();
  for (const ids of chunks([...new Set(companyOf.values())].sort())) {
    for (const c of t.take(await marketing.hs.batchRead("companies", ids, ["numberofemployees"]))) {
      const n = Number(c.properties.numberofemployees ?? "");
      if (c.properties.numberofemployees && Number.isFinite(n) && n >= 0) employees.set(c.id, n);
    }
  }
  return (contact: string) => employees.get(companyOf.get(contact) ?? "") ?? null;
}

/** Every HubSpot lead with its outcome as the lead-scoring model learns from it, oldest first. */
export function hubspotLeadFacts(marketing: HubSpotMarketing): Promise<LeadFacts[]> {
  return translated(() => leadFacts(marketing));
}

async function leadFacts(marketing: HubSpotMarketing): Promise<LeadFacts[]> {
  const t = new FreshnessTracker("HubSpot");
  const leads = await marketing.leads({}, t, PROPS);
  const employees = await employeesOf(
    marketing,
    leads.map((l) => l.id),
    t,
  );
  return leads
    .map((l): LeadFacts => {
      const p = l.properties;
      const converted = l.stage.converted || CONVERSION_DATES.some((d) => s(p[d]) !== "");
      const score = s(p.hubspotscore) === "" ? null : Number(p.hubspotscore);
      const opens = count(p.hs_email_open);
      const clicks = count(p.hs_email_click);
      const forms = count(p.num_conversion_events);
      return {
        id: l.id,
        name: `${s(p.firstname)} ${s(p.lastname)}`.trim() || s(p.email),
        company: s(p.company),
        email: s(p.email),
        title: s(p.jobtitle),
        source: MODEL_SOURCE[l.source] ?? l.source,
        campaignId: null,
        // an unqualified lead is closed like the sandbox's disqualified one
        status: converted
          ? "converted"
          : s(p.hs_lead_status).toUpperCase() === "UNQUALIFIED"
            ? "disqualified"
            : s(p.lifecyclestage).toLowerCase(),
        ownerId: s(p.hubspot_owner_id) || null,
        ownerName: null,
        crmScore: score !== null && Number.isFinite(score) ? Math.max(0, Math.min(100, score)) : null,
        createdAt: new Date(s(p.createdate)).toISOString(),
        converted,
        touches: opens + clicks + forms,
        clicks,
        registrations: forms,
        employees: employees(l.id),
      };
    })
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/** The lead history read once per day per process (fits and views of a day share it); a failed read is retried. */
export function dailyLeadFacts(marketing: HubSpotMarketing, today: () => Promise<string>) {
  let memo: { day: string; leads: Promise<LeadFacts[]> } | undefined;
  return async () => {
    const day = await today();
    if (memo?.day !== day) {
      const leads = hubspotLeadFacts(marketing);
      memo = { day, leads };
      leads.catch(() => {
        if (memo?.leads === leads) memo = undefined;
      });
    }
    return memo.leads;
  };
}
