/**
 * HubSpot Lists v3 (ILS lists) for the HubSpot fake, as the public reference and @hubspot/api-client 14's
 * lists models define them (developers.hubspot.com/docs/api-reference/2026-03/crm/lists: get a list,
 * memberships add / remove / add-and-remove, memberships page): membership changes only on MANUAL and
 * SNAPSHOT lists (DYNAMIC answers 400); ids of records that do not exist come back in `recordIdsMissing`,
 * members already in (or not in) the list are ignored; pages of at most 250 members in record-id order;
 * the lists a record is in (GET /crm/v3/lists/records/{objectTypeId}/{recordId}/memberships).
 * Switches for tests: `throttle` answers the next membership writes 429 + Retry-After (SECONDLY policy),
 * `failAfterApply` applies the next ones and then answers 500, as after a timeout inside HubSpot.
 */
import { type FakeRequest, json, type Reply } from "./http-fake";
import type { HubSpotState } from "./hubspot";

export type HubSpotProcessingType = "MANUAL" | "SNAPSHOT" | "DYNAMIC";

export interface HubSpotFakeList {
  listId: string;
  name: string;
  processingType: HubSpotProcessingType;
  /** "0-1" contacts, "0-2" companies, … */
  objectTypeId: string;
  /** record id → when it joined (ISO). */
  members: Map<string, string>;
  listVersion: number;
  createdAt: string;
  updatedAt: string;
}

export interface HubSpotListSeed {
  name: string;
  processingType: HubSpotProcessingType;
  objectTypeId?: string;
  members?: string[];
}

export interface HubSpotListsState {
  lists: Map<string, HubSpotFakeList>;
  nextListId: number;
  /** The next N membership writes answer 429 with Retry-After and change nothing. */
  throttle: number;
  /** The next N membership writes are applied, then answered with a 500. */
  failAfterApply: number;
}

const FIXED_TIME = "2025-01-15T10:00:00.000Z";
const MAX_PAGE = 250;
const MAX_RECORDS_PER_CHANGE = 100_000;
const OBJECT_STORES: Record<string, keyof HubSpotState["objects"]> = {
  "0-1": "contacts",
  "0-2": "companies",
  "0-3": "deals",
};
const listsOf = new WeakMap<HubSpotState, HubSpotListsState>();

/** The lists part of a HubSpot fake's state (created empty on first use). */
export function hubspotLists(state: HubSpotState): HubSpotListsState {
  let lists = listsOf.get(state);
  if (!lists) {
    lists = { lists: new Map(), nextListId: 1, throttle: 0, failAfterApply: 0 };
    listsOf.set(state, lists);
  }
  return lists;
}

/** Adds lists to a running fake's state; returns their ids ("1", "2", … in seed order). */
export function seedHubSpotLists(state: HubSpotState, seeds: HubSpotListSeed[]): string[] {
  const s = hubspotLists(state);
  return seeds.map((seed) => {
    const listId = String(s.nextListId++);
    s.lists.set(listId, {
      listId,
      name: seed.name,
      processingType: seed.processingType,
      objectTypeId: seed.objectTypeId ?? "0-1",
      members: new Map((seed.members ?? []).map((id) => [id, FIXED_TIME])),
      listVersion: 1,
      createdAt: FIXED_TIME,
      updatedAt: FIXED_TIME,
    });
    return listId;
  });
}

function error(
  status: number,
  category: string,
  message: string,
  extra: Record<string, unknown> = {},
): Reply {
  return json(status, {
    status: "error",
    message,
    correlationId: "00000000-0000-4000-8000-000000000000",
    category,
    ...extra,
  });
}

const byId = (a: string, b: string) => Number(a) - Number(b) || a.localeCompare(b);

function view(l: HubSpotFakeList) {
  return {
    listId: l.listId,
    listVersion: l.listVersion,
    name: l.name,
    objectTypeId: l.objectTypeId,
    processingType: l.processingType,
    processingStatus: "COMPLETE",
    size: l.members.size,
    createdAt: l.createdAt,
    updatedAt: l.updatedAt,
    filtersUpdatedAt: l.createdAt,
  };
}

function ids(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.map(String) : undefined;
}

/** Applies one change as HubSpot does: missing records reported, no-ops ignored. */
function change(state: HubSpotState, l: HubSpotFakeList, add: string[], remove: string[]) {
  const store = state.objects[OBJECT_STORES[l.objectTypeId] ?? "contacts"];
  const added: string[] = [];
  const removed: string[] = [];
  const missing = new Set<string>();
  const now = new Date().toISOString();
  for (const id of add) {
    if (!store.has(id)) missing.add(id);
    else if (!l.members.has(id)) {
      l.members.set(id, now);
      added.push(id);
    }
  }
  for (const id of remove) {
    if (!store.has(id)) missing.add(id);
    else if (l.members.delete(id)) removed.push(id);
  }
  if (added.length + removed.length > 0) {
    l.listVersion++;
    l.updatedAt = now;
  }
  return { recordIdsRemoved: removed, recordsIdsAdded: added, recordIdsMissing: [...missing] };
}

