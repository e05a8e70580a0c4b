import { isIP } from "node:net";
import { isVendorError, type MaybeStale, VendorError } from "@revops/resilience";
import type { ResilienceSetup } from "../connection";
import { type ApolloConnection, type ApolloSdk, createApolloSdk } from "./client";
import {
  type ApolloPage,
  type ApolloSearchFilter,
  type ApolloSearchPerson,
  searchOrganizations,
  searchPeople,
} from "./search";

/** The organization fields the suite reads; Apollo sends many more. */
export type ApolloOrganization = Record<string, unknown> & {
  id: string;
  name?: string | null;
  primary_domain?: string | null;
  industry?: string | null;
  estimated_num_employees?: number | null;
  annual_revenue?: number | null;
  founded_year?: number | null;
  linkedin_url?: string | null;
};

export type ApolloPerson = Record<string, unknown> & {
  id: string;
  name?: string | null;
  title?: string | null;
  email?: string | null;
  linkedin_url?: string | null;
};

/** What identifies a person: an email, a LinkedIn URL, or a name with a company domain or name. */
export interface PersonMatchInput {
  /** Apollo's person id, from a people search. */
  id?: string;
  email?: string;
  linkedinUrl?: string;
  firstName?: string;
  lastName?: string;
  name?: string;
  domain?: string;
  organizationName?: string;
}

export interface ApolloConnector {
  readonly sdk: ApolloSdk;
  /** GET /api/v1/organizations/enrich; null when Apollo knows no company at that domain (no credit spent). */
  enrichOrganization(domain: string): Promise<MaybeStale<ApolloOrganization | null>>;
  /** POST /api/v1/people/match; null when nobody matches (no credit spent). */
  matchPerson(input: PersonMatchInput): Promise<ApolloPerson | null>;
  /** People API Search: no credit spent, no emails returned. */
  searchPeople(filter: ApolloSearchFilter): Promise<ApolloPage<ApolloSearchPerson>>;
  /** Organization Search: one credit per page with results; an empty page costs nothing. */
  searchOrganizations(filter: ApolloSearchFilter): Promise<ApolloPage<ApolloOrganization>>;
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** "https://www.Acme.com/about" → "acme.com"; undefined when it is no public company domain. */
export function apolloDomain(raw: string): string | undefined {
  let host = raw.trim().toLowerCase();
  host = host.includes("@") && !host.includes("/") ? (host.split("@").pop() ?? "") : host;
  try {
    host = new URL(/^[a-z][a-z0-9+.-]*:\/\//.test(host) ? host : `https://${host}`).hostname;
  } catch {
    return undefined;
  }
  host = host.replace(/\.$/, "").replace(/^www\./, "");
  const labels = host.split(".");
  const tld = labels.at(-1) ?? "";
  if (isIP(host) || host.length > 253 || labels.length < 2) return undefined;
  if (!labels.every((l) => LABEL.test(l)) || !/^([a-z]{2,63}|xn--[a-z0-9-]+)$/.test(tld)) return undefined;
  return host;
}

/** A 200 without a record: Apollo's no-match; thrown inside the attempt so the ledger charges nothing. */
const noMatch = (what: string) =>
  new VendorError({
    vendor: "apollo",
    kind: "not_found",
    retryable: false,
    message: `Apollo has no ${what}.`,
  });

async function orNull<T>(work: Promise<T>): Promise<T | null> {
  try {
    return await work;
  } catch (err) {
    if (isVendorError(err) && err.kind === "not_found") return null;
    throw err;
  }
}

export async function createApolloConnector(
  connection: ApolloConnection,
  setup: ResilienceSetup = {},
): Promise<ApolloConnector> {
  const sdk = await createApolloSdk(connection, setup);
  const { runtime } = sdk;
  // enrichment spends credits: retried only when Apollo surely did not process it (429, refused connection)
  const spending = { idempotent: false } as const;

  async function fetchOrganization(domain: string): Promise<ApolloOrganization> {
    const { value } = await runtime.attempt(
      "organizations.enrich",
      async () => {
        const res = await sdk.request({
          method: "GET",
          path: "/api/v1/organizations/enrich",
          query: { domain },
          input: `domain ${domain}`,
        });
        const org = (JSON.parse(res.body) as { organization?: ApolloOrganization | null }).organization;
        if (!org?.id) throw noMatch(`organization at ${domain}`);
        return org;
      },
      spending,
    );
    return value;
  }

  return {
    sdk,
    searchPeople: (filter) => searchPeople(sdk, runtime, filter),
    searchOrganizations: (filter) => searchOrganizations<ApolloOrganization>(sdk, runtime, filter),
    async enrichOrganization(raw) {
      const domain = apolloDomain(raw);
      if (!domain) {
        throw new VendorError({
          vendor: "apollo",
          kind: "invalid",
          retryable: false,
          message: `"${raw.slice(0, 100)}" is not a company domain Apollo can enrich; pass one like acme.com.`,
        });
      }
      const read = await orNull(runtime.read(`org:${domain}`, () => fetchOrganization(domain)));
      return read ?? { value: null, stale: false };
    },
    async matchPerson(input) {
      const byName =
        (input.name || (input.firstName && input.lastName)) && (input.domain || input.organizationName);
      if (!input.id && !input.email && !input.linkedinUrl && !byName) {
        throw new VendorError({
          vendor: "apollo",
          kind: "invalid",
          retryable: false,
          message:
            "Apollo needs an email, a LinkedIn URL, or a name with the company's domain or name to match a person.",
        });
      }
      const body = {
        ...(input.id ? { id: input.id } : {}),
        ...(input.email ? { email: input.email } : {}),
        ...(input.linkedinUrl ? { linkedin_url: input.linkedinUrl } : {}),
        ...(input.firstName ? { first_name: input.firstName } : {}),
        ...(input.lastName ? { last_name: input.lastName } : {}),
        ...(input.name ? { name: input.name } : {}),
        ...(input.domain ? { domain: apolloDomain(input.domain) ?? input.domain } : {}),
        ...(input.organizationName ? { organization_name: input.organizationName } : {}),
        reveal_personal_emails: false,
        reveal_phone_number: false,
      };
      const who =
        input.email ?? input.linkedinUrl ?? input.id ?? input.name ?? `${input.firstName} ${input.lastName}`;
      return orNull(
        runtime
          .attempt(
            "people.match",
            async () => {
              const res = await sdk.request({
                method: "POST",
                path: "/api/v1/people/match",
                body,
                input: `the person ${who}`,
              });
              const person = (JSON.parse(res.body) as { person?: ApolloPerson | null }).person;
              if (!person?.id) throw noMatch(`person matching ${who}`);
              return person;
            },
            spending,
          )
          .then((r) => r.value),
      );
    },
  };
}
