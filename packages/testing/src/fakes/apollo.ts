/**
 * Apollo.io API fake (/api/v1). Apollo publishes no OpenAPI contract (see ../shared/vendor-specs/README.md),
 * so shapes follow docs.apollo.io: Organization Enrichment (`GET /api/v1/organizations/enrich?domain=` →
 * `{organization}`), People Enrichment (`POST /api/v1/people/match`, parameters in the query or a JSON
 * body → `{person}`), the `x-api-key` header, and the rate-limit headers of every answer (fixed minute, hour
 * and 24-hour windows), People API Search (`POST /api/v1/mixed_people/api_search`: no credit, no emails, masked
 * last names) and Organization Search (`POST /api/v1/mixed_companies/search`: spends credits, docs.apollo.io
 * "API Pricing"). Enrichment endpoints and all other endpoints are limited separately (docs.apollo.io "Rate
 * Limits"); a spent window is 429 with Retry-After (the seconds until it resets). Assumed where the docs are
 * silent: a no-match is 200 `{}` / `{person: null}` and spends no credit, a match spends one, an organization
 * search spends one credit per page that has results, errors are `{error}`.
 */
import { type FakeRequest, json, type Reply, type RunningFake, startFake } from "./http-fake";

type Row = Record<string, unknown> & { id: string };

export interface ApolloLimits {
  minute: number;
  hourly: number;
  daily: number;
}

export interface ApolloState {
  /** By primary domain. */
  organizations: Map<string, Row>;
  people: Row[];
  /** Keys the fake accepts; delete one to make it answer 401. */
  apiKeys: Set<string>;
  /** The enrichment endpoints' windows (organizations/enrich, people/match). */
  limits: ApolloLimits;
  /** Requests counted in the current fixed windows (set them to simulate a spent allocation). */
  usage: ApolloLimits;
  windowStart: ApolloLimits;
  /** All other endpoints (the searches): their own windows, as Apollo keeps them. */
  search: { limits: ApolloLimits; usage: ApolloLimits; windowStart: ApolloLimits };
  /** Enrichment credits spent: one per record returned. */
  creditsUsed: number;
  nextId: number;
}

export interface ApolloSeed {
  /** `domains`: other domains Apollo resolves to the organization (not part of its answer). */
  organizations?: (Omit<Row, "id"> & { primary_domain: string; domains?: string[] })[];
  people?: Omit<Row, "id">[];
  apiKeys?: string[];
  limits?: Partial<ApolloLimits>;
  searchLimits?: Partial<ApolloLimits>;
}

export const APOLLO_TEST_API_KEY = "apollo-test-key";
const WINDOWS: Record<keyof ApolloLimits, number> = { minute: 60_000, hourly: 3_600_000, daily: 86_400_000 };

const apolloError = (status: number, error: string): Reply => json(status, { error });
const hexId = (n: number) => `5e66b6381e05b4008c${String(n).padStart(6, "0")}`;

type Windows = Pick<ApolloState, "limits" | "usage" | "windowStart">;
const ENRICHMENT_PATHS = new Set(["/api/v1/organizations/enrich", "/api/v1/people/match"]);

/** The windows a path counts in: enrichment endpoints apart from all others. */
const windowsOf = (state: ApolloState, path: string): Windows =>
  ENRICHMENT_PATHS.has(path) ? state : state.search;

/** Counts one request in every window of its kind; the first spent window answers 429 with its reset. */
function spend(state: ApolloState, path: string): Reply | undefined {
  const c = windowsOf(state, path);
  const now = Date.now();
  for (const w of Object.keys(WINDOWS) as (keyof ApolloLimits)[]) {
    if (now - c.windowStart[w] >= WINDOWS[w]) {
      c.windowStart[w] = now;
      c.usage[w] = 0;
    }
  }
  const spent = (Object.keys(WINDOWS) as (keyof ApolloLimits)[]).find((w) => c.usage[w] >= c.limits[w]);
  if (spent) {
    const resetS = Math.max(1, Math.ceil((c.windowStart[spent] + WINDOWS[spent] - now) / 1000));
    return {
      ...apolloError(
        429,
        `The maximum number of api calls allowed for ${path.slice(1)} is ${c.limits[spent]} times per ${spent === "minute" ? "minute" : spent === "hourly" ? "hour" : "day"}. Please upgrade your plan.`,
      ),
      headers: { "retry-after": String(resetS) },
    };
  }
  for (const w of Object.keys(WINDOWS) as (keyof ApolloLimits)[]) c.usage[w]++;
  return undefined;
}

function params(req: FakeRequest): Record<string, string> {
  const body = typeof req.json === "object" && req.json !== null ? (req.json as Record<string, unknown>) : {};
  const out: Record<string, string> = Object.fromEntries(req.query);
  for (const [k, v] of Object.entries(body)) if (typeof v === "string") out[k] = v;
  return out;
}

