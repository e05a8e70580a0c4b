import {
  type ApolloConnector,
  type ApolloOrganization,
  type ApolloSearchFilter,
  apolloDomain,
} from "@revops/connectors";
import type {
  CompanyProfile,
  ProspectCompany,
  ProspectFilter,
  ProspectingPort,
  RevealedPerson,
} from "../../ports-prospecting";
import { revenueBand } from "../revenue-band";

const text = (v: unknown, max = 120) =>
  typeof v === "string" && v.trim() && v.length <= max ? v.trim() : null;
const count = (v: unknown) =>
  typeof v === "number" && Number.isSafeInteger(v) && v >= 0 && v <= 10_000_000 ? v : null;

const toApollo = (f: ProspectFilter): ApolloSearchFilter => ({
  ...(f.titles && { titles: f.titles }),
  ...(f.seniorities && { seniorities: f.seniorities }),
  ...(f.domains && { domains: f.domains.map((d) => apolloDomain(d) ?? d) }),
  ...(f.industries && { keywords: f.industries }),
  ...(f.locations && { locations: f.locations }),
  ...(f.employeesMin !== undefined && { employeesMin: f.employeesMin }),
  ...(f.employeesMax !== undefined && { employeesMax: f.employeesMax }),
  page: f.page,
  perPage: f.perPage,
});

const place = (o: ApolloOrganization) =>
  [o.city, o.state, o.country]
    .map((v) => text(v, 60))
    .filter(Boolean)
    .join(", ") || null;

const asCompany = (o: ApolloOrganization): ProspectCompany => ({
  id: o.id,
  name: text(o.name) ?? "(unnamed)",
  domain: typeof o.primary_domain === "string" ? (apolloDomain(o.primary_domain) ?? null) : null,
  industry: text(o.industry),
  employees: count(o.estimated_num_employees),
  location: place(o),
});

export function apolloProfile(o: ApolloOrganization): CompanyProfile {
  const tech = Array.isArray(o.technology_names) ? o.technology_names : [];
  return {
    name: text(o.name),
    industry: text(o.industry),
    employees: count(o.estimated_num_employees),
    revenueBand: revenueBand(typeof o.annual_revenue === "number" ? o.annual_revenue : null),
    country: text(o.country, 60),
    location: place(o),
    technologies: tech
      .map((t) => text(t, 60))
      .filter((t): t is string => t !== null)
      .slice(0, 10),
  };
}

/** Apollo's directory: people search is free, a company page with results, an enriched company or person a credit. */
export class ApolloProspecting implements ProspectingPort {
  readonly source = "apollo" as const;
  constructor(private readonly apollo: ApolloConnector) {}

  async findPeople(f: ProspectFilter) {
    const page = await this.apollo.searchPeople(toApollo(f));
    return {
      total: page.total,
      credits: 0,
      rows: page.rows.map((p) => ({
        id: p.id,
        firstName: text(p.first_name, 60) ?? "",
        lastNameMasked: text(p.last_name_obfuscated, 60),
        title: text(p.title),
        seniority: text(p.seniority, 30),
        company: text(p.organization?.name),
        domain: apolloDomain(p.organization?.primary_domain ?? "") ?? null,
        hasEmail: p.has_email === true,
      })),
    };
  }

  async findCompanies(f: ProspectFilter) {
    const page = await this.apollo.searchOrganizations(toApollo(f));
    return { total: page.total, rows: page.rows.map(asCompany), credits: page.rows.length > 0 ? 1 : 0 };
  }

  async enrich(domain: string, people: number) {
    const org = (await this.apollo.enrichOrganization(domain)).value;
    if (!org) return { people: [], credits: 0 };
    const revealed: RevealedPerson[] = [];
    if (people > 0) {
      const found = await this.apollo.searchPeople({ domains: [domain], page: 1, perPage: people });
      for (const p of found.rows) {
        const person = await this.apollo.matchPerson({ id: p.id });
        if (person)
          revealed.push({
            name: text(person.name) ?? "(unnamed)",
            title: text(person.title),
            email: text(person.email, 254),
          });
      }
    }
    return { profile: apolloProfile(org), people: revealed, credits: 1 + revealed.length };
  }
}
