/**
 * HubSpot goals (CRM object `goal_targets`, read through /crm/v3/objects/goal_targets): one target per assignee and
 * time slice (hs_start_datetime..hs_end_datetime), hs_target_amount as a string. Needs the
 * crm.objects.goals.read scope: without it HubSpot answers 403 MISSING_SCOPES.
 */
import { type FakeRequest, json, type Reply } from "./http-fake";

export const GOALS_SCOPE = "crm.objects.goals.read";
const DEFAULT_GOAL_PROPS = ["hs_createdate", "hs_lastmodifieddate", "hs_object_id"];
const FIXED_TIME = "2025-01-15T10:00:00.000Z";

export interface HubSpotGoalsState {
  /** Goal targets by id (properties as strings, as HubSpot stores them). */
  goals: Map<string, Record<string, string>>;
  /** False: the token lacks crm.objects.goals.read. */
  goalsScope: boolean;
}

export function hubspotGoalsState(goals: Record<string, string>[] = [], scope = true): HubSpotGoalsState {
  return {
    goals: new Map(goals.map((g, i) => [String(90_000_001 + i), g])),
    goalsScope: scope,
  };
}

function view(id: string, props: Record<string, string>, wanted: string[]) {
  const names = wanted.length > 0 ? wanted : DEFAULT_GOAL_PROPS;
  const properties: Record<string, string | null> = { hs_object_id: id };
  for (const n of names) properties[n] = n === "hs_object_id" ? id : (props[n] ?? null);
  return { id, properties, createdAt: FIXED_TIME, updatedAt: FIXED_TIME, archived: false };
}

/** GET list (paged, `limit` at most 100) and GET one; undefined when the path is not a goals path. */
export function goalsRoute(state: HubSpotGoalsState, req: FakeRequest, link: string): Reply | undefined {
  const m = req.path.match(/^\/crm\/v3\/objects\/goal_targets(?:\/(\d+))?\/?$/);
  if (!m) return undefined;
  if (!state.goalsScope)
    return json(403, {
      status: "error",
      message:
        "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
      correlationId: "00000000-0000-4000-8000-000000000000",
      errors: [
        {
          message: "One or more of the following scopes are required.",
          context: { requiredGranularScopes: [GOALS_SCOPE] },
        },
      ],
      category: "MISSING_SCOPES",
    });
  if (req.method !== "GET")
    return json(405, { status: "error", message: "Method not allowed", category: "VALIDATION_ERROR" });
  const wanted = req.query
    .getAll("properties")
    .flatMap((v) => v.split(","))
    .filter(Boolean);
  if (m[1]) {
    const g = state.goals.get(m[1]);
    return g
      ? json(200, view(m[1], g, wanted))
      : json(404, { status: "error", message: "Object not found", category: "OBJECT_NOT_FOUND" });
  }
  const limit = Math.min(Number(req.query.get("limit") ?? 10), 100);
  const start = Number(req.query.get("after") ?? 0);
  const all = [...state.goals.entries()];
  const results = all.slice(start, start + limit).map(([id, g]) => view(id, g, wanted));
  const next = start + limit < all.length ? String(start + limit) : undefined;
  return json(200, {
    results,
    ...(next ? { paging: { next: { after: next, link: `${link}?after=${next}` } } } : {}),
  });
}