function enrichOrganization(state: ApolloState, req: FakeRequest): Reply {
  const domain = req.query.get("domain")?.trim().toLowerCase();
  if (!domain) return apolloError(422, "domain is required");
  if (/[@/\s]/.test(domain) || domain.startsWith("www.")) {
    return apolloError(422, `domain "${domain}" must be a bare company domain such as apollo.io`);
  }
  const org = state.organizations.get(domain);
  if (!org) return json(200, {});
  state.creditsUsed++;
  return json(200, { organization: org });
}

const lower = (v: unknown) => (typeof v === "string" ? v.toLowerCase() : undefined);

function matchPerson(state: ApolloState, req: FakeRequest): Reply {
  const p = params(req);
  const name = lower(p.name ?? (p.first_name && p.last_name ? `${p.first_name} ${p.last_name}` : undefined));
  const company = lower(p.domain ?? p.organization_name);
  if (!p.email && !p.linkedin_url && !name && !p.id) {
    return apolloError(422, "Provide at least one of email, linkedin_url, id, or a name with a domain");
  }
  const person = state.people.find(
    (r) =>
      (p.id && r.id === p.id) ||
      (p.email && lower(r.email) === lower(p.email)) ||
      (p.linkedin_url && r.linkedin_url === p.linkedin_url) ||
      (name &&
        company &&
        lower(r.name) === name &&
        [lower(r.organization_domain), lower(r.organization_name)].includes(company)),
  );
  if (!person) return json(200, { person: null });
  state.creditsUsed++;
  return json(200, { person });
}

const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string").map((x) => x.toLowerCase()) : [];
const contains = (wanted: string[], v: unknown) =>
  wanted.length === 0 || wanted.some((w) => (lower(v) ?? "").includes(w));
/** "51,200" ranges as Apollo takes them in organization_num_employees_ranges. */
const inRanges = (ranges: string[], n: unknown) =>
  ranges.length === 0 ||
  ranges.some((r) => {
    const [lo, hi] = r.split(",").map(Number);
    return typeof n === "number" && n >= (lo ?? 0) && n <= (hi || Number.MAX_SAFE_INTEGER);
  });

interface SearchBody {
  body: Record<string, unknown>;
  page: number;
  perPage: number;
}

function searchBody(req: FakeRequest): SearchBody | Reply {
  const body = typeof req.json === "object" && req.json !== null ? (req.json as Record<string, unknown>) : {};
  const page = body.page === undefined ? 1 : Number(body.page);
  const perPage = body.per_page === undefined ? 10 : Number(body.per_page);
  if (!Number.isInteger(page) || page < 1 || page > 500) return apolloError(422, "page must be 1 to 500");
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100)
    return apolloError(422, "per_page must be 1 to 100");
  return { body, page, perPage };
}

const orgOf = (state: ApolloState, p: Row) =>
  typeof p.organization_domain === "string" ? state.organizations.get(p.organization_domain) : undefined;

/** People API Search: free, so it never reveals emails; last names are masked as Apollo does. */
function searchPeople(state: ApolloState, req: FakeRequest): Reply {
  const parsed = searchBody(req);
  if ("status" in parsed) return parsed;
  const { body, page, perPage } = parsed;
  const titles = list(body.person_titles);
  const seniorities = list(body.person_seniorities);
  const domains = list(body.q_organization_domains_list);
  const locations = list(body.organization_locations);
  const ranges = list(body.organization_num_employees_ranges);
  const tags = list(body.q_organization_keyword_tags);
  const hits = state.people.filter((p) => {
    const org = orgOf(state, p);
    return (
      contains(titles, p.title) &&
      contains(tags, [org?.industry, ...(Array.isArray(org?.keywords) ? org.keywords : [])].join(" ")) &&
      (seniorities.length === 0 || seniorities.includes(lower(p.seniority) ?? "")) &&
      (domains.length === 0 || domains.includes(lower(p.organization_domain) ?? "")) &&
      contains(locations, [org?.city, org?.state, org?.country].join(", ")) &&
      inRanges(ranges, org?.estimated_num_employees)
    );
  });
  const people = hits.slice((page - 1) * perPage, page * perPage).map((p) => {
    const last = typeof p.last_name === "string" ? p.last_name : "";
    const org = orgOf(state, p);
    return {
      id: p.id,
      first_name: p.first_name,
      last_name_obfuscated: last ? `${last.slice(0, 2)}***${last.slice(-1)}` : null,
      title: p.title,
      seniority: p.seniority,
      has_email: typeof p.email === "string",
      organization: { name: org?.name ?? p.organization_name ?? null, primary_domain: p.organization_domain },
    };
  });
  return json(200, { total_entries: hits.length, people });
}

