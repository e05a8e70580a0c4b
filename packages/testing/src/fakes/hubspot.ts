/**
 * HubSpot CRM v3 + Marketing Campaigns v3 fake. HubSpot's OpenAPI documents are not licensed for reuse (see
 * ../shared/vendor-specs/README.md), so the contract here is @hubspot/api-client's own request and
 * response models (SimplePublicObject, CollectionResponse…ForwardPaging, PublicObjectSearchRequest,
 * CollectionResponseMultiAssociatedObjectWithLabelForwardPaging, BatchResponsePublicAssociationMultiWithLabel)
 * plus HubSpot's public developer docs. Drive it through the real SDK: its deserialisers are the check on
 * the answers' shapes. The SDK (14.x) has no campaigns API, so the /marketing/v3/campaigns endpoints follow
 * the public reference (developers.hubspot.com/docs/api-reference/legacy/marketing/campaigns: list with
 * sort/after/limit/name/properties, get, budget/totals, reports/revenue, reports/contacts/{contactType},
 * reports/metrics, assets/{assetType}; create, update (PATCH) and budget items, which refuse what HubSpot's reference
 * says they refuse: read-only and unknown properties, a missing or taken name, malformed dates); the fake dates a
 * contact's campaign touch by the contact's createdate.
 */

import { type FakeRequest, json, type Reply, type RunningFake, startFake } from "./http-fake";
import { batchArchive, batchUpdate } from "./hubspot-batch";
import { formsRoute } from "./hubspot-forms";
import { goalsRoute, type HubSpotGoalsState, hubspotGoalsState } from "./hubspot-goals";
import { listsRoute } from "./hubspot-lists";
import {
  accessExpired,
  type OAuthApp,
  type OAuthFakeState,
  oauthAuthorize,
  oauthFakeState,
  oauthToken,
} from "./oauth";

/** Engagements (activities): their own object types, linked to deals and contacts by associations. */
export type HubSpotEngagementType = "notes" | "calls" | "meetings" | "emails" | "tasks";
export type HubSpotObjectType = "deals" | "companies" | "contacts" | HubSpotEngagementType;

export interface HubSpotRecord {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  /** Every value each property held, oldest first (what `propertiesWithHistory` answers, newest first). */
  history: Record<string, { value: string | null; timestamp: string }[]>;
  /** What search sees while the index lags behind a write (HubSpot's search is eventually consistent). */
  indexed?: { properties: Record<string, string | null> | undefined; until: number };
}

/** A deal pipeline with its stages; stage metadata as HubSpot returns it (strings). */
export interface HubSpotPipeline {
  id: string;
  label: string;
  displayOrder: number;
  stages: {
    id: string;
    label: string;
    displayOrder: number;
    metadata: { isClosed: string; probability: string };
  }[];
}

export interface HubSpotOwner {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  userId: number;
  /** The owner's teams, as HubSpot lists them (a seller's territory in the marketing hand-off). */
  teams?: { id: string; name: string; primary: boolean }[];
}

/** HubSpot's default sales pipeline. */
export const HUBSPOT_DEFAULT_PIPELINE: HubSpotPipeline = {
  id: "default",
  label: "Sales Pipeline",
  displayOrder: 0,
  stages: [
    ["appointmentscheduled", "Appointment Scheduled", "0.2", "false"],
    ["qualifiedtobuy", "Qualified To Buy", "0.4", "false"],
    ["presentationscheduled", "Presentation Scheduled", "0.6", "false"],
    ["decisionmakerboughtin", "Decision Maker Bought-In", "0.8", "false"],
    ["contractsent", "Contract Sent", "0.9", "false"],
    ["closedwon", "Closed Won", "1.0", "true"],
    ["closedlost", "Closed Lost", "0.0", "true"],
  ].map(([id, label, probability, isClosed], i) => ({
    id: id as string,
    label: label as string,
    displayOrder: i,
    metadata: { isClosed: isClosed as string, probability: probability as string },
  })),
};

/** Deal properties every portal has; a PATCH naming another (not seeded) property fails with PROPERTY_DOESNT_EXIST. */
const DEAL_STANDARD_PROPS = new Set([
  "dealname",
  "amount",
  "closedate",
  "dealstage",
  "pipeline",
  "dealtype",
  "description",
  "hubspot_owner_id",
  "hs_next_step",
  "hs_manual_forecast_category",
  "hs_priority",
  "createdate",
  "hs_lastmodifieddate",
  "revops_idempotency_key",
]);
/** Calculated deal properties: readable, never writable. */
const DEAL_CALCULATED = new Set([
  "hs_deal_stage_probability",
  "hs_is_closed",
  "hs_is_closed_won",
  "hs_object_id",
  "hs_lastmodifieddate",
  "createdate",
  "num_associated_contacts",
  "notes_last_updated",
  "hs_v2_date_entered_current_stage",
]);

export type CampaignContactType = "contactFirstTouch" | "contactLastTouch" | "influencedContacts";

/** A budget or spend item; seeded ones get their position as id and order. */
export interface CampaignItem {
  id?: string;
  name: string;
  amount: number;
  order?: number;
  description?: string;
}

export interface HubSpotCampaign {
  /** A UUID, as HubSpot's campaign GUIDs. */
  id: string;
  /** hs_name, hs_campaign_status, hs_start_date, hs_end_date, hs_currency_code, …; the *_sum_amount ones are computed. */
  properties: Record<string, string>;
  budgetItems: CampaignItem[];
  spendItems: CampaignItem[];
  /** Contact ids HubSpot attributed to the campaign, per attribution type. */
  contacts: Record<CampaignContactType, string[]>;
  sessions: number;
  /** Assets linked to the campaign (EMAIL, FORM, OBJECT_LIST, …). */
  assets: { type: string; id: string; name: string }[];
  createdAt: string;
  updatedAt: string;
}

export interface HubSpotState extends HubSpotGoalsState {
  objects: Record<HubSpotObjectType, Map<string, HubSpotRecord>>;
  /** from "deals:1" → ids of associated objects per type. */
  associations: Map<string, Partial<Record<HubSpotObjectType, string[]>>>;
  /** "deals:1:contacts:7" → the user-defined label of that association. */
  associationLabels: Map<string, string>;
  campaigns: Map<string, HubSpotCampaign>;
  nextId: number;
  pipelines: HubSpotPipeline[];
  owners: HubSpotOwner[];
  /** Milliseconds after a create or update before search sees it (0: at once). */
  searchLagMs: number;
  /** Properties created with "require unique values", per type: the ones a GET may name as `idProperty`. */
  uniqueProperties: Record<HubSpotObjectType, string[]>;
  /** CRM search requests allowed per second per account (HubSpot: 5; undefined: unlimited), answered 429 SECONDLY. */
  searchPerSecond?: number;
  searchCalls: number[];
  /** Answer the next N applied deal updates with this status (applied, then failed: an ambiguous failure). */
  failAfterWrite?: { status: number; times: number };
  /** Every deal update the fake applied. */
  appliedUpdates: { id: string; properties: Record<string, string | null> }[];
  /** The OAuth side: app.hubspot.com/oauth/authorize and POST /oauth/v1/token, on the fake's origin. */
  oauth: OAuthFakeState;
}

