/**
 * HubSpot CRM v3 fake. HubSpot's OpenAPI documents are not licensed for reuse (see
 * ../shared/vendor-specs/README.md), so the contract here is @hubspot/api-client's own request and
 * response models (SimplePublicObject, CollectionResponse…ForwardPaging, PublicObjectSearchRequest,
 * CollectionResponseMultiAssociatedObjectWithLabelForwardPaging) plus HubSpot's public developer docs.
 * Drive it through the real SDK: its deserialisers are the check on the answers' shapes.
 */
import { type FakeRequest, json, type Reply, type RunningFake, startFake } from "./http-fake";

export type HubSpotObjectType = "deals" | "companies" | "contacts";

export interface HubSpotRecord {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export interface HubSpotState {
  objects: Record<HubSpotObjectType, Map<string, HubSpotRecord>>;
  /** from "deals:1" → ids of associated objects per type. */
  associations: Map<string, Partial<Record<HubSpotObjectType, string[]>>>;
  nextId: number;
}

export interface HubSpotSeed {
  deals?: Record<string, string>[];
  companies?: Record<string, string>[];
  contacts?: Record<string, string>[];
  /** [fromType, fromId, toType, toId] */
  associations?: [HubSpotObjectType, string, HubSpotObjectType, string][];
}

const TYPES: readonly HubSpotObjectType[] = ["deals", "companies", "contacts"];
const DEFAULT_PROPS: Record<HubSpotObjectType, string[]> = {
  deals: ["dealname", "amount", "closedate", "dealstage", "pipeline", "createdate", "hs_lastmodifieddate"],
  companies: ["name", "domain", "createdate", "hs_lastmodifieddate"],
  contacts: ["firstname", "lastname", "email", "createdate", "lastmodifieddate"],
};
const FIXED_TIME = "2025-01-15T10:00:00.000Z";

function error(status: number, category: string, message: string): Reply {
  return json(status, {
    status: "error",
    message,
    correlationId: "00000000-0000-4000-8000-000000000000",
    category,
  });
}

function pick(rec: HubSpotRecord, type: HubSpotObjectType, wanted: string[] | undefined) {
  const names = wanted && wanted.length > 0 ? wanted : DEFAULT_PROPS[type];
  const properties: Record<string, string | null> = { hs_object_id: rec.id };
  for (const n of names) properties[n] = rec.properties[n] ?? null;
  return { ...rec, properties };
}

function listParam(q: URLSearchParams, name: string): string[] | undefined {
  const all = q.getAll(name).flatMap((v) => v.split(","));
  return all.length > 0 ? all : undefined;
}

function page<T>(items: T[], after: string | undefined, limit: number, link: string) {
  const start = after ? Number(after) : 0;
  const results = items.slice(start, start + limit);
  const next = start + limit < items.length ? String(start + limit) : undefined;
  return { results, ...(next ? { paging: { next: { after: next, link: `${link}?after=${next}` } } } : {}) };
}

interface Filter {
  propertyName: string;
  operator: string;
  value?: string;
}

function passes(rec: HubSpotRecord, f: Filter): boolean {
  const actual = rec.properties[f.propertyName] ?? null;
  const num = (v: string | null | undefined) =>
    v != null && v !== "" && !Number.isNaN(Number(v)) ? Number(v) : v;
  const a = num(actual);
  const b = num(f.value);
  if (f.operator === "EQ") return String(actual) === String(f.value);
  if (f.operator === "NEQ") return String(actual) !== String(f.value);
  if (a == null || b == null) return false;
  if (f.operator === "GTE") return a >= b;
  if (f.operator === "LTE") return a <= b;
  if (f.operator === "GT") return a > b;
  if (f.operator === "LT") return a < b;
  return false;
}

interface SearchBody {
  filterGroups?: { filters?: Filter[] }[];
  sorts?: (string | { propertyName: string; direction?: string })[];
  properties?: string[];
  limit?: number;
  after?: string | number;
}

const SUPPORTED_OPERATORS = new Set(["EQ", "NEQ", "GTE", "LTE", "GT", "LT"]);

function search(state: HubSpotState, type: HubSpotObjectType, body: SearchBody, link: string): Reply {
  const groups = body.filterGroups ?? [];
  for (const f of groups.flatMap((g) => g.filters ?? [])) {
    if (!SUPPORTED_OPERATORS.has(f.operator)) {
      return error(400, "VALIDATION_ERROR", `Unsupported filter operator ${f.operator}`);
    }
  }
  let items = [...state.objects[type].values()].filter(
    (r) => groups.length === 0 || groups.some((g) => (g.filters ?? []).every((f) => passes(r, f))),
  );
  for (const s of [...(body.sorts ?? [])].reverse()) {
    const prop = typeof s === "string" ? s.replace(/^-/, "") : s.propertyName;
    const desc = typeof s === "string" ? s.startsWith("-") : s.direction === "DESCENDING";
    items = items.sort((x, y) => {
      const c = String(x.properties[prop] ?? "").localeCompare(String(y.properties[prop] ?? ""), "en", {
        numeric: true,
      });
      return desc ? -c : c;
    });
  }
  const limit = Math.min(body.limit ?? 10, 200);
  const after = body.after === undefined ? undefined : String(body.after);
  const p = page(
    items.map((r) => pick(r, type, body.properties)),
    after,
    limit,
    link,
  );
  return json(200, { total: items.length, ...p });
}

function newRecord(state: HubSpotState, props: Record<string, string>): HubSpotRecord {
  const id = String(state.nextId++);
  const now = new Date().toISOString();
  return {
    id,
    properties: { ...props, createdate: now, hs_lastmodifieddate: now },
    createdAt: now,
    updatedAt: now,
    archived: false,
  };
}

function route(state: HubSpotState, url: () => string, req: FakeRequest): Reply {
  const link = `${url()}${req.path}`;
  const assoc = req.path.match(/^\/crm\/v4\/objects\/(\w+)\/(\w+)\/associations\/(\w+)$/);
  if (assoc && req.method === "GET") {
    const [, from, id, to] = assoc as unknown as [string, HubSpotObjectType, string, HubSpotObjectType];
    const ids = state.associations.get(`${from}:${id}`)?.[to] ?? [];
    const rows = ids.map((toId) => ({
      toObjectId: Number(toId),
      associationTypes: [{ category: "HUBSPOT_DEFINED", typeId: 5, label: null }],
    }));
    const limit = Number(req.query.get("limit") ?? 500);
    return json(200, page(rows, req.query.get("after") ?? undefined, limit, link));
  }
  const m = req.path.match(/^\/crm\/v3\/objects\/(\w+)(?:\/([\w-]+))?(?:\/(\w+))?$/);
  const type = m?.[1] as HubSpotObjectType | undefined;
  if (!m || !type || !TYPES.includes(type)) return error(404, "OBJECT_NOT_FOUND", `Unknown path ${req.path}`);
  const store = state.objects[type];
  const [, , idOrAction, sub] = m;
  const body = (req.json ?? {}) as Record<string, unknown>;

  if (!idOrAction && req.method === "GET") {
    const limit = Math.min(Number(req.query.get("limit") ?? 10), 100);
    const items = [...store.values()].map((r) => pick(r, type, listParam(req.query, "properties")));
    return json(200, page(items, req.query.get("after") ?? undefined, limit, link));
  }
  if (!idOrAction && req.method === "POST") {
    const rec = newRecord(state, (body.properties ?? {}) as Record<string, string>);
    store.set(rec.id, rec);
    return json(201, pick(rec, type, Object.keys(rec.properties)));
  }
  if (idOrAction === "search" && req.method === "POST") return search(state, type, body as SearchBody, link);
  if (idOrAction === "batch" && sub === "read" && req.method === "POST") {
    const inputs = (body.inputs ?? []) as { id: string }[];
    const found = inputs.map((i) => store.get(String(i.id))).filter((r): r is HubSpotRecord => !!r);
    const results = found.map((r) => pick(r, type, body.properties as string[] | undefined));
    return json(200, { status: "COMPLETE", results, startedAt: FIXED_TIME, completedAt: FIXED_TIME });
  }
  const rec = idOrAction ? store.get(idOrAction) : undefined;
  if (!rec) return error(404, "OBJECT_NOT_FOUND", `resource not found`);
  if (req.method === "GET") return json(200, pick(rec, type, listParam(req.query, "properties")));
  if (req.method === "PATCH") {
    rec.properties = { ...rec.properties, ...((body.properties ?? {}) as Record<string, string>) };
    rec.updatedAt = new Date().toISOString();
    return json(200, pick(rec, type, Object.keys(rec.properties)));
  }
  return error(405, "METHOD_NOT_ALLOWED", `${req.method} not supported`);
}

export function hubspotState(seed: HubSpotSeed = {}): HubSpotState {
  const state: HubSpotState = {
    objects: { deals: new Map(), companies: new Map(), contacts: new Map() },
    associations: new Map(),
    nextId: 1001,
  };
  for (const type of TYPES) {
    for (const props of seed[type] ?? []) {
      const rec = newRecord(state, props);
      rec.createdAt = FIXED_TIME;
      rec.updatedAt = FIXED_TIME;
      state.objects[type].set(rec.id, rec);
    }
  }
  for (const [from, fromId, to, toId] of seed.associations ?? []) {
    const key = `${from}:${fromId}`;
    const entry = state.associations.get(key) ?? {};
    entry[to] = [...(entry[to] ?? []), toId];
    state.associations.set(key, entry);
  }
  return state;
}

/** Starts the HubSpot CRM fake; every request needs a bearer token. */
export async function startHubSpotFake(seed: HubSpotSeed = {}): Promise<RunningFake<HubSpotState>> {
  let base = "";
  const state = hubspotState(seed);
  const fake = await startFake(
    {
      name: "hubspot",
      route: (req: FakeRequest): Reply =>
        req.bearer
          ? route(state, () => base, req)
          : error(401, "INVALID_AUTHENTICATION", "Authentication credentials not found."),
      unauthorized: () =>
        error(
          401,
          "EXPIRED_AUTHENTICATION",
          "The OAuth token used to make this call expired 1 second(s) ago.",
        ),
      decorate: () => ({
        "x-hubspot-ratelimit-max": "100",
        "x-hubspot-ratelimit-interval-milliseconds": "10000",
      }),
    },
    state,
  );
  base = fake.url;
  return fake;
}
