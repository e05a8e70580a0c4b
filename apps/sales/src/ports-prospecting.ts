import type { WriteOrigin } from "@revops/model";

/** What a prospect search filters on; titles and locations match loosely, the rest exactly. */
export interface ProspectFilter {
  titles?: string[];
  /** Apollo's values: c_suite, vp, head, director, manager, senior, entry. */
  seniorities?: string[];
  domains?: string[];
  industries?: string[];
  locations?: string[];
  employeesMin?: number;
  employeesMax?: number;
  page: number;
  perPage: number;
}

/** A person from the directory's search: the last name masked and no email, as Apollo answers searches. */
export interface ProspectPerson {
  id: string;
  firstName: string;
  lastNameMasked: string | null;
  title: string | null;
  seniority: string | null;
  company: string | null;
  domain: string | null;
  hasEmail: boolean;
}

export interface ProspectCompany {
  id: string;
  name: string;
  domain: string | null;
  industry: string | null;
  employees: number | null;
  location: string | null;
}

/** One search page, its total, and the credits it spent (0 when nothing matched). */
export interface ProspectPage<T> {
  total: number;
  rows: T[];
  credits: number;
}

/** What the directory knows of a company; every field checked before it is shown. */
export interface CompanyProfile {
  name: string | null;
  industry: string | null;
  employees: number | null;
  /** Annual revenue as a band ("$10M–$50M"). */
  revenueBand: string | null;
  country: string | null;
  location: string | null;
  technologies: string[];
}

/** A person revealed by enrichment: real name and work email. */
export interface RevealedPerson {
  name: string;
  title: string | null;
  email: string | null;
}

/**
 * Apollo's directory, or the sandbox's deterministic one. Searching people is free; a company search page with
 * results, an enriched company and each revealed person spend a credit; a no-match spends nothing.
 */
export interface ProspectingPort {
  source: "apollo" | "sandbox";
  findPeople(f: ProspectFilter): Promise<ProspectPage<ProspectPerson>>;
  findCompanies(f: ProspectFilter): Promise<ProspectPage<ProspectCompany>>;
  /** The company at this domain (undefined: not in the directory, no credit) and up to `people` people there. */
  enrich(
    domain: string,
    people: number,
  ): Promise<{ profile?: CompanyProfile; people: RevealedPerson[]; credits: number }>;
}

/** The account fields enrichment may write back. */
export interface AccountFirmographics {
  industry?: string;
  employees?: number;
  country?: string;
}

/** Writes enriched fields onto a CRM account once per key; `expected`: the plan's "before", or a conflict. */
export interface AccountWritePort {
  /** The CRM's own value for a directory industry (null: none fits, left out of the write); absent: taken as is. */
  industryValue?(industry: string): string | null;
  updateFirmographics(
    accountId: string,
    changes: AccountFirmographics,
    origin: WriteOrigin,
    expected: AccountFirmographics,
  ): Promise<{ system: string; id: string } | undefined>;
}