/** Organization Search: one credit per page that has results. */
function searchOrganizations(state: ApolloState, req: FakeRequest): Reply {
  const parsed = searchBody(req);
  if ("status" in parsed) return parsed;
  const { body, page, perPage } = parsed;
  const domains = list(body.q_organization_domains_list);
  const locations = list(body.organization_locations);
  const ranges = list(body.organization_num_employees_ranges);
  const tags = list(body.q_organization_keyword_tags);
  const orgs = [...new Set(state.organizations.values())].filter(
    (o) =>
      (domains.length === 0 || domains.includes(lower(o.primary_domain) ?? "")) &&
      contains(locations, [o.city, o.state, o.country].join(", ")) &&
      inRanges(ranges, o.estimated_num_employees) &&
      contains(tags, [o.industry, ...(Array.isArray(o.keywords) ? o.keywords : [])].join(" ")),
  );
  const organizations = orgs.slice((page - 1) * perPage, page * perPage);
  if (organizations.length > 0) state.creditsUsed++;
  return json(200, {
    pagination: {
      page,
      per_page: perPage,
      total_entries: orgs.length,
      total_pages: Math.ceil(orgs.length / perPage),
    },
    organizations,
  });
}

function route(state: ApolloState, req: FakeRequest): Reply {
  const key = req.headers["x-api-key"];
  if (typeof key !== "string" || !state.apiKeys.has(key))
    return apolloError(401, "Invalid access credentials.");
  const limited = spend(state, req.path);
  if (limited) return limited;
  if (req.path === "/api/v1/organizations/enrich" && req.method === "GET")
    return enrichOrganization(state, req);
  if (req.path === "/api/v1/people/match" && req.method === "POST") return matchPerson(state, req);
  if (req.path === "/api/v1/mixed_people/api_search" && req.method === "POST")
    return searchPeople(state, req);
  if (req.path === "/api/v1/mixed_companies/search" && req.method === "POST")
    return searchOrganizations(state, req);
  return apolloError(404, `No route matches ${req.method} ${req.path}`);
}

/** The documented headers of the path's windows, on every answer (faults included) unless it set them itself. */
function rateHeaders(state: ApolloState, path: string, reply: Reply): Record<string, string> {
  const { limits, usage } = windowsOf(state, path);
  const all: Record<string, string> = {
    "x-rate-limit-minute": String(limits.minute),
    "x-minute-usage": String(usage.minute),
    "x-minute-requests-left": String(Math.max(0, limits.minute - usage.minute)),
    "x-rate-limit-hourly": String(limits.hourly),
    "x-hourly-usage": String(usage.hourly),
    "x-hourly-requests-left": String(Math.max(0, limits.hourly - usage.hourly)),
    "x-rate-limit-daily": String(limits.daily),
    "x-daily-usage": String(usage.daily),
    "x-daily-requests-left": String(Math.max(0, limits.daily - usage.daily)),
  };
  for (const k of Object.keys(reply.headers ?? {})) delete all[k.toLowerCase()];
  return all;
}

export function apolloState(seed: ApolloSeed = {}): ApolloState {
  const now = Date.now();
  const state: ApolloState = {
    organizations: new Map(),
    people: [],
    apiKeys: new Set(seed.apiKeys ?? [APOLLO_TEST_API_KEY]),
    limits: { minute: 50, hourly: 100, daily: 300, ...seed.limits },
    usage: { minute: 0, hourly: 0, daily: 0 },
    windowStart: { minute: now, hourly: now, daily: now },
    search: {
      limits: { minute: 50, hourly: 200, daily: 600, ...seed.searchLimits },
      usage: { minute: 0, hourly: 0, daily: 0 },
      windowStart: { minute: now, hourly: now, daily: now },
    },
    creditsUsed: 0,
    nextId: 1,
  };
  for (const { domains = [], ...o } of seed.organizations ?? []) {
    const row = { ...o, id: hexId(state.nextId++) };
    for (const d of [o.primary_domain, ...domains]) state.organizations.set(d.toLowerCase(), row);
  }
  state.people = (seed.people ?? []).map((p) => ({ ...p, id: hexId(state.nextId++) }));
  return state;
}

/** Starts the Apollo fake; requests need `x-api-key` with a key in `state.apiKeys`. */
export function startApolloFake(seed: ApolloSeed = {}): Promise<RunningFake<ApolloState>> {
  const state = apolloState(seed);
  return startFake(
    {
      name: "apollo",
      route: (req) => route(state, req),
      unauthorized: () => apolloError(401, "Invalid access credentials."),
      decorate: (req, reply) => rateHeaders(state, req.path, reply),
    },
    state,
  );
}
