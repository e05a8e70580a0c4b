/** A sandbox lead as a vendor fake is seeded with it: read from sb_leads with SQL, never from the code under test. */
export interface SeedLead {
  name: string;
  company: string;
  email: string;
  title: string;
  source: string;
  score: number;
  createdAt: string;
  converted: boolean;
}

export const SEED_LEADS_SQL = `SELECT name, company, email, title, source, score, created_at AS "createdAt",
  CASE WHEN converted_deal_id IS NOT NULL OR status = 'converted' THEN 1 ELSE 0 END AS converted
  FROM sb_leads ORDER BY created_at, id`;

/** The sandbox's sources as each vendor records them. */
export const SF_SOURCE: Record<string, string> = { organic: "Web", partner: "Partner Referral" };
export const HS_SOURCE: Record<string, string> = {
  organic: "ORGANIC_SEARCH",
  paid_search: "PAID_SEARCH",
  paid_social: "PAID_SOCIAL",
  referral: "REFERRALS",
  outbound: "EMAIL_MARKETING",
  event: "OFFLINE",
};
const titleCase = (s: string) =>
  s.replace(/(^|_)([a-z])/g, (_m, sep, c) => `${sep ? " " : ""}${c.toUpperCase()}`);
export const splitName = (name: string) => {
  const [first, ...rest] = name.split(" ");
  return { first: first ?? "", last: rest.join(" ") };
};

/** Salesforce Lead rows: LeadSource in Salesforce's picklist, converted leads closed as converted. */
export const salesforceLeads = (leads: readonly SeedLead[]) =>
  leads.map((l) => ({
    Name: l.name,
    Company: l.company,
    Email: l.email,
    Title: l.title,
    LeadSource: SF_SOURCE[l.source] ?? titleCase(l.source),
    Status: l.converted ? "Closed - Converted" : "Open - Not Contacted",
    IsConverted: l.converted,
    CreatedDate: l.createdAt.replace("Z", ".000+0000"),
  }));

/** HubSpot contacts in the funnel: lifecycle stage lead (customer once converted), analytics source and score. */
export const hubspotLeadContacts = (leads: readonly SeedLead[]) =>
  leads.map((l) => {
    const { first, last } = splitName(l.name);
    return {
      firstname: first,
      lastname: last,
      email: l.email,
      company: l.company,
      jobtitle: l.title,
      lifecyclestage: l.converted ? "customer" : "lead",
      hs_analytics_source: HS_SOURCE[l.source] ?? l.source,
      hubspotscore: String(l.score),
      createdate: l.createdAt.replace("Z", ".000Z"),
    };
  });
