import { isVendorError, VendorError } from "@revops/resilience";
import type { Runtime } from "../runtime";
import type { ApolloSdk } from "./client";

/** Filters both searches take; Apollo matches titles and locations loosely and the rest exactly. */
export interface ApolloSearchFilter {
  titles?: string[];
  /** Apollo's seniority values: owner, founder, c_suite, partner, vp, head, director, manager, senior, entry. */
  seniorities?: string[];
  domains?: string[];
  /** The companies' keyword tags (industries). */
  keywords?: string[];
  locations?: string[];
  employeesMin?: number;
  employeesMax?: number;
  page: number;
  perPage: number;
}

/** A People API Search row: Apollo masks the last name and never sends the email here. */
export interface ApolloSearchPerson {
  id: string;
  first_name?: string | null;
  last_name_obfuscated?: string | null;
  title?: string | null;
  seniority?: string | null;
  has_email?: boolean | null;
  organization?: { name?: string | null; primary_domain?: string | null } | null;
}

export interface ApolloPage<T> {
  total: number;
  rows: T[];
}

const MAX_PAGE = 500;

function checked(f: ApolloSearchFilter): void {
  if (!Number.isInteger(f.page) || f.page < 1 || f.page > MAX_PAGE || f.perPage < 1 || f.perPage > 100) {
    throw new VendorError({
      vendor: "apollo",
      kind: "invalid",
      retryable: false,
      message: `Apollo pages run from 1 to ${MAX_PAGE} with 1 to 100 rows each.`,
    });
  }
}

/** The request body Apollo's searches take. */
export function searchBody(f: ApolloSearchFilter, people: boolean): Record<string, unknown> {
  const ranges =
    f.employeesMin !== undefined || f.employeesMax !== undefined
      ? [`${f.employeesMin ?? 1},${f.employeesMax ?? 10_000_000}`]
      : undefined;
  return {
    ...(people && f.titles?.length ? { person_titles: f.titles } : {}),
    ...(people && f.seniorities?.length ? { person_seniorities: f.seniorities } : {}),
    ...(f.domains?.length ? { q_organization_domains_list: f.domains } : {}),
    ...(f.keywords?.length ? { q_organization_keyword_tags: f.keywords } : {}),
    ...(f.locations?.length ? { organization_locations: f.locations } : {}),
    ...(ranges ? { organization_num_employees_ranges: ranges } : {}),
    page: f.page,
    per_page: f.perPage,
  };
}

const total = (body: { total_entries?: unknown; pagination?: { total_entries?: unknown } | null }) => {
  const t = body.pagination?.total_entries ?? body.total_entries;
  return typeof t === "number" && Number.isSafeInteger(t) && t >= 0 ? t : 0;
};

/** POST /api/v1/mixed_people/api_search: free (no credit) and without emails. */
export async function searchPeople(
  sdk: ApolloSdk,
  runtime: Runtime,
  f: ApolloSearchFilter,
): Promise<ApolloPage<ApolloSearchPerson>> {
  checked(f);
  const { value } = await runtime.attempt("people.search", async () => {
    const res = await sdk.request({
      method: "POST",
      path: "/api/v1/mixed_people/api_search",
      body: searchBody(f, true),
      input: "the people search",
    });
    const body = JSON.parse(res.body) as { people?: unknown; total_entries?: unknown };
    const rows = Array.isArray(body.people) ? (body.people as ApolloSearchPerson[]) : [];
    return { total: total(body), rows: rows.filter((p) => typeof p?.id === "string") };
  });
  return value;
}

/**
 * POST /api/v1/mixed_companies/search: one credit per page with results. An empty page is thrown as not_found
 * inside the attempt so the ledger charges nothing for it, and never retried once Apollo may have answered.
 */
export async function searchOrganizations<T extends { id: string }>(
  sdk: ApolloSdk,
  runtime: Runtime,
  f: ApolloSearchFilter,
): Promise<ApolloPage<T>> {
  checked(f);
  try {
    const { value } = await runtime.attempt(
      "organizations.search",
      async () => {
        const res = await sdk.request({
          method: "POST",
          path: "/api/v1/mixed_companies/search",
          body: searchBody(f, false),
          input: "the company search",
        });
        const body = JSON.parse(res.body) as {
          organizations?: unknown;
          pagination?: { total_entries?: unknown };
        };
        const rows = (Array.isArray(body.organizations) ? (body.organizations as T[]) : []).filter(
          (o) => typeof o?.id === "string",
        );
        if (rows.length === 0)
          throw new VendorError({
            vendor: "apollo",
            kind: "not_found",
            retryable: false,
            message: "Apollo has no company matching the search.",
          });
        return { total: total(body), rows };
      },
      { idempotent: false },
    );
    return value;
  } catch (err) {
    if (isVendorError(err) && err.kind === "not_found") return { total: 0, rows: [] };
    throw err;
  }
}
