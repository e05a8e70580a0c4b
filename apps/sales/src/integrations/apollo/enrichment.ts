import {
  type ApolloConnector,
  type ApolloOrganization,
  apolloDomain,
  checkDisplayLink,
} from "@revops/connectors";
import { isVendorError } from "@revops/resilience";
import type { EnrichmentPort, Firmographics } from "../../ports";

const LINKEDIN_HOSTS = ["linkedin.com", "*.linkedin.com"];

/** Apollo sends LinkedIn pages as http://; LinkedIn serves only https, so on that host alone it is upgraded. */
function linkedinUrl(raw: unknown): string | null {
  if (typeof raw !== "string" || raw.length > 500) return null;
  try {
    return checkDisplayLink(raw.replace(/^http:\/\//i, "https://"), LINKEDIN_HOSTS).href;
  } catch {
    return null;
  }
}

const count = (v: unknown, max: number) =>
  typeof v === "number" && Number.isSafeInteger(v) && v >= 0 && v <= max ? v : null;
const money = (v: unknown) => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : null);
const year = (v: unknown, now: Date) =>
  typeof v === "number" && Number.isInteger(v) && v >= 1600 && v <= now.getUTCFullYear() ? v : null;
const label = (v: unknown) => (typeof v === "string" && v.trim() && v.length <= 100 ? v.trim() : null);

/** The same company: equal domains, or one a subdomain of the other (eu.acme.com and acme.com). */
const sameCompany = (a: string, b: string) => a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);

export function toFirmographics(org: ApolloOrganization, now = new Date()): Firmographics {
  return {
    industry: label(org.industry),
    employees: count(org.estimated_num_employees, 10_000_000),
    annualRevenue: money(org.annual_revenue),
    foundedYear: year(org.founded_year, now),
    linkedinUrl: linkedinUrl(org.linkedin_url),
    source: "apollo",
  };
}

/** account_get's firmographics from Apollo organization enrichment; an outage or no match becomes a note. */
export class ApolloEnrichment implements EnrichmentPort {
  constructor(private readonly apollo: ApolloConnector) {}

  async firmographics(raw: string): Promise<{ firmographics?: Firmographics; note?: string }> {
    const domain = apolloDomain(raw);
    if (!domain)
      return {
        note: `No firmographics: the account's domain "${raw.slice(0, 100)}" is not a company domain.`,
      };
    try {
      const read = await this.apollo.enrichOrganization(domain);
      const org = read.value;
      if (!org) return { note: `No firmographics: Apollo has no company at ${domain}.` };
      const matched = typeof org.primary_domain === "string" ? apolloDomain(org.primary_domain) : undefined;
      if (matched && !sameCompany(matched, domain)) {
        return {
          note: `No firmographics: Apollo matched ${domain} to another company's domain (${matched}).`,
        };
      }
      const firmographics = toFirmographics(org);
      if (!read.stale) return { firmographics };
      return {
        firmographics,
        note: `Apollo is unavailable (${read.error.message}); firmographics are cached from ${read.fetchedAt}.`,
      };
    } catch (err) {
      const why = isVendorError(err) ? err.message : "the Apollo call failed";
      return { note: `No firmographics: ${why}` };
    }
  }
}
