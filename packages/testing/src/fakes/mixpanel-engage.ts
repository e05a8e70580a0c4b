/**
 * Mixpanel's Query Profiles (`POST /api/query/engage`, query.openapi.yaml) for group profiles: `data_group_id`
 * picks the group key, answers are pages of 1,000 (`page` from 0, later pages only with the `session_id` of the
 * first answer), `output_properties` narrows `$properties`, and the Query API's 60 queries an hour are kept:
 * beyond them a 429 says in `Retry-After` when the oldest query of the hour leaves the window.
 */
import type { ContractRequest, KnownGap } from "./contract";
import { type FakeRequest, json, type Reply } from "./http-fake";

/** A group profile as Mixpanel stores it: the group key's value and the profile's properties. */
export interface MixpanelGroupProfile {
  $distinct_id: string;
  $properties: Record<string, unknown>;
}

export interface EngageState {
  /** Group profiles per data group id (Project Settings → Group Keys). */
  groups: Record<string, MixpanelGroupProfile[]>;
  /** Profiles a page (Mixpanel's is 1,000). */
  pageSize: number;
  /** Queries allowed in any hour (Mixpanel's Query API: 60). */
  queriesPerHour: number;
  /** When each query of the last hour was answered (ms). */
  queryTimes: number[];
  /** session_id → the data group it pages through. */
  sessions: Map<string, string>;
}

export const ENGAGE_PAGE_SIZE = 1000;
const HOUR_MS = 3_600_000;

export function engageState(groups: Record<string, MixpanelGroupProfile[]> = {}): EngageState {
  return {
    groups,
    pageSize: ENGAGE_PAGE_SIZE,
    queriesPerHour: 60,
    queryTimes: [],
    sessions: new Map(),
  };
}

/**
 * The spec types `$distinct_id` as an integer (its example uses 4), but distinct ids are strings, and a group
 * profile's is the group key's value ("Exporting group profiles via API" in Mixpanel's group analytics docs).
 */
export const ENGAGE_DISTINCT_ID_GAP: KnownGap = {
  operationId: "engage-query",
  status: 200,
  reason: "group profiles' $distinct_id is the group key's value, a string",
  accepts: (body) => {
    const b = body as { results?: { $distinct_id?: unknown; $properties?: unknown }[] };
    return (
      Array.isArray(b.results) &&
      b.results.every((r) => typeof r.$distinct_id === "string" && typeof r.$properties === "object")
    );
  },
};

/**
 * The form as the spec's schema types it: the spec declares `output_properties` an array and `page` an integer,
 * while its own descriptions say the form carries a JSON array ("output_properties=[…]") and a number in text,
 * as every form field is; the request is checked after decoding those two.
 */
export function engageFormTyped(req: ContractRequest): ContractRequest {
  if (req.path !== "/api/query/engage" || typeof req.body !== "object" || req.body === null) return req;
  const form = { ...(req.body as Record<string, unknown>) };
  if (typeof form.output_properties === "string") {
    try {
      form.output_properties = JSON.parse(form.output_properties) as unknown;
    } catch {
      // left as text: the check reports it
    }
  }
  if (typeof form.page === "string" && /^\d+$/.test(form.page)) form.page = Number(form.page);
  return { ...req, body: form };
}

const queryError = (status: number, error: string, headers?: Record<string, string>): Reply =>
  json(status, { error, request: "/api/query/engage" }, headers);

/** Takes one query from the hour's budget, or the 429 to answer instead. */
function takeQuery(state: EngageState, now: number): Reply | undefined {
  state.queryTimes = state.queryTimes.filter((t) => t > now - HOUR_MS);
  if (state.queryTimes.length < state.queriesPerHour) {
    state.queryTimes.push(now);
    return undefined;
  }
  const wait = Math.ceil(((state.queryTimes[0] as number) + HOUR_MS - now) / 1000);
  return queryError(429, "Query rate limit exceeded: 60 queries per hour", { "retry-after": String(wait) });
}

function pick(props: Record<string, unknown>, names: string[] | undefined): Record<string, unknown> {
  return names ? Object.fromEntries(names.filter((n) => n in props).map((n) => [n, props[n]])) : props;
}

export function engageQuery(state: EngageState, req: FakeRequest, projectId: string): Reply {
  if (req.query.get("project_id") !== projectId)
    return queryError(403, "project_id does not match the service account");
  const form = (req.json ?? {}) as Record<string, string>;
  const group = form.data_group_id;
  if (!group) return queryError(400, "the fake only serves group profiles: data_group_id is required");
  const profiles = state.groups[group];
  if (!profiles) return queryError(400, `unknown data_group_id ${group}`);
  const page = Number(form.page ?? 0);
  if (!Number.isInteger(page) || page < 0) return queryError(400, "page must be a whole number from 0");
  let session = form.session_id;
  if (page > 0 && (!session || state.sessions.get(session) !== group))
    return queryError(400, "a page above 0 needs the session_id of the first page");
  const limited = takeQuery(state, Date.now());
  if (limited) return limited;
  if (!session) {
    session = `${Date.now()}-${state.sessions.size.toString(36).toUpperCase().padStart(6, "0")}`;
    state.sessions.set(session, group);
  }
  const names = form.output_properties ? (JSON.parse(form.output_properties) as string[]) : undefined;
  const results = profiles
    .slice(page * state.pageSize, (page + 1) * state.pageSize)
    .map((p) => ({ $distinct_id: p.$distinct_id, $properties: pick(p.$properties, names) }));
  return json(200, {
    page,
    page_size: state.pageSize,
    session_id: session,
    status: "ok",
    total: profiles.length,
    results,
  });
}