function membershipWrite(state: HubSpotState, l: HubSpotFakeList, op: string, body: unknown): Reply {
  const s = hubspotLists(state);
  if (s.throttle > 0) {
    s.throttle--;
    return {
      ...error(429, "RATE_LIMITS", "You have reached your secondly limit.", {
        errorType: "RATE_LIMIT",
        policyName: "SECONDLY",
      }),
      headers: { "retry-after": "1" },
    };
  }
  let add: string[] | undefined = [];
  let remove: string[] | undefined = [];
  if (op === "add") add = ids(body);
  else if (op === "remove") remove = ids(body);
  else {
    const b = (body ?? {}) as Record<string, unknown>;
    add = ids(b.recordIdsToAdd ?? []);
    remove = ids(b.recordIdsToRemove ?? []);
  }
  if (!add || !remove)
    return error(400, "VALIDATION_ERROR", "Invalid input JSON: expected an array of record ids.");
  if (add.length + remove.length > MAX_RECORDS_PER_CHANGE)
    return error(400, "VALIDATION_ERROR", `At most ${MAX_RECORDS_PER_CHANGE} record ids per request.`);
  if (l.processingType === "DYNAMIC")
    return error(
      400,
      "VALIDATION_ERROR",
      `List ${l.listId} has processingType DYNAMIC; memberships can only be changed on MANUAL or SNAPSHOT lists.`,
    );
  const result = change(state, l, add, remove);
  if (s.failAfterApply > 0) {
    s.failAfterApply--;
    return error(500, "INTERNAL_ERROR", "An internal error occurred.");
  }
  return json(200, result);
}

/** POST /crm/v3/lists/: a MANUAL or SNAPSHOT list (no filters); HubSpot refuses a name already taken for the type. */
function createList(state: HubSpotState, body: unknown): Reply {
  const b = (body ?? {}) as { name?: string; objectTypeId?: string; processingType?: string };
  if (!b.name || !b.objectTypeId || !b.processingType)
    return error(400, "VALIDATION_ERROR", "name, objectTypeId and processingType are required.");
  if (!["MANUAL", "SNAPSHOT"].includes(b.processingType))
    return error(
      400,
      "VALIDATION_ERROR",
      "The fake creates MANUAL and SNAPSHOT lists only (no filter branches).",
    );
  const taken = [...hubspotLists(state).lists.values()].some(
    (l) => l.objectTypeId === b.objectTypeId && l.name.toLowerCase() === String(b.name).toLowerCase(),
  );
  if (taken) return error(400, "VALIDATION_ERROR", `A list named ${b.name} already exists.`);
  const [id] = seedHubSpotLists(state, [
    { name: b.name, processingType: b.processingType as HubSpotProcessingType, objectTypeId: b.objectTypeId },
  ]);
  return json(200, { list: view(hubspotLists(state).lists.get(id as string) as HubSpotFakeList) });
}

/** GET /crm/v3/lists/{listId}, the memberships page and the three membership writes. */
export function listsRoute(state: HubSpotState, req: FakeRequest, link: string): Reply {
  const ofRecord = req.path.match(/^\/crm\/v3\/lists\/records\/([\w-]+)\/(\w+)\/memberships$/);
  if (ofRecord && req.method === "GET") {
    const [, objectTypeId, recordId] = ofRecord as unknown as [string, string, string];
    const results = [...hubspotLists(state).lists.values()]
      .filter((l) => l.objectTypeId === objectTypeId && l.members.has(recordId))
      .map((l) => {
        const at = l.members.get(recordId) as string;
        return {
          listId: l.listId,
          listVersion: l.listVersion,
          firstAddedTimestamp: at,
          lastAddedTimestamp: at,
        };
      });
    return json(200, { total: results.length, results });
  }
  if (req.path === "/crm/v3/lists/" && req.method === "POST") return createList(state, req.json);
  const byName = req.path.match(/^\/crm\/v3\/lists\/object-type-id\/([\w-]+)\/name\/([^/]+)$/);
  if (byName && req.method === "GET") {
    const name = decodeURIComponent(byName[2] as string).toLowerCase();
    const l = [...hubspotLists(state).lists.values()].find(
      (x) => x.objectTypeId === byName[1] && x.name.toLowerCase() === name,
    );
    return l ? json(200, { list: view(l) }) : error(404, "OBJECT_NOT_FOUND", "List not found.");
  }
  const m = req.path.match(/^\/crm\/v3\/lists\/([^/]+)(?:\/memberships(?:\/([\w-]+))?)?\/?$/);
  if (!m) return error(404, "OBJECT_NOT_FOUND", `Unknown path ${req.path}`);
  const [, listId, op] = m as unknown as [string, string, string | undefined];
  const l = hubspotLists(state).lists.get(listId);
  const isMemberships = req.path.includes("/memberships");
  if (!l) return error(404, "OBJECT_NOT_FOUND", `List ${listId} does not exist.`);
  if (!isMemberships) {
    if (req.method !== "GET")
      return error(405, "METHOD_NOT_ALLOWED", `${req.method} not supported by the fake`);
    return json(200, { list: view(l) });
  }
  if (!op) {
    if (req.method !== "GET")
      return error(405, "METHOD_NOT_ALLOWED", `${req.method} not supported by the fake`);
    const limit = Number(req.query.get("limit") ?? 100);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE)
      return error(400, "VALIDATION_ERROR", `limit must be between 1 and ${MAX_PAGE}`);
    const rows = [...l.members.entries()]
      .sort(([a], [b]) => byId(a, b))
      .map(([recordId, membershipTimestamp]) => ({ recordId, membershipTimestamp }));
    const start = Number(req.query.get("after") ?? 0) || 0;
    const results = rows.slice(start, start + limit);
    const next = start + limit < rows.length ? String(start + limit) : undefined;
    return json(200, {
      total: rows.length,
      results,
      ...(next ? { paging: { next: { after: next, link: `${link}?after=${next}` } } } : {}),
    });
  }
  if (["add", "remove", "add-and-remove"].includes(op) && req.method === "PUT")
    return membershipWrite(state, l, op, req.json);
  return error(405, "METHOD_NOT_ALLOWED", `${req.method} ${req.path} not supported by the fake`);
}
