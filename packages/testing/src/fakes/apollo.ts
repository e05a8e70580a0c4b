/**
 * Apollo.io API fake (/api/v1). Apollo publishes no OpenAPI contract (see ../shared/vendor-specs/README.md),
 * so shapes follow docs.apollo.io: Organization Enrichment (`GET /api/v1/organizations/enrich?domain=` →
 * `{organization}`), People Enrichment (`POST /api/v1/people/match`, parameters in the query or a JSON
 * body → `{person}`), the `x-api-key` header, and the rate-limit headers of every answer (fixed minute, hour
 * and 24-hour windows). Assumed where the docs are silent: a no-match is 200 `{}` / `{person: null}` and
 * spends no credit, a match spends one, errors are `{error}`, a used-up window is 429 without Retry-After.
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
  limits: ApolloLimits;
  /** Requests counted in the current fixed windows (set them to simulate a spent allocation). */
  usage: ApolloLimits;
  windowStart: ApolloLimits;
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
}

export const APOLLO_TEST_API_KEY = "apollo-test-key";
const WINDOWS: Record<keyof ApolloLimits, number> = { minute: 60_000, hourly: 3_600_000, daily: 86_400_000 };

const apolloError = (status: number, error: string): Reply => json(status, { error });
const hexId = (n: number) => `5e66b6381e05b4008c${String(n).padStart(6, "0")}`;

/** Counts one request in every window; the first spent window answers 429. */
function spend(state: ApolloState, path: string): Reply | undefined {
  const now = Date.now();
  for (const w of Object.keys(WINDOWS) as (keyof ApolloLimits)[]) {
    if (now - state.windowStart[w] >= WINDOWS[w]) {
      state.windowStart[w] = now;
      state.usage[w] = 0;
    }
  }
  const spent = (Object.keys(WINDOWS) as (keyof ApolloLimits)[]).find(
    (w) => state.usage[w] >= state.limits[w],
  );
  if (spent) {
    return apolloError(
      429,
      `The maximum number of api calls allowed for ${path.slice(1)} is ${state.limits[spent]} times per ${spent === "minute" ? "minute" : spent === "hourly" ? "hour" : "day"}. Please upgrade your plan.`,
    );
  }
  for (const w of Object.keys(WINDOWS) as (keyof ApolloLimits)[]) state.usage[w]++;
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

function route(state: ApolloState, req: FakeRequest): Reply {
  const key = req.headers["x-api-key"];
  if (typeof key !== "string" || !state.apiKeys.has(key))
    return apolloError(401, "Invalid access credentials.");
  const limited = spend(state, req.path);
  if (limited) return limited;
  if (req.path === "/api/v1/organizations/enrich" && req.method === "GET")
    return enrichOrganization(state, req);
  if (req.path === "/api/v1/people/match" && req.method === "POST") return matchPerson(state, req);
  return apolloError(404, `No route matches ${req.method} ${req.path}`);
}

/** The documented headers, on every answer (faults included) unless the answer set them itself. */
function rateHeaders(state: ApolloState, reply: Reply): Record<string, string> {
  const all: Record<string, string> = {
    "x-rate-limit-minute": String(state.limits.minute),
    "x-minute-usage": String(state.usage.minute),
    "x-minute-requests-left": String(Math.max(0, state.limits.minute - state.usage.minute)),
    "x-rate-limit-hourly": String(state.limits.hourly),
    "x-hourly-usage": String(state.usage.hourly),
    "x-hourly-requests-left": String(Math.max(0, state.limits.hourly - state.usage.hourly)),
    "x-rate-limit-daily": String(state.limits.daily),
    "x-daily-usage": String(state.usage.daily),
    "x-daily-requests-left": String(Math.max(0, state.limits.daily - state.usage.daily)),
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
      decorate: (_req, reply) => rateHeaders(state, reply),
    },
    state,
  );
}