export interface HubSpotCampaignSeed {
  properties: Record<string, string>;
  budgetItems?: { name: string; amount: number }[];
  spendItems?: { name: string; amount: number }[];
  contacts?: Partial<Record<CampaignContactType, string[]>>;
  sessions?: number;
  assets?: { type: string; id: string; name: string }[];
}

export interface HubSpotSeed {
  deals?: Record<string, string>[];
  companies?: Record<string, string>[];
  contacts?: Record<string, string>[];
  notes?: Record<string, string>[];
  calls?: Record<string, string>[];
  meetings?: Record<string, string>[];
  emails?: Record<string, string>[];
  tasks?: Record<string, string>[];
  /** [fromType, fromId, toType, toId, label?]: a label is a user-defined association label (e.g. a contact's role). */
  associations?: [HubSpotObjectType, string, HubSpotObjectType, string, string?][];
  /** Deal property histories: [deal id, property, value, ISO timestamp]; a property's last entry is its current value. */
  dealHistory?: [string, string, string, string][];
  /** Marketing campaigns; their ids are c0000000-0000-4000-8000-000000000001, …2, … in seed order. */
  campaigns?: HubSpotCampaignSeed[];
  /** Deal pipelines besides HubSpot's default sales pipeline (one with id "default" replaces it). */
  pipelines?: HubSpotPipeline[];
  owners?: HubSpotOwner[];
  searchLagMs?: number;
  searchPerSecond?: number;
  uniqueProperties?: Partial<Record<HubSpotObjectType, string[]>>;
  /** Goal targets (`goal_targets`): hs_goal_name, hs_target_amount, hs_start_datetime, hs_assignee_user_id, …. */
  goals?: Record<string, string>[];
  /** False: the token lacks crm.objects.goals.read (goal reads answer 403 MISSING_SCOPES). */
  goalsScope?: boolean;
  /** Public apps that may run the OAuth consent (default: hubspot-test-client / hubspot-test-secret). */
  oauth?: { apps?: OAuthApp[]; accessTtlSec?: number };
}

const TYPES: readonly HubSpotObjectType[] = [
  "deals",
  "companies",
  "contacts",
  "notes",
  "calls",
  "meetings",
  "emails",
  "tasks",
];

/** HubSpot-defined association type ids on a create, by the object they point to (default: a company). */
const ASSOCIATION_TARGET: Record<number, HubSpotObjectType> = {
  216: "deals",
  204: "contacts",
  192: "companies",
  // meeting to deal, contact, company
  212: "deals",
  200: "contacts",
  188: "companies",
};

/** Meeting properties every portal has (and the key property an administrator adds, as for tasks). */
const MEETING_PROPS = new Set([
  "hs_timestamp",
  "hs_meeting_title",
  "hs_meeting_body",
  "hs_internal_meeting_notes",
  "hs_meeting_start_time",
  "hs_meeting_end_time",
  "hs_meeting_outcome",
  "hs_meeting_location",
  "hubspot_owner_id",
  "revops_idempotency_key",
]);
const MEETING_OUTCOMES = new Set(["SCHEDULED", "COMPLETED", "RESCHEDULED", "NO_SHOW", "CANCELED"]);

/** What HubSpot refuses in a meeting create: no hs_timestamp, an unknown property, an outcome off the list. */
function checkMeeting(state: HubSpotState, props: Record<string, string>): Reply | undefined {
  const seeded = new Set([...state.objects.meetings.values()].flatMap((m) => Object.keys(m.properties)));
  const problems = Object.keys(props)
    .filter((name) => !MEETING_PROPS.has(name) && !seeded.has(name))
    .map((name) => ({ name, error: "PROPERTY_DOESNT_EXIST", message: `Property "${name}" does not exist` }));
  if (!props.hs_timestamp)
    problems.push({ name: "hs_timestamp", error: "REQUIRED", message: "hs_timestamp is required" });
  if (props.hs_meeting_outcome && !MEETING_OUTCOMES.has(props.hs_meeting_outcome))
    problems.push({
      name: "hs_meeting_outcome",
      error: "INVALID_OPTION",
      message: `${props.hs_meeting_outcome} was not one of the allowed options: [${[...MEETING_OUTCOMES].join(", ")}]`,
    });
  return problems.length ? invalidProperties(problems) : undefined;
}
const ENGAGEMENT_DEFAULT = ["hs_timestamp", "hs_createdate", "hs_lastmodifieddate"];
const DEFAULT_PROPS: Record<HubSpotObjectType, string[]> = {
  deals: ["dealname", "amount", "closedate", "dealstage", "pipeline", "createdate", "hs_lastmodifieddate"],
  companies: ["name", "domain", "createdate", "hs_lastmodifieddate"],
  contacts: ["firstname", "lastname", "email", "createdate", "lastmodifieddate"],
  notes: ENGAGEMENT_DEFAULT,
  calls: ENGAGEMENT_DEFAULT,
  meetings: ENGAGEMENT_DEFAULT,
  emails: ENGAGEMENT_DEFAULT,
  tasks: [...ENGAGEMENT_DEFAULT, "hs_task_subject", "hs_task_status"],
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

/** The stage a deal's dealstage names, within its own pipeline (default when it has none). */
function stageOf(state: HubSpotState, props: Record<string, string | null>) {
  const pipeline = state.pipelines.find((p) => p.id === (props.pipeline ?? "default"));
  return pipeline?.stages.find((st) => st.id === props.dealstage);
}

/** HubSpot's calculated deal properties, from the deal's pipeline stage metadata. */
function calculated(
  state: HubSpotState,
  props: Record<string, string | null>,
  type: HubSpotObjectType,
  name: string,
  id?: string,
): string | null | undefined {
  if (type !== "deals") return undefined;
  // HubSpot counts a deal's associated contacts itself (num_associated_contacts is read-only)
  if (name === "num_associated_contacts" && id !== undefined)
    return String(state.associations.get(`deals:${id}`)?.contacts?.length ?? 0);
  const stage = stageOf(state, props);
  if (name === "hs_is_closed_won") {
    return stage
      ? String(stage.metadata.isClosed === "true" && Number(stage.metadata.probability) >= 1)
      : "false";
  }
  if (name === "hs_is_closed") return stage ? stage.metadata.isClosed : "false";
  if (name === "hs_deal_stage_probability") return stage ? stage.metadata.probability : null;
  return undefined;
}

function pick(
  state: HubSpotState,
  rec: HubSpotRecord,
  type: HubSpotObjectType,
  wanted: string[] | undefined,
  props: Record<string, string | null> = rec.properties,
) {
  const names = wanted && wanted.length > 0 ? wanted : DEFAULT_PROPS[type];
  const properties: Record<string, string | null> = { hs_object_id: rec.id };
  for (const n of names) properties[n] = calculated(state, props, type, n, rec.id) ?? props[n] ?? null;
  const { indexed: _indexed, history: _history, ...shown } = rec;
  return { ...shown, properties };
}

/** A GET's `propertiesWithHistory`: each named property's values, newest first, as HubSpot sends them. */
function withHistory(rec: HubSpotRecord, names: string[] | undefined) {
  if (!names?.length) return {};
  const out: Record<string, { value: string; timestamp: string; sourceType: string }[]> = {};
  for (const n of names)
    out[n] = [...(rec.history[n] ?? [])]
      .reverse()
      .map((h) => ({ value: h.value ?? "", timestamp: h.timestamp, sourceType: "CRM_UI" }));
  return { propertiesWithHistory: out };
}

/** The properties search sees now: the old ones while the index lags behind a write; undefined = not indexed yet. */
function searchView(rec: HubSpotRecord): Record<string, string | null> | undefined {
  if (rec.indexed && Date.now() < rec.indexed.until) return rec.indexed.properties;
  return rec.properties;
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
  /** IN / NOT_IN take a list (HubSpot's search docs). */
  values?: string[];
}

function passes(rec: HubSpotRecord, f: Filter): boolean {
  const actual = rec.properties[f.propertyName] ?? null;
  // HubSpot matches IN values case-insensitively for enumerations
  const inList = () => (f.values ?? []).some((v) => String(v).toLowerCase() === String(actual).toLowerCase());
  if (f.operator === "HAS_PROPERTY") return actual !== null && actual !== "";
  if (f.operator === "NOT_HAS_PROPERTY") return actual === null || actual === "";
  if (f.operator === "IN") return actual !== null && inList();
  if (f.operator === "NOT_IN") return actual === null || !inList();
  const num = (v: string | null | undefined) =>
    v != null && v !== "" && !Number.isNaN(Number(v)) ? Number(v) : v;
  const a = num(actual);
  const b = num(f.value);
  if (f.operator === "CONTAINS_TOKEN" || f.operator === "NOT_CONTAINS_TOKEN") {
    // a token of the value matches the pattern, case-insensitively; * is a wildcard (HubSpot's search docs)
    const source = String(f.value ?? "")
      .toLowerCase()
      .split("*")
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*");
    const pattern = new RegExp(`^${source}$`);
    const tokens = String(actual ?? "")
      .toLowerCase()
      .split(/[^a-z0-9@._-]+/)
      .filter(Boolean);
    const hit = tokens.some((t) => pattern.test(t));
    return f.operator === "CONTAINS_TOKEN" ? hit : !hit;
  }
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

const SUPPORTED_OPERATORS = new Set([
  "EQ",
  "NEQ",
  "GTE",
  "LTE",
  "GT",
  "LT",
  "IN",
  "NOT_IN",
  "CONTAINS_TOKEN",
  "NOT_CONTAINS_TOKEN",
  "HAS_PROPERTY",
  "NOT_HAS_PROPERTY",
]);

function search(state: HubSpotState, type: HubSpotObjectType, body: SearchBody, link: string): Reply {
  const now = Date.now();
  if (state.searchPerSecond !== undefined) {
    state.searchCalls = state.searchCalls.filter((t) => now - t < 1000);
    if (state.searchCalls.length >= state.searchPerSecond) {
      return json(
        429,
        {
          status: "error",
          message: "You have reached your secondly limit.",
          errorType: "RATE_LIMIT",
          correlationId: "00000000-0000-4000-8000-000000000000",
          policyName: "SECONDLY",
          category: "RATE_LIMITS",
        },
        { "retry-after": "1" },
      );
    }
    state.searchCalls.push(now);
  }
  const groups = body.filterGroups ?? [];
  for (const f of groups.flatMap((g) => g.filters ?? [])) {
    if (!SUPPORTED_OPERATORS.has(f.operator)) {
      return error(400, "VALIDATION_ERROR", `Unsupported filter operator ${f.operator}`);
    }
  }
  const visible = [...state.objects[type].values()].flatMap((r) => {
    const props = searchView(r);
    return props ? [{ rec: r, view: { ...r, properties: props } }] : [];
  });
  let matched = visible.filter(
    ({ view }) => groups.length === 0 || groups.some((g) => (g.filters ?? []).every((f) => passes(view, f))),
  );
  for (const s of [...(body.sorts ?? [])].reverse()) {
    const prop = typeof s === "string" ? s.replace(/^-/, "") : s.propertyName;
    const desc = typeof s === "string" ? s.startsWith("-") : s.direction === "DESCENDING";
    matched = matched.sort((x, y) => {
      const c = String(x.view.properties[prop] ?? "").localeCompare(
        String(y.view.properties[prop] ?? ""),
        "en",
        {
          numeric: true,
        },
      );
      return desc ? -c : c;
    });
  }
  const limit = Math.min(body.limit ?? 10, 200);
  const after = body.after === undefined ? undefined : String(body.after);
  const p = page(
    matched.map(({ rec, view }) => pick(state, rec, type, body.properties, view.properties)),
    after,
    limit,
    link,
  );
  return json(200, { total: matched.length, ...p });
}

function newRecord(state: HubSpotState, props: Record<string, string>): HubSpotRecord {
  const id = String(state.nextId++);
  const now = new Date().toISOString();
  // a seeded createdate is kept (contacts are counted by it); HubSpot sets it on create otherwise
  const properties = { ...props, createdate: props.createdate ?? now, hs_lastmodifieddate: now };
  const at = properties.createdate;
  return {
    id,
    properties,
    createdAt: now,
    updatedAt: now,
    archived: false,
    history: Object.fromEntries(
      Object.entries(properties).map(([k, v]) => [k, [{ value: v, timestamp: at }]]),
    ),
  };
}

function route(state: HubSpotState, url: () => string, req: FakeRequest): Reply {
  const link = `${url()}${req.path}`;
  if (req.path.startsWith("/marketing/v3/campaigns")) return campaignRoute(state, req, link);
  const goals = goalsRoute(state, req, link);
  if (goals) return goals;
  const form = formsRoute(state, req, link);
  if (form) return form;
  if (req.path.startsWith("/crm/v3/lists/") || req.path === "/crm/v3/lists")
    return listsRoute(
      state,
      { ...req, path: req.path === "/crm/v3/lists" ? "/crm/v3/lists/" : req.path },
      link,
    );
  if (req.path.startsWith("/crm/v3/pipelines/deals") || req.path.startsWith("/crm/v3/owners"))
    return dealDirectoryRoute(state, req, link);
  const batchAssoc = req.path.match(/^\/crm\/v4\/associations\/(\w+)\/(\w+)\/batch\/read$/);
  if (batchAssoc && req.method === "POST") {
    const [, from, to] = batchAssoc as unknown as [string, HubSpotObjectType, HubSpotObjectType];
    return batchAssociations(state, from, to, (req.json ?? {}) as { inputs?: { id: string }[] });
  }
  const link4 = req.path.match(/^\/crm\/v4\/objects\/(\w+)\/(\w+)\/associations\/default\/(\w+)\/(\w+)$/);
  if (link4 && req.method === "PUT") {
    const [, from, id, to, toId] = link4 as unknown as [
      string,
      HubSpotObjectType,
      string,
      HubSpotObjectType,
      string,
    ];
    return associateDefault(state, from, id, to, toId);
  }
  const assoc = req.path.match(/^\/crm\/v4\/objects\/(\w+)\/(\w+)\/associations\/(\w+)$/);
  if (assoc && req.method === "GET") {
    const [, from, id, to] = assoc as unknown as [string, HubSpotObjectType, string, HubSpotObjectType];
    const ids = state.associations.get(`${from}:${id}`)?.[to] ?? [];
    const rows = ids.map((toId) => {
      const label = state.associationLabels.get(`${from}:${id}:${to}:${toId}`);
      return {
        toObjectId: Number(toId),
        associationTypes: [
          { category: "HUBSPOT_DEFINED", typeId: 5, label: null },
          ...(label ? [{ category: "USER_DEFINED", typeId: 100, label }] : []),
        ],
      };
    });
    const limit = Number(req.query.get("limit") ?? 500);
    return json(200, page(rows, req.query.get("after") ?? undefined, limit, link));
  }
  const m = req.path.match(/^\/crm\/v3\/objects\/(\w+)(?:\/([^/]+))?(?:\/(\w+))?$/);
  const type = m?.[1] as HubSpotObjectType | undefined;
  if (!m || !type || !TYPES.includes(type)) return error(404, "OBJECT_NOT_FOUND", `Unknown path ${req.path}`);
  const store = state.objects[type];
  const [, , idOrAction, sub] = m;
  const body = (req.json ?? {}) as Record<string, unknown>;

  if (!idOrAction && req.method === "GET") {
    const limit = Math.min(Number(req.query.get("limit") ?? 10), 100);
    const items = [...store.values()].map((r) => pick(state, r, type, listParam(req.query, "properties")));
    return json(200, page(items, req.query.get("after") ?? undefined, limit, link));
  }
  if (!idOrAction && req.method === "POST") {
    const props = (body.properties ?? {}) as Record<string, string>;
    if (type === "deals") {
      // a create is checked like an update: properties, pipeline and stage, owner
      const refused = checkDealUpdate(state, { properties: { pipeline: "default" } }, props);
      if (refused) return refused;
    }
    if (type === "meetings") {
      const refused = checkMeeting(state, props);
      if (refused) return refused;
    }
    const links = (
      (body.associations ?? []) as { to: { id: string }; types?: { associationTypeId?: number }[] }[]
    ).map((a) => ({ ...a, target: ASSOCIATION_TARGET[a.types?.[0]?.associationTypeId ?? 0] ?? "companies" }));
    if (links.some((a) => !state.objects[a.target].has(String(a.to.id))))
      return error(
        400,
        "VALIDATION_ERROR",
        "One or more associations are invalid: the object does not exist.",
      );
    const email = type === "contacts" ? props.email?.toLowerCase() : undefined;
    const existing = email && [...store.values()].find((r) => r.properties.email?.toLowerCase() === email);
    if (existing) return error(409, "CONFLICT", `Contact already exists. Existing ID: ${existing.id}`);
    // a contact's first company association is its primary company
    const primary: Record<string, string> =
      type === "contacts" && links[0] ? { associatedcompanyid: String(links[0].to.id) } : {};
    const rec = newRecord(state, { ...props, ...primary });
    if (state.searchLagMs > 0) rec.indexed = { properties: undefined, until: Date.now() + state.searchLagMs };
    store.set(rec.id, rec);
    for (const a of links) {
      for (const [from, fromId, to, toId] of [
        [type, rec.id, a.target, a.to.id],
        [a.target, a.to.id, type, rec.id],
      ] as const) {
        const entry = state.associations.get(`${from}:${fromId}`) ?? {};
        entry[to as HubSpotObjectType] = [...(entry[to as HubSpotObjectType] ?? []), toId];
        state.associations.set(`${from}:${fromId}`, entry);
      }
    }
    const after = state.failAfterWrite;
    // keyed creates (deals, tasks) can fail after they landed
    if ((type === "deals" || type === "tasks") && after && after.times > 0) {
      after.times--;
      return error(after.status, "INTERNAL_ERROR", "internal error");
    }
    return json(201, pick(state, rec, type, Object.keys(rec.properties)));
  }
  if (idOrAction === "search" && req.method === "POST") return search(state, type, body as SearchBody, link);
  if (idOrAction === "batch" && sub === "read" && req.method === "POST") {
    const inputs = (body.inputs ?? []) as { id: string }[];
    const history = body.propertiesWithHistory as string[] | undefined;
    if (inputs.length > 100) return error(400, "VALIDATION_ERROR", "Batch input cannot exceed 100 inputs.");
    // with property history HubSpot reads at most 50 records per call (HS9)
    if (history?.length && inputs.length > 50)
      return error(
        400,
        "VALIDATION_ERROR",
        "Batch input with propertiesWithHistory cannot exceed 50 inputs.",
      );
    const found = inputs.map((i) => store.get(String(i.id))).filter((r): r is HubSpotRecord => !!r);
    const results = found.map((r) => ({
      ...pick(state, r, type, body.properties as string[] | undefined),
      ...withHistory(r, history),
    }));
    return json(200, { status: "COMPLETE", results, startedAt: FIXED_TIME, completedAt: FIXED_TIME });
  }
  if (idOrAction === "batch" && (sub === "update" || sub === "archive") && req.method === "POST")
    return (sub === "update" ? batchUpdate : batchArchive)(state, type, (body.inputs ?? []) as never, {
      check: (t, rec, changes) => checkUpdate(state, t, rec, changes),
      apply: (t, rec, changes) => {
        applyUpdate(state, rec, t === "contacts" ? withOwnerStamp(rec, changes) : changes);
        if (t === "deals") state.appliedUpdates.push({ id: rec.id, properties: { ...changes } });
      },
      show: (t, rec) => pick(state, rec, t, Object.keys(rec.properties)),
      error,
    });
  const idProperty = req.method === "GET" ? req.query.get("idProperty") : null;
  if (idProperty && idProperty !== "hs_object_id" && !state.uniqueProperties[type].includes(idProperty))
    return error(400, "VALIDATION_ERROR", `Property ${idProperty} is not a unique identifier property.`);
  // a unique property reads the record itself, never the search index, so it has no lag
  const rec =
    idProperty && idProperty !== "hs_object_id"
      ? [...store.values()].find((r) => r.properties[idProperty] === decodeURIComponent(idOrAction ?? ""))
      : idOrAction
        ? store.get(idOrAction)
        : undefined;
  if (!rec) return error(404, "OBJECT_NOT_FOUND", `resource not found`);
  if (req.method === "GET")
    return json(200, {
      ...pick(state, rec, type, listParam(req.query, "properties")),
      ...withHistory(rec, listParam(req.query, "propertiesWithHistory")),
    });
  if (req.method === "PATCH") {
    const changes = (body.properties ?? {}) as Record<string, string | null>;
    const refused = checkUpdate(state, type, rec, changes);
    if (refused) return refused;
    applyUpdate(state, rec, type === "contacts" ? withOwnerStamp(rec, changes) : changes);
    if (type === "deals") {
      state.appliedUpdates.push({ id: rec.id, properties: { ...changes } });
      const after = state.failAfterWrite;
      if (after && after.times > 0) {
        after.times--;
        return error(after.status, "INTERNAL_ERROR", "internal error");
      }
    }
    return json(200, pick(state, rec, type, Object.keys(rec.properties)));
  }
  return error(405, "METHOD_NOT_ALLOWED", `${req.method} not supported`);
}

/** Applies changed properties with their history; search sees the old values while its index lags. */
function applyUpdate(state: HubSpotState, rec: HubSpotRecord, changes: Record<string, string | null>): void {
  if (state.searchLagMs > 0 && !(rec.indexed && Date.now() < rec.indexed.until))
    rec.indexed = { properties: { ...rec.properties }, until: Date.now() + state.searchLagMs };
  rec.properties = { ...rec.properties, ...changes };
  rec.updatedAt = new Date().toISOString();
  for (const [k, v] of Object.entries(changes))
    rec.history[k] = [...(rec.history[k] ?? []), { value: v, timestamp: rec.updatedAt }];
}

/** HubSpot stamps hubspot_owner_assigneddate itself when a contact's owner changes (the property is read-only). */
function withOwnerStamp(
  rec: HubSpotRecord,
  changes: Record<string, string | null>,
): Record<string, string | null> {
  const owner = changes.hubspot_owner_id;
  if (owner === undefined || owner === rec.properties.hubspot_owner_id) return changes;
  return { ...changes, hubspot_owner_assigneddate: owner ? new Date().toISOString() : null };
}

/** What HubSpot refuses in an update of this object type (deals and contacts are checked; others take any). */
function checkUpdate(
  state: HubSpotState,
  type: HubSpotObjectType,
  rec: HubSpotRecord,
  changes: Record<string, string | null>,
): Reply | undefined {
  if (type === "deals") return checkDealUpdate(state, rec, changes);
  if (type === "contacts") return checkContactUpdate(state, changes);
  return undefined;
}

/** What HubSpot refuses in a contact update: its read-only owner-assignment date, an unknown owner. */
function checkContactUpdate(state: HubSpotState, changes: Record<string, string | null>): Reply | undefined {
  if ("hubspot_owner_assigneddate" in changes)
    return invalidProperties([
      {
        name: "hubspot_owner_assigneddate",
        error: "READ_ONLY_VALUE",
        message: "hubspot_owner_assigneddate is a read only property; its value cannot be set.",
      },
    ]);
  const owner = changes.hubspot_owner_id;
  if (owner && state.owners.length > 0 && !state.owners.some((o) => o.id === owner))
    return invalidProperties([
      {
        name: "hubspot_owner_id",
        error: "INVALID_OPTION",
        message: `${owner} was not one of the allowed options`,
      },
    ]);
  return undefined;
}

/** A HubSpot VALIDATION_ERROR naming each invalid property, as the CRM answers a bad PATCH. */
function invalidProperties(problems: { name: string; error: string; message: string }[]): Reply {
  const list = problems.map((p) => ({ isValid: false, ...p }));
  return json(400, {
    status: "error",
    message: `Property values were not valid: ${JSON.stringify(list)}`,
    correlationId: "00000000-0000-4000-8000-000000000000",
    category: "VALIDATION_ERROR",
    errors: problems.map((p) => ({ message: p.message, code: p.error, context: { propertyName: [p.name] } })),
  });
}

/** What HubSpot refuses in a deal PATCH: unknown or calculated properties, a stage outside the deal's pipeline, an unknown owner. */
function checkDealUpdate(
  state: HubSpotState,
  rec: Pick<HubSpotRecord, "properties">,
  changes: Record<string, string | null>,
): Reply | undefined {
  const problems: { name: string; error: string; message: string }[] = [];
  const seeded = new Set([...state.objects.deals.values()].flatMap((d) => Object.keys(d.properties)));
  for (const name of Object.keys(changes)) {
    if (DEAL_CALCULATED.has(name))
      problems.push({
        name,
        error: "READ_ONLY_VALUE",
        message: `${name} is a read only property; its value cannot be set.`,
      });
    else if (!DEAL_STANDARD_PROPS.has(name) && !seeded.has(name))
      problems.push({ name, error: "PROPERTY_DOESNT_EXIST", message: `Property "${name}" does not exist` });
  }
  const next = { ...rec.properties, ...changes };
  if ("dealstage" in changes || "pipeline" in changes) {
    const pipeline = state.pipelines.find((p) => p.id === (next.pipeline ?? "default"));
    if (!pipeline) {
      problems.push({
        name: "pipeline",
        error: "INVALID_OPTION",
        message: `${next.pipeline} is not a valid pipeline`,
      });
    } else if (!pipeline.stages.some((st) => st.id === next.dealstage)) {
      problems.push({
        name: "dealstage",
        error: "INVALID_OPTION",
        message: `${next.dealstage} was not one of the allowed options: [${pipeline.stages.map((st) => st.id).join(", ")}]`,
      });
    }
  }
  const owner = changes.hubspot_owner_id;
  if (owner && state.owners.length > 0 && !state.owners.some((o) => o.id === owner))
    problems.push({
      name: "hubspot_owner_id",
      error: "INVALID_OPTION",
      message: `${owner} was not one of the allowed options`,
    });
  if (changes.amount != null && changes.amount !== "" && Number.isNaN(Number(changes.amount)))
    problems.push({
      name: "amount",
      error: "INVALID_FLOAT",
      message: `${changes.amount} is not a valid number`,
    });
  return problems.length ? invalidProperties(problems) : undefined;
}

/** GET /crm/v3/pipelines/deals[/{id}[/stages]] and /crm/v3/owners[/{id}]. */
function dealDirectoryRoute(state: HubSpotState, req: FakeRequest, link: string): Reply {
  if (req.method !== "GET")
    return error(405, "METHOD_NOT_ALLOWED", `${req.method} not supported by the fake`);
  const view = (p: HubSpotPipeline) => ({
    ...p,
    createdAt: FIXED_TIME,
    updatedAt: FIXED_TIME,
    archived: false,
    stages: p.stages.map((st) => ({ ...st, createdAt: FIXED_TIME, updatedAt: FIXED_TIME, archived: false })),
  });
  if (req.path === "/crm/v3/pipelines/deals") return json(200, { results: state.pipelines.map(view) });
  const pm = req.path.match(/^\/crm\/v3\/pipelines\/deals\/([\w-]+)(\/stages)?$/);
  if (pm) {
    const p = state.pipelines.find((x) => x.id === pm[1]);
    if (!p) return error(404, "OBJECT_NOT_FOUND", `Pipeline ${pm[1]} not found`);
    return json(200, pm[2] ? { results: view(p).stages } : view(p));
  }
  const owner = (o: HubSpotOwner) => ({
    ...o,
    createdAt: FIXED_TIME,
    updatedAt: FIXED_TIME,
    archived: false,
    teams: o.teams ?? [],
  });
  if (req.path === "/crm/v3/owners" || req.path === "/crm/v3/owners/") {
    const email = req.query.get("email")?.toLowerCase();
    const rows = state.owners.filter((o) => !email || o.email.toLowerCase() === email).map(owner);
    const limit = Math.min(Number(req.query.get("limit") ?? 100), 500);
    return json(200, page(rows, req.query.get("after") ?? undefined, limit, link));
  }
  const om = req.path.match(/^\/crm\/v3\/owners\/(\d+)$/);
  const found = om && state.owners.find((o) => o.id === om[1]);
  return found ? json(200, owner(found)) : error(404, "OBJECT_NOT_FOUND", `Owner not found`);
}

/**
 * PUT /crm/v4/objects/{from}/{id}/associations/default/{to}/{toId}: the default (unlabelled) association both ways,
 * idempotent as in HubSpot; a contact's first company becomes its primary (associatedcompanyid).
 */
function associateDefault(
  state: HubSpotState,
  from: HubSpotObjectType,
  id: string,
  to: HubSpotObjectType,
  toId: string,
): Reply {
  const a = state.objects[from]?.get(id);
  const b = state.objects[to]?.get(toId);
  if (!a || !b) return error(404, "OBJECT_NOT_FOUND", "resource not found");
  for (const [x, xId, y, yId] of [
    [from, id, to, toId],
    [to, toId, from, id],
  ] as const) {
    const entry = state.associations.get(`${x}:${xId}`) ?? {};
    if (!(entry[y] ?? []).includes(yId)) entry[y] = [...(entry[y] ?? []), yId];
    state.associations.set(`${x}:${xId}`, entry);
  }
  for (const [rec, company] of [
    [from === "contacts" && to === "companies" ? a : undefined, toId],
    [to === "contacts" && from === "companies" ? b : undefined, id],
  ] as const)
    if (rec && !rec.properties.associatedcompanyid) rec.properties.associatedcompanyid = company;
  const spec = { associationCategory: "HUBSPOT_DEFINED", associationTypeId: 1 };
  return json(200, {
    status: "COMPLETE",
    results: [
      { from: { id }, to: { id: toId }, associationSpec: spec },
      { from: { id: toId }, to: { id }, associationSpec: spec },
    ],
    startedAt: FIXED_TIME,
    completedAt: FIXED_TIME,
  });
}

/** POST /crm/v4/associations/{from}/{to}/batch/read: 207 with errors for inputs that have none, as HubSpot. */
function batchAssociations(
  state: HubSpotState,
  from: HubSpotObjectType,
  to: HubSpotObjectType,
  body: { inputs?: { id: string }[] },
): Reply {
  const inputs = body.inputs ?? [];
  if (inputs.length > 1000) return error(400, "VALIDATION_ERROR", "Batch input cannot exceed 1000 inputs.");
  const results = [];
  const missing: string[] = [];
  for (const { id } of inputs) {
    const ids = state.associations.get(`${from}:${id}`)?.[to] ?? [];
    if (ids.length === 0) {
      missing.push(String(id));
      continue;
    }
    results.push({
      from: { id: String(id) },
      to: ids.map((toId) => ({
        toObjectId: Number(toId),
        associationTypes: [{ category: "HUBSPOT_DEFINED", typeId: 4, label: null }],
      })),
    });
  }
  const done = { status: "COMPLETE", results, startedAt: FIXED_TIME, completedAt: FIXED_TIME };
  if (missing.length === 0) return json(200, done);
  return json(207, {
    ...done,
    numErrors: missing.length,
    errors: missing.map((id) => ({
      status: "error",
      category: "OBJECT_NOT_FOUND",
      message: `No ${to} is associated with ${from} ${id}.`,
      context: { fromObjectId: [id] },
      errors: [],
      links: {},
    })),
  });
}

const CAMPAIGN_CONTACT_TYPES: readonly CampaignContactType[] = [
  "contactFirstTouch",
  "contactLastTouch",
  "influencedContacts",
];
/** The models whose credit the fake can compute (full credit to first or last touch). */
const FAKE_ATTRIBUTION: Record<string, CampaignContactType> = {
  FIRST_INTERACTION: "contactFirstTouch",
  LAST_INTERACTION: "contactLastTouch",
};
const SUM_PROPS: Record<string, (c: HubSpotCampaign) => number> = {
  hs_budget_items_sum_amount: (c) => c.budgetItems.reduce((t, i) => t + i.amount, 0),
  hs_spend_items_sum_amount: (c) => c.spendItems.reduce((t, i) => t + i.amount, 0),
};
const DEFAULT_CAMPAIGN_PROPS = ["hs_name"];

function campaignView(c: HubSpotCampaign, wanted: string[] | undefined) {
  const properties: Record<string, string | null> = {};
  for (const n of wanted?.length ? wanted : DEFAULT_CAMPAIGN_PROPS) {
    const sum = SUM_PROPS[n];
    properties[n] = sum ? String(sum(c)) : (c.properties[n] ?? null);
  }
  return { id: c.id, properties, createdAt: c.createdAt, updatedAt: c.updatedAt, businessUnits: [{ id: 0 }] };
}

/** Contacts of one attribution type whose touch (their createdate) falls in [startDate, endDate]. */
function attributed(state: HubSpotState, c: HubSpotCampaign, type: CampaignContactType, q: URLSearchParams) {
  const start = q.get("startDate") ?? "";
  const end = q.get("endDate") ?? "9999-12-31";
  return c.contacts[type].filter((id) => {
    const day = String(state.objects.contacts.get(id)?.properties.createdate ?? "").slice(0, 10);
    return day >= start && day <= end;
  });
}

function revenueReport(state: HubSpotState, c: HubSpotCampaign, q: URLSearchParams): Reply {
  const model = q.get("attributionModel") ?? "LINEAR";
  const type = FAKE_ATTRIBUTION[model];
  if (!type) {
    return error(
      400,
      "VALIDATION_ERROR",
      `The fake computes only ${Object.keys(FAKE_ATTRIBUTION).join(", ")}.`,
    );
  }
  const contacts = attributed(state, c, type, q);
  const dealIds = new Set(contacts.flatMap((id) => state.associations.get(`contacts:${id}`)?.deals ?? []));
  const deals = [...dealIds].map((id) => state.objects.deals.get(id)).filter((d): d is HubSpotRecord => !!d);
  const amount = (d: HubSpotRecord) => Number(d.properties.amount ?? 0);
  return json(200, {
    contactsNumber: contacts.length,
    dealsNumber: deals.length,
    dealAmount: deals.reduce((t, d) => t + amount(d), 0),
    revenueAmount: deals
      .filter((d) => d.properties.dealstage === "closedwon")
      .reduce((t, d) => t + amount(d), 0),
    currencyCode: c.properties.hs_currency_code ?? "USD",
  });
}

/** Campaign properties a create or update may set (others are read-only or unknown: HTTP 400). */
const WRITABLE_CAMPAIGN_PROPS = new Set([
  "hs_name",
  "hs_campaign_status",
  "hs_start_date",
  "hs_end_date",
  "hs_notes",
  "hs_audience",
  "hs_currency_code",
  "hs_owner",
  "hs_color_hex",
  "hs_utm",
]);
const CAMPAIGN_STATUSES = new Set(["planned", "in_progress", "active", "paused", "completed"]);

/** What HubSpot refuses in a campaign's properties, or undefined when they may be written. */
function campaignPropsError(state: HubSpotState, props: unknown, guid?: string): Reply | undefined {
  if (!props || typeof props !== "object" || Array.isArray(props))
    return error(400, "VALIDATION_ERROR", "properties must be an object of property names to values");
  for (const [k, v] of Object.entries(props as Record<string, unknown>)) {
    if (!WRITABLE_CAMPAIGN_PROPS.has(k))
      return error(400, "VALIDATION_ERROR", `Property ${k} does not exist or is read-only`);
    if (typeof v !== "string") return error(400, "VALIDATION_ERROR", `Property ${k} must be a string`);
    if ((k === "hs_start_date" || k === "hs_end_date") && v !== "" && !/^\d{4}-\d{2}-\d{2}$/.test(v))
      return error(400, "VALIDATION_ERROR", `Property ${k} must be a date as YYYY-MM-DD, got ${v}`);
    if (k === "hs_campaign_status" && !CAMPAIGN_STATUSES.has(v))
      return error(400, "VALIDATION_ERROR", `${v} is not a valid option for hs_campaign_status`);
    if (k === "hs_name") {
      if (!v.trim()) return error(400, "VALIDATION_ERROR", "hs_name must not be empty");
      const taken = [...state.campaigns.values()].some(
        (c) => c.id !== guid && (c.properties.hs_name ?? "").toLowerCase() === v.trim().toLowerCase(),
      );
      if (taken) return error(400, "VALIDATION_ERROR", `A campaign named ${v} already exists`);
    }
  }
  return undefined;
}

function campaignWrite(state: HubSpotState, req: FakeRequest, guid?: string, sub?: string): Reply {
  const body = (req.json ?? {}) as Record<string, unknown>;
  const now = new Date().toISOString();
  if (!guid && req.method === "POST") {
    const props = body.properties as Record<string, string> | undefined;
    const bad = campaignPropsError(state, props, undefined);
    if (bad) return bad;
    if (!props?.hs_name) return error(400, "VALIDATION_ERROR", "hs_name is required");
    const id = `c1000000-0000-4000-8000-${String(state.nextId++).padStart(12, "0")}`;
    const c: HubSpotCampaign = {
      id,
      properties: { hs_currency_code: "USD", ...props },
      budgetItems: [],
      spendItems: [],
      contacts: { contactFirstTouch: [], contactLastTouch: [], influencedContacts: [] },
      sessions: 0,
      assets: [],
      createdAt: now,
      updatedAt: now,
    };
    state.campaigns.set(id, c);
    return json(201, campaignView(c, Object.keys(c.properties)));
  }
  const c = guid ? state.campaigns.get(guid) : undefined;
  if (!c) return error(404, "OBJECT_NOT_FOUND", `Campaign ${guid} not found`);
  if (!sub && req.method === "PATCH") {
    const props = body.properties as Record<string, string> | undefined;
    const bad = campaignPropsError(state, props, c.id);
    if (bad) return bad;
    for (const [k, v] of Object.entries(props ?? {})) {
      if (v === "") delete c.properties[k];
      else c.properties[k] = v;
    }
    c.updatedAt = now;
    return json(200, campaignView(c, Object.keys(c.properties)));
  }
  if ((sub === "budget" || sub === "spend") && req.method === "POST") {
    const { amount, name, order, description } = body as Record<string, unknown>;
    if (typeof amount !== "number" || !Number.isFinite(amount))
      return error(400, "VALIDATION_ERROR", "amount is required and must be a number");
    if (typeof name !== "string" || !name) return error(400, "VALIDATION_ERROR", "name is required");
    if (!Number.isInteger(order))
      return error(400, "VALIDATION_ERROR", "order is required and must be an integer");
    const list = sub === "budget" ? c.budgetItems : c.spendItems;
    const item = {
      id: String(state.nextId++),
      name,
      amount,
      order: order as number,
      ...(typeof description === "string" ? { description } : {}),
    };
    list.push(item);
    c.updatedAt = now;
    return json(201, { ...item, createdAt: Date.parse(now), updatedAt: Date.parse(now) });
  }
  return error(405, "METHOD_NOT_ALLOWED", `${req.method} ${req.path} not supported by the fake`);
}

function campaignRoute(state: HubSpotState, req: FakeRequest, link: string): Reply {
  const m = req.path.match(/^\/marketing\/v3\/campaigns\/?([\w-]+)?(?:\/(.+))?$/);
  const [, guid, sub] = m ?? [];
  if (m && req.method !== "GET") return campaignWrite(state, req, guid, sub);
  const props = listParam(req.query, "properties");
  if (!m) return error(404, "OBJECT_NOT_FOUND", `Unknown path ${req.path}`);
  if (!guid) {
    const limit = Number(req.query.get("limit") ?? 50);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      return error(400, "VALIDATION_ERROR", "limit must be between 1 and 100");
    }
    const name = (req.query.get("name") ?? "").toLowerCase();
    const sort = req.query.get("sort") ?? "hs_name";
    const key = sort.replace(/^-/, "");
    const value = (c: HubSpotCampaign) =>
      key === "createdAt" ? c.createdAt : key === "updatedAt" ? c.updatedAt : (c.properties.hs_name ?? "");
    const items = [...state.campaigns.values()]
      .filter((c) => (c.properties.hs_name ?? "").toLowerCase().includes(name))
      .sort((a, b) => (sort.startsWith("-") ? -1 : 1) * value(a).localeCompare(value(b)));
    const p = page(
      items.map((c) => campaignView(c, props)),
      req.query.get("after") ?? undefined,
      limit,
      link,
    );
    return json(200, { total: items.length, ...p });
  }
  const c = state.campaigns.get(guid);
  if (!c) return error(404, "OBJECT_NOT_FOUND", `Campaign ${guid} not found`);
  if (!sub) return json(200, campaignView(c, props));
  if (sub === "budget/totals") {
    const budgetTotal = SUM_PROPS.hs_budget_items_sum_amount?.(c) ?? 0;
    const spendTotal = SUM_PROPS.hs_spend_items_sum_amount?.(c) ?? 0;
    const items = (list: { id?: string; name: string; amount: number; order?: number }[]) =>
      list.map((i, order) => ({ id: `${order + 1}`, order, createdAt: 0, updatedAt: 0, ...i }));
    return json(200, {
      budgetItems: items(c.budgetItems),
      spendItems: items(c.spendItems),
      budgetTotal,
      spendTotal,
      remainingBudget: budgetTotal - spendTotal,
      currencyCode: c.properties.hs_currency_code ?? "USD",
    });
  }
  if (sub === "reports/revenue") return revenueReport(state, c, req.query);
  const asset = sub.match(/^assets\/(\w+)$/);
  if (asset) {
    const rows = c.assets.filter((a) => a.type === asset[1]).map(({ id, name }) => ({ id, name }));
    const limit = Math.min(Number(req.query.get("limit") ?? 100), 100);
    return json(200, page(rows, req.query.get("after") ?? undefined, limit, link));
  }
  if (sub === "reports/metrics") {
    return json(200, {
      sessions: c.sessions,
      newContactsFirstTouch: attributed(state, c, "contactFirstTouch", req.query).length,
      newContactsLastTouch: attributed(state, c, "contactLastTouch", req.query).length,
      influencedContacts: attributed(state, c, "influencedContacts", req.query).length,
    });
  }
  const contacts = sub.match(/^reports\/contacts\/(\w+)$/);
  const type = contacts?.[1] as CampaignContactType | undefined;
  if (type && CAMPAIGN_CONTACT_TYPES.includes(type)) {
    const limit = Math.min(Number(req.query.get("limit") ?? 100), 100);
    const rows = attributed(state, c, type, req.query).map((id) => ({ id }));
    return json(200, page(rows, req.query.get("after") ?? undefined, limit, link));
  }
  return error(404, "OBJECT_NOT_FOUND", `Unknown path ${req.path}`);
}

export function hubspotState(seed: HubSpotSeed = {}): HubSpotState {
  const state: HubSpotState = {
    objects: Object.fromEntries(TYPES.map((t) => [t, new Map()])) as HubSpotState["objects"],
    associations: new Map(),
    associationLabels: new Map(),
    campaigns: new Map(),
    nextId: 1001,
    // seeded pipelines join the default one (a seeded "default" replaces it)
    pipelines: [
      ...(seed.pipelines?.some((p) => p.id === "default") ? [] : [HUBSPOT_DEFAULT_PIPELINE]),
      ...(seed.pipelines ?? []),
    ],
    owners: seed.owners ?? [],
    searchLagMs: seed.searchLagMs ?? 0,
    oauth: oauthFakeState("hubspot", seed.oauth),
    uniqueProperties: {
      ...(Object.fromEntries(TYPES.map((t) => [t, []])) as unknown as Record<HubSpotObjectType, string[]>),
      // HubSpot keeps contact emails unique: a GET may name email as idProperty
      contacts: ["email"],
      ...seed.uniqueProperties,
    },
    ...(seed.searchPerSecond !== undefined && { searchPerSecond: seed.searchPerSecond }),
    searchCalls: [],
    appliedUpdates: [],
    ...hubspotGoalsState(seed.goals, seed.goalsScope ?? true),
  };
  for (const type of TYPES) for (const props of seed[type] ?? []) addHubSpotObject(state, type, props);
  (seed.campaigns ?? []).forEach((c, i) => {
    const id = `c0000000-0000-4000-8000-${String(i + 1).padStart(12, "0")}`;
    state.campaigns.set(id, {
      id,
      properties: { ...c.properties },
      budgetItems: c.budgetItems ?? [],
      spendItems: c.spendItems ?? [],
      contacts: {
        contactFirstTouch: c.contacts?.contactFirstTouch ?? [],
        contactLastTouch: c.contacts?.contactLastTouch ?? [],
        influencedContacts: c.contacts?.influencedContacts ?? [],
      },
      sessions: c.sessions ?? 0,
      assets: c.assets ?? [],
      createdAt: FIXED_TIME,
      updatedAt: FIXED_TIME,
    });
  });
  for (const [from, fromId, to, toId, label] of seed.associations ?? []) {
    const key = `${from}:${fromId}`;
    const entry = state.associations.get(key) ?? {};
    entry[to] = [...(entry[to] ?? []), toId];
    state.associations.set(key, entry);
    if (label) state.associationLabels.set(`${key}:${to}:${toId}`, label);
  }
  // a seeded history replaces the one-entry history of that property (the caller ends it with the current value)
  const replaced = new Set<string>();
  for (const [id, name, value, timestamp] of seed.dealHistory ?? []) {
    const rec = state.objects.deals.get(id);
    if (!rec) throw new Error(`dealHistory names deal ${id}, not seeded`);
    if (!replaced.has(`${id}:${name}`)) rec.history[name] = [];
    replaced.add(`${id}:${name}`);
    rec.history[name]?.push({ value, timestamp });
    rec.history[name]?.sort((x, y) => x.timestamp.localeCompare(y.timestamp));
  }
  return state;
}

/** Adds a record to a running portal as a user would (associated both ways with `links`); returns its id. */
export function addHubSpotObject(
  state: HubSpotState,
  type: HubSpotObjectType,
  props: Record<string, string>,
  links: [HubSpotObjectType, string][] = [],
): string {
  const rec = newRecord(state, props);
  rec.createdAt = props.createdate ?? FIXED_TIME;
  rec.updatedAt = FIXED_TIME;
  state.objects[type].set(rec.id, rec);
  for (const [to, toId] of links)
    for (const [a, aId, b, bId] of [
      [type, rec.id, to, toId],
      [to, toId, type, rec.id],
    ] as const) {
      const entry = state.associations.get(`${a}:${aId}`) ?? {};
      entry[b] = [...(entry[b] ?? []), bId];
      state.associations.set(`${a}:${aId}`, entry);
    }
  return rec.id;
}

/** Starts the HubSpot CRM fake; every request needs a bearer token. */
export async function startHubSpotFake(seed: HubSpotSeed = {}): Promise<RunningFake<HubSpotState>> {
  let base = "";
  const state = hubspotState(seed);
  const fake = await startFake(
    {
      name: "hubspot",
      route: (req: FakeRequest): Reply => {
        if (req.path === "/oauth/authorize") return oauthAuthorize(state.oauth, req);
        if (req.path === "/oauth/v1/token" && req.method === "POST")
          return (
            oauthToken(state.oauth, req, base) ??
            error(400, "BAD_REFRESH_TOKEN", "missing or unknown refresh token")
          );
        if (!req.bearer) return error(401, "INVALID_AUTHENTICATION", "Authentication credentials not found.");
        if (accessExpired(state.oauth, req.bearer))
          return error(401, "EXPIRED_AUTHENTICATION", "The OAuth token used to make this call expired.");
        return route(state, () => base, req);
      },
      isPublic: (req) => req.path.startsWith("/oauth/"),
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
