/**
 * Salesforce REST API fake (v60.0). There is no public OpenAPI document for the REST/sObject API
 * (see ../shared/vendor-specs/README.md): shapes follow Salesforce's REST API Developer Guide
 * (query/queryMore, sObject rows, error arrays, Sforce-Limit-Info, OAuth refresh_token grant).
 */

import { type FakeRequest, json, type Reply, type RunningFake, startFake } from "./http-fake";
import {
  accessExpired,
  type OAuthApp,
  type OAuthFakeState,
  oauthAuthorize,
  oauthFakeState,
  oauthToken,
} from "./oauth";
import { sobjectCollections } from "./salesforce-collections";
import { SOAP_PATH, soapRoute } from "./salesforce-soap";
import { type OrgRates, parseSoql, runSoql, SoqlError } from "./soql";

export type SObjectRow = Record<string, unknown> & { Id: string };

/** One OpportunityStage row: the StageName picklist value and what it means (IsClosed/IsWon, probability). */
export interface OpportunityStageSeed {
  MasterLabel: string;
  IsClosed: boolean;
  IsWon: boolean;
  DefaultProbability: number;
  ForecastCategoryName: string;
  IsActive?: boolean;
}

/** Salesforce's standard sales process stages. */
export const STANDARD_OPPORTUNITY_STAGES: OpportunityStageSeed[] = [
  {
    MasterLabel: "Prospecting",
    IsClosed: false,
    IsWon: false,
    DefaultProbability: 10,
    ForecastCategoryName: "Pipeline",
  },
  {
    MasterLabel: "Qualification",
    IsClosed: false,
    IsWon: false,
    DefaultProbability: 10,
    ForecastCategoryName: "Pipeline",
  },
  {
    MasterLabel: "Needs Analysis",
    IsClosed: false,
    IsWon: false,
    DefaultProbability: 20,
    ForecastCategoryName: "Pipeline",
  },
  {
    MasterLabel: "Value Proposition",
    IsClosed: false,
    IsWon: false,
    DefaultProbability: 50,
    ForecastCategoryName: "Pipeline",
  },
  {
    MasterLabel: "Id. Decision Makers",
    IsClosed: false,
    IsWon: false,
    DefaultProbability: 60,
    ForecastCategoryName: "Pipeline",
  },
  {
    MasterLabel: "Perception Analysis",
    IsClosed: false,
    IsWon: false,
    DefaultProbability: 70,
    ForecastCategoryName: "Pipeline",
  },
  {
    MasterLabel: "Proposal/Price Quote",
    IsClosed: false,
    IsWon: false,
    DefaultProbability: 75,
    ForecastCategoryName: "Pipeline",
  },
  {
    MasterLabel: "Negotiation/Review",
    IsClosed: false,
    IsWon: false,
    DefaultProbability: 90,
    ForecastCategoryName: "Pipeline",
  },
  {
    MasterLabel: "Closed Won",
    IsClosed: true,
    IsWon: true,
    DefaultProbability: 100,
    ForecastCategoryName: "Closed",
  },
  {
    MasterLabel: "Closed Lost",
    IsClosed: true,
    IsWon: false,
    DefaultProbability: 0,
    ForecastCategoryName: "Omitted",
  },
];

/** Opportunity fields every org has; a query or update naming another field fails with INVALID_FIELD. */
const OPPORTUNITY_STANDARD_FIELDS = [
  "Id",
  "Name",
  "AccountId",
  "StageName",
  "Amount",
  "CloseDate",
  "OwnerId",
  "Probability",
  "ForecastCategoryName",
  "Type",
  "NextStep",
  "IsClosed",
  "IsWon",
  "Description",
  "LeadSource",
  "CreatedDate",
  "LastModifiedDate",
  "LastActivityDate",
  "LastStageChangeDate",
];
/** Task fields every org has; a create naming another (not a declared or seeded custom field) fails with INVALID_FIELD. */
const TASK_STANDARD_FIELDS = [
  "Id",
  "Subject",
  "Status",
  "Priority",
  "OwnerId",
  "WhatId",
  "WhoId",
  "AccountId",
  "ActivityDate",
  "Description",
  "Type",
  "TaskSubtype",
  "IsClosed",
  "CompletedDateTime",
  "CreatedDate",
  "LastModifiedDate",
];
const TASK_STATUSES = ["Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred"];
/** What an object's standard fields are, where the fake models the object's schema. */
const STANDARD_FIELDS: Record<string, string[]> = {
  Opportunity: OPPORTUNITY_STANDARD_FIELDS,
  Task: TASK_STANDARD_FIELDS,
};

/** Fields Salesforce computes: an update naming one fails (INVALID_FIELD_FOR_INSERT_UPDATE). */
const OPPORTUNITY_READ_ONLY = new Set([
  "Id",
  "IsClosed",
  "IsWon",
  "CreatedDate",
  "LastModifiedDate",
  "LastActivityDate",
  "LastStageChangeDate",
]);

export interface SalesforceState {
  objects: Record<string, Map<string, SObjectRow>>;
  /** API requests counted against the daily allocation. */
  apiUsage: number;
  dailyAllocation: number;
  /** Rows per query page before nextRecordsUrl (Salesforce: 2000; small here to exercise queryMore). */
  pageSize: number;
  /** Query cursors: locator → remaining rows. */
  cursors: Map<string, unknown[]>;
  issuedTokens: string[];
  refreshTokens: Set<string>;
  /** The web-server flow (authorize page, single-use codes, PKCE) and refresh grants for the tokens it issued. */
  oauth: OAuthFakeState;
  /** What the token endpoint returns as instance_url (the fake itself unless a test overrides it). */
  instanceUrl: string;
  nextId: number;
  /** Fields hidden from the integration user by field-level security, per object: queries and updates naming them fail. */
  hiddenFields: Record<string, Set<string>>;
  /** Answer the next N applied updates with this status (the vendor wrote, then failed: an ambiguous failure). */
  failAfterWrite?: { status: number; times: number };
  /** Every update the fake applied, in order (what a "not applied twice" test counts). */
  appliedUpdates: { type: string; id: string; fields: Record<string, unknown> }[];
  /** Set in a multi-currency org: records carry CurrencyIsoCode, CurrencyType lists the rates. */
  currencies?: OrgRates;
  /** Custom fields the org defines, per object (besides those seen in seeded rows). */
  customFields: Record<string, Set<string>>;
}

/**
 * One OpportunityHistory row to seed: `opportunity` is the index of its deal in the seed's Opportunity list. Salesforce
 * writes these itself (a row per change of StageName, Amount, CloseDate, Probability or ForecastCategory, with the
 * values after it); the fake adds one on every such PATCH too.
 */
export interface OpportunityHistorySeed {
  opportunity: number;
  StageName: string;
  Amount?: number | null;
  CloseDate?: string | null;
  CreatedDate: string;
}

/** A contact's role on a seeded opportunity (OpportunityContactRole); `opportunity` indexes the seed's list. */
export interface OpportunityContactRoleSeed {
  opportunity: number;
  ContactId: string;
  Role?: string;
  IsPrimary?: boolean;
}

/** A Task or Event (activity) to seed; `opportunity` indexes the seed's Opportunity list and becomes its WhatId. */
export type ActivitySeed = Record<string, unknown> & { opportunity?: number };

/** One LeadStatus row: a Status picklist value and whether it marks a converted lead. */
export interface LeadStatusSeed {
  MasterLabel: string;
  IsConverted: boolean;
  IsDefault?: boolean;
}

/** Salesforce's default lead statuses. */
export const STANDARD_LEAD_STATUSES: LeadStatusSeed[] = [
  { MasterLabel: "Open - Not Contacted", IsConverted: false, IsDefault: true },
  { MasterLabel: "Working - Contacted", IsConverted: false },
  { MasterLabel: "Closed - Converted", IsConverted: true },
  { MasterLabel: "Closed - Not Converted", IsConverted: false },
];

/**
 * Collaborative Forecasts: forecast periods (Period), forecast types and quotas (ForecastingQuota). Seeded, the org has
 * the feature on; unseeded, a query on these objects answers INVALID_TYPE as an org with it off does.
 */
export interface ForecastSeed {
  /** Forecast periods (Type "Month" or "Quarter"), ids 026…. */
  Period: { StartDate: string; EndDate: string; Type: string }[];
  /** Forecast types (default: one, OpportunityRevenue), ids 0Db…. */
  ForecastingType?: Omit<SObjectRow, "Id">[];
  /** Quotas: `owner` indexes the seeded User list, `period` the Period list (its StartDate is copied). */
  ForecastingQuota: (Omit<SObjectRow, "Id"> & { owner: number; period: number; type?: number })[];
}

export interface SalesforceSeed {
  /** Collaborative Forecasts on, with these periods and quotas (absent: off, ForecastingQuota is INVALID_TYPE). */
  forecasts?: ForecastSeed;
  /** The Lead Status picklist (default: Salesforce's standard values). */
  leadStatuses?: LeadStatusSeed[];
  Opportunity?: Omit<SObjectRow, "Id">[];
  /** Contacts, numbered after the seeded opportunities (ids 003…). */
  Contact?: Omit<SObjectRow, "Id">[];
  /** Leads (ids 00Q…), numbered after the contacts. */
  Lead?: Omit<SObjectRow, "Id">[];
  Task?: ActivitySeed[];
  Event?: ActivitySeed[];
  OpportunityContactRole?: OpportunityContactRoleSeed[];
  /** Field history of the seeded opportunities (OpportunityHistory), oldest first per deal. */
  OpportunityHistory?: OpportunityHistorySeed[];
  Account?: Omit<SObjectRow, "Id">[];
  dailyAllocation?: number;
  pageSize?: number;
  refreshTokens?: string[];
  /** Connected apps that may run the web-server flow (default: salesforce-test-client / salesforce-test-secret). */
  oauth?: { apps?: OAuthApp[]; accessTtlSec?: number };
  /** The StageName picklist and its stage metadata (default: Salesforce's standard stages). */
  stages?: OpportunityStageSeed[];
  User?: Omit<SObjectRow, "Id">[];
  /** Field-level security: fields the integration user cannot see, per object. */
  hiddenFields?: Record<string, string[]>;
  /** Custom (__c) fields the org defines, per object, e.g. { Opportunity: ["RevOps_Idempotency_Key__c"] }. */
  customFields?: Record<string, string[]>;
  /**
   * A multi-currency org: the corporate ISO code and each active currency's rate (units per one corporate unit).
   * Opportunities without a CurrencyIsoCode get the corporate one; the integration user's currency is corporate.
   */
  currencies?: OrgRates;
}

export const SALESFORCE_API_VERSION = "v60.0";
const DATA = `/services/data/${SALESFORCE_API_VERSION}`;
const ID_PREFIX: Record<string, string> = {
  Opportunity: "006",
  Account: "001",
  User: "005",
  OpportunityHistory: "008",
  OpportunityContactRole: "00K",
  OpportunityStage: "01J",
  Contact: "003",
  Lead: "00Q",
  Task: "00T",
  Event: "00U",
  Period: "026",
  ForecastingType: "0Db",
  ForecastingQuota: "0J9",
};

/** The next id of a record of this type (its key prefix, then the org's counter). */
export const nextSObjectId = (state: SalesforceState, type: string) =>
  `${ID_PREFIX[type] ?? "a00"}${String(state.nextId++).padStart(15, "0")}`;

/** Adds a record to a running org as an administrator would (ids and computed fields as on a create); returns its id. */
export function addSObject(state: SalesforceState, type: string, fields: Omit<SObjectRow, "Id">): string {
  const id = nextSObjectId(state, type);
  const row: SObjectRow = { ...fields, Id: id };
  state.objects[type] ??= new Map();
  state.objects[type].set(id, row);
  if (type === "Opportunity") followStage(state, row);
  return id;
}

function sfError(status: number, errorCode: string, message: string): Reply {
  return json(status, [{ message, errorCode }]);
}

function withAttributes(type: string, row: SObjectRow, fields?: string[]) {
  const picked: Record<string, unknown> = {};
  for (const f of fields ?? Object.keys(row)) picked[f] = row[f] ?? null;
  return { attributes: { type, url: `${DATA}/sobjects/${type}/${row.Id}` }, ...picked };
}

function queryPage(state: SalesforceState, rows: unknown[], total: number): Reply {
  const pageRows = rows.slice(0, state.pageSize);
  const rest = rows.slice(state.pageSize);
  if (rest.length === 0) return json(200, { totalSize: total, done: true, records: pageRows });
  const locator = `01g${String(state.cursors.size + 1).padStart(12, "0")}`;
  const offset = total - rest.length;
  state.cursors.set(`${locator}-${offset}`, rest);
  return json(200, {
    totalSize: total,
    done: false,
    nextRecordsUrl: `${DATA}/query/${locator}-${offset}`,
    records: pageRows,
  });
}

function tokenGrant(state: SalesforceState, req: FakeRequest): Reply {
  const form = (req.json ?? {}) as Record<string, string>;
  if (
    form.grant_type !== "refresh_token" ||
    !form.refresh_token ||
    !state.refreshTokens.has(form.refresh_token)
  ) {
    return json(400, { error: "invalid_grant", error_description: "expired access/refresh token" });
  }
  const token = `00D-access-${state.issuedTokens.length + 1}`;
  state.issuedTokens.push(token);
  return json(200, {
    access_token: token,
    instance_url: state.instanceUrl,
    id: "https://login.salesforce.com/id/00Dxx0000000001/005xx0000000001",
    token_type: "Bearer",
    issued_at: String(Date.now()),
    signature: "fake-signature",
  });
}

function route(state: SalesforceState, req: FakeRequest): Reply {
  if (req.path === "/services/oauth2/authorize") return oauthAuthorize(state.oauth, req);
  if (req.path === "/services/oauth2/token" && req.method === "POST")
    return oauthToken(state.oauth, req, state.instanceUrl) ?? tokenGrant(state, req);
  // the SOAP API carries its session in the envelope, not in an Authorization header
  if (SOAP_PATH.test(req.path)) return soapRoute(state, req);
  if (!req.bearer || accessExpired(state.oauth, req.bearer))
    return sfError(401, "INVALID_SESSION_ID", "Session expired or invalid");
  state.apiUsage++;
  if (state.apiUsage > state.dailyAllocation) {
    return sfError(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.");
  }
  if (req.path === `${DATA}/query` && req.method === "GET") {
    try {
      const q = parseSoql(req.query.get("q") ?? "");
      const store = state.objects[q.object];
      if (!store) return sfError(400, "INVALID_TYPE", `sObject type '${q.object}' is not supported.`);
      // one hidden or unknown column fails the whole query, as in Salesforce (jsforce#1114)
      const named = [
        ...q.fields,
        ...q.where.flatMap((w) => (w.or ?? [w]).map((c) => c.field)),
        ...(q.orderBy ? [q.orderBy.field] : []),
      ];
      const bad = named.find((f) => !fieldVisible(state, q.object, f));
      if (bad) return noSuchColumn(q.object, bad);
      const rows = runSoql(q, [...store.values()] as Record<string, unknown>[], state.currencies).map((r) =>
        withAttributes(q.object, r as SObjectRow, q.fields),
      );
      return queryPage(state, rows, rows.length);
    } catch (err) {
      if (err instanceof SoqlError) return sfError(400, "MALFORMED_QUERY", err.message);
      throw err;
    }
  }
  const more = req.path.match(new RegExp(`^${DATA}/query/([\\w-]+)$`));
  if (more && req.method === "GET") {
    const key = more[1] as string;
    const rest = state.cursors.get(key);
    if (!rest) return sfError(400, "INVALID_QUERY_LOCATOR", "invalid query locator");
    state.cursors.delete(key);
    const offset = Number(key.split("-")[1]);
    return queryPage(state, rest, offset + rest.length);
  }
  if (req.path === `${DATA}/composite/sobjects`)
    return sobjectCollections(state, req, {
      check: (type, body) => checkUpdate(state, type, body),
      apply: (type, row, body) => patchRow(state, type, row, body),
    });
  const so = req.path.match(new RegExp(`^${DATA}/sobjects/(\\w+)(?:/(\\w+))?$`));
  const type = so?.[1];
  const store = type ? state.objects[type] : undefined;
  if (!so || !type || !store) return sfError(404, "NOT_FOUND", "The requested resource does not exist");
  const id = so[2];
  const body = (req.json ?? {}) as Record<string, unknown>;
  if (!id && req.method === "POST") {
    // a create is checked like an update (fields, picklist, owner); Salesforce fills the computed fields
    const refused = checkUpdate(state, type, body);
    if (refused) return refused;
    const newId = `${ID_PREFIX[type] ?? "a00"}${String(state.nextId++).padStart(15, "0")}`;
    const row: SObjectRow = {
      ...body,
      Id: newId,
      CreatedDate: new Date().toISOString().replace("Z", "+0000"),
    };
    compoundName(type, row);
    store.set(newId, row);
    if (type === "Opportunity") {
      followStage(state, row);
      recordHistory(state, { Id: newId }, row);
    }
    // creates keyed by RevOps_Idempotency_Key__c (deals, tasks) can fail after they landed
    const after = state.failAfterWrite;
    if ((type === "Opportunity" || type === "Task") && after && after.times > 0) {
      after.times--;
      return sfError(after.status, "SERVER_UNAVAILABLE", "Service temporarily unavailable");
    }
    return json(201, { id: newId, success: true, errors: [] });
  }
  const row = id ? store.get(id) : undefined;
  if (!row) return sfError(404, "NOT_FOUND", "The requested resource does not exist");
  if (req.method === "GET") {
    const visible = Object.keys(row).filter((f) => !state.hiddenFields[type]?.has(f));
    return json(200, withAttributes(type, row, visible));
  }
  if (req.method === "PATCH") {
    const refused = checkUpdate(state, type, body);
    if (refused) return refused;
    patchRow(state, type, row, body);
    const after = state.failAfterWrite;
    if (after && after.times > 0) {
      after.times--;
      return sfError(after.status, "SERVER_UNAVAILABLE", "Service temporarily unavailable");
    }
    return { status: 204 };
  }
  return sfError(405, "METHOD_NOT_ALLOWED", `HTTP Method '${req.method}' not allowed.`);
}

/** Applies a checked PATCH body: computed fields follow the stage, tracked changes are kept, every update counted. */
function patchRow(
  state: SalesforceState,
  type: string,
  row: SObjectRow,
  body: Record<string, unknown>,
): void {
  const before = { ...row };
  Object.assign(row, body, { Id: row.Id });
  compoundName(type, row);
  if (type === "Opportunity" && typeof body.StageName === "string") followStage(state, row);
  if (type === "Opportunity") recordHistory(state, before, row);
  state.appliedUpdates.push({ type, id: row.Id, fields: { ...body } });
}

/** A Contact's or Lead's Name is Salesforce's compound of FirstName and LastName (read-only). */
function compoundName(type: string, row: SObjectRow): void {
  if (type !== "Contact" && type !== "Lead") return;
  if (!("FirstName" in row) && !("LastName" in row)) return;
  row.Name = [row.FirstName, row.LastName].filter((v) => typeof v === "string" && v).join(" ");
}

function noSuchColumn(object: string, field: string): Reply {
  return sfError(
    400,
    "INVALID_FIELD",
    `No such column '${field}' on entity '${object}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
  );
}

/**
 * Opportunity and Task have a schema (standard fields, plus custom __c fields declared or seen in their rows; a
 * seeded field counts as the org's); other objects take any field.
 */
function fieldVisible(state: SalesforceState, object: string, field: string): boolean {
  if (state.hiddenFields[object]?.has(field)) return false;
  const standard = STANDARD_FIELDS[object];
  if (!standard) return true;
  if (standard.includes(field)) return true;
  if (field === "CurrencyIsoCode") return state.currencies !== undefined;
  const seen = [...(state.objects[object]?.values() ?? [])].some((r) => field in r);
  if (field.endsWith("__c")) return seen || state.customFields[object]?.has(field) === true;
  // a seeded Task field the list lacks is one of the org's (the fake lists only the common ones)
  return object === "Task" && seen;
}

const activeStages = (state: SalesforceState) =>
  [...(state.objects.OpportunityStage?.values() ?? [])].filter((s) => s.IsActive !== false);

/** What Salesforce refuses in a PATCH: unknown, hidden or computed fields, a stage off the picklist, an unknown owner. */
function checkUpdate(state: SalesforceState, type: string, body: Record<string, unknown>): Reply | undefined {
  for (const field of Object.keys(body)) {
    if (!fieldVisible(state, type, field)) return noSuchColumn(type, field);
    if (type === "Opportunity" && OPPORTUNITY_READ_ONLY.has(field))
      return sfError(400, "INVALID_FIELD_FOR_INSERT_UPDATE", `Unable to create/update fields: ${field}.`);
  }
  if (type === "Task") return checkTask(state, body);
  if (type !== "Opportunity") return undefined;
  if ("StageName" in body && !activeStages(state).some((s) => s.MasterLabel === body.StageName)) {
    return sfError(
      400,
      "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
      `Stage: bad value for restricted picklist field: ${String(body.StageName)}`,
    );
  }
  if ("Amount" in body && body.Amount !== null && typeof body.Amount !== "number")
    return sfError(
      400,
      "JSON_PARSER_ERROR",
      "Cannot deserialize instance of currency from VALUE_STRING value",
    );
  if ("CloseDate" in body && !/^\d{4}-\d{2}-\d{2}$/.test(String(body.CloseDate)))
    return sfError(
      400,
      "JSON_PARSER_ERROR",
      `Cannot deserialize instance of date from VALUE_STRING value ${String(body.CloseDate)}`,
    );
  if ("AccountId" in body && body.AccountId && !state.objects.Account?.has(String(body.AccountId)))
    return sfError(400, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id");
  const users = state.objects.User;
  if ("OwnerId" in body && users && !users.has(String(body.OwnerId)))
    return sfError(400, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id");
  return undefined;
}

/** A Task's Status off its picklist, a date that is not one, or a WhatId/OwnerId that names no record. */
function checkTask(state: SalesforceState, body: Record<string, unknown>): Reply | undefined {
  if ("Status" in body && !TASK_STATUSES.includes(String(body.Status)))
    return sfError(
      400,
      "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
      `Status: bad value for restricted picklist field: ${String(body.Status)}`,
    );
  if (
    "ActivityDate" in body &&
    body.ActivityDate !== null &&
    !/^\d{4}-\d{2}-\d{2}$/.test(String(body.ActivityDate))
  )
    return sfError(
      400,
      "JSON_PARSER_ERROR",
      `Cannot deserialize instance of date from VALUE_STRING value ${String(body.ActivityDate)}`,
    );
  const what = body.WhatId ? String(body.WhatId) : undefined;
  if (what && !["Opportunity", "Account"].some((t) => state.objects[t]?.has(what)))
    return sfError(400, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id");
  const users = state.objects.User;
  if ("OwnerId" in body && users?.size && !users.has(String(body.OwnerId)))
    return sfError(400, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id");
  return undefined;
}

/** A new StageName brings its stage's probability, forecast category and closed/won flags, as Salesforce does. */
export function followStage(state: SalesforceState, row: SObjectRow): void {
  const stage = activeStages(state).find((s) => s.MasterLabel === row.StageName);
  if (!stage) return;
  row.Probability = stage.DefaultProbability;
  row.ForecastCategoryName = stage.ForecastCategoryName;
  row.IsClosed = stage.IsClosed;
  row.IsWon = stage.IsWon;
}

const HISTORY_FIELDS = ["StageName", "Amount", "CloseDate", "Probability", "ForecastCategoryName"] as const;

/** History rows are never deleted: their own counter keeps other records' ids as they were. */
const historyId = (store: Map<string, SObjectRow>) =>
  `${ID_PREFIX.OpportunityHistory}${String(store.size + 1).padStart(15, "0")}`;

/** Salesforce appends an OpportunityHistory row (the values after the change) when a tracked field changes. */
export function recordHistory(state: SalesforceState, before: SObjectRow, after: SObjectRow): void {
  if (!HISTORY_FIELDS.some((f) => before[f] !== after[f])) return;
  const store = state.objects.OpportunityHistory;
  if (!store) return;
  const id = historyId(store);
  store.set(id, {
    Id: id,
    OpportunityId: after.Id,
    StageName: after.StageName ?? null,
    Amount: after.Amount ?? null,
    CloseDate: after.CloseDate ?? null,
    Probability: after.Probability ?? null,
    ForecastCategory: after.ForecastCategoryName ?? null,
    CreatedDate: new Date().toISOString().replace("Z", "+0000"),
  });
}

/** CurrencyType: the object that only multi-currency orgs have (INVALID_TYPE elsewhere). */
function currencyTypes(org: OrgRates): Map<string, SObjectRow> {
  const rows = Object.entries(org.rates).map(
    ([iso, rate], i): SObjectRow => ({
      Id: `02X${String(i + 1).padStart(15, "0")}`,
      IsoCode: iso,
      ConversionRate: rate,
      IsCorporate: iso === org.corporate,
      IsActive: true,
      DecimalPlaces: 2,
    }),
  );
  return new Map(rows.map((r) => [r.Id, r]));
}

export function salesforceState(seed: SalesforceSeed = {}): SalesforceState {
  const state: SalesforceState = {
    objects: {
      Opportunity: new Map(),
      Account: new Map(),
      OpportunityHistory: new Map(),
      OpportunityContactRole: new Map(),
      // every org has these standard objects, empty or not
      Contact: new Map(),
      Lead: new Map(),
      Task: new Map(),
      Event: new Map(),
    },
    apiUsage: 0,
    dailyAllocation: seed.dailyAllocation ?? 15_000,
    pageSize: seed.pageSize ?? 2000,
    cursors: new Map(),
    issuedTokens: [],
    refreshTokens: new Set(seed.refreshTokens ?? ["refresh-1"]),
    oauth: oauthFakeState("salesforce", { accessTtlSec: 7200, ...seed.oauth }),
    instanceUrl: "",
    nextId: 1,
    hiddenFields: Object.fromEntries(
      Object.entries(seed.hiddenFields ?? {}).map(([o, fields]) => [o, new Set(fields)]),
    ),
    appliedUpdates: [],
    customFields: Object.fromEntries(
      Object.entries(seed.customFields ?? {}).map(([o, fields]) => [o, new Set(fields)]),
    ),
    ...(seed.currencies ? { currencies: seed.currencies } : {}),
  };
  // the Lead Status picklist with its converted flag (Salesforce's default values)
  state.objects.LeadStatus = new Map(
    (seed.leadStatuses ?? STANDARD_LEAD_STATUSES).map((st, i) => {
      const id = `01J9${String(i + 1).padStart(14, "0")}`;
      return [id, { Id: id, ApiName: st.MasterLabel, SortOrder: i + 1, ...st }];
    }),
  );
  state.objects.OpportunityStage = new Map();
  (seed.stages ?? STANDARD_OPPORTUNITY_STAGES).forEach((st, i) => {
    const id = `01J${String(i + 1).padStart(15, "0")}`;
    state.objects.OpportunityStage?.set(id, {
      Id: id,
      ApiName: st.MasterLabel,
      IsActive: true,
      SortOrder: i + 1,
      ...st,
    });
  });
  if (seed.User) {
    state.objects.User = new Map();
    for (const row of seed.User) {
      const id = `005${String(state.nextId++).padStart(15, "0")}`;
      state.objects.User.set(id, { ...row, Id: id });
    }
  }
  for (const type of ["Account", "Opportunity"] as const) {
    for (const row of seed[type] ?? []) {
      const id = `${ID_PREFIX[type]}${String(state.nextId++).padStart(15, "0")}`;
      const currency = seed.currencies ? { CurrencyIsoCode: seed.currencies.corporate } : {};
      state.objects[type]?.set(id, { ...currency, ...row, Id: id });
    }
  }
  const opportunityIds = [...(state.objects.Opportunity?.keys() ?? [])];
  for (const row of seed.Contact ?? []) {
    const id = `${ID_PREFIX.Contact}${String(state.nextId++).padStart(15, "0")}`;
    state.objects.Contact?.set(id, { ...row, Id: id });
  }
  for (const row of seed.Lead ?? []) {
    const id = `${ID_PREFIX.Lead}${String(state.nextId++).padStart(15, "0")}`;
    state.objects.Lead?.set(id, { ...row, Id: id });
  }
  for (const type of ["Task", "Event"] as const) {
    for (const { opportunity, ...fields } of seed[type] ?? []) {
      const id = `${ID_PREFIX[type]}${String(state.nextId++).padStart(15, "0")}`;
      const whatId = opportunity === undefined ? null : opportunityIds[opportunity];
      if (whatId === undefined) throw new Error(`${type} seed names opportunity ${opportunity}, not seeded`);
      state.objects[type]?.set(id, { WhoId: null, ...fields, Id: id, WhatId: whatId });
    }
  }
  for (const h of seed.OpportunityHistory ?? []) {
    const { opportunity, ...fields } = h;
    const oppId = opportunityIds[opportunity];
    if (!oppId) throw new Error(`OpportunityHistory seed names opportunity ${opportunity}, not seeded`);
    const store = state.objects.OpportunityHistory as Map<string, SObjectRow>;
    const id = historyId(store);
    store.set(id, { Amount: null, CloseDate: null, ...fields, Id: id, OpportunityId: oppId });
  }
  (seed.OpportunityContactRole ?? []).forEach((r, i) => {
    const { opportunity, ...fields } = r;
    const oppId = opportunityIds[opportunity];
    if (!oppId) throw new Error(`OpportunityContactRole seed names opportunity ${opportunity}, not seeded`);
    const id = `${ID_PREFIX.OpportunityContactRole}${String(i + 1).padStart(15, "0")}`;
    state.objects.OpportunityContactRole?.set(id, {
      Role: null,
      IsPrimary: false,
      ...fields,
      Id: id,
      OpportunityId: oppId,
    });
  });
  if (seed.currencies) state.objects.CurrencyType = currencyTypes(seed.currencies);
  if (seed.forecasts) seedForecasts(state, seed.forecasts);
  return state;
}

/** Period, ForecastingType and ForecastingQuota rows: the objects an org with Collaborative Forecasts has. */
function seedForecasts(state: SalesforceState, f: ForecastSeed): void {
  const add = (type: string, rows: Omit<SObjectRow, "Id">[]) => {
    const store = new Map<string, SObjectRow>();
    for (const row of rows) {
      const id = nextSObjectId(state, type);
      store.set(id, { ...row, Id: id });
    }
    state.objects[type] = store;
    return [...store.keys()];
  };
  const periods = add("Period", f.Period);
  const types = add(
    "ForecastingType",
    f.ForecastingType ?? [{ DeveloperName: "OpportunityRevenue", IsActive: true, IsAmount: true }],
  );
  const users = [...(state.objects.User?.keys() ?? [])];
  const corporate = state.currencies ? { CurrencyIsoCode: state.currencies.corporate } : {};
  add(
    "ForecastingQuota",
    f.ForecastingQuota.map(({ owner, period, type, ...row }) => {
      const periodId = periods[period];
      if (!periodId || users[owner] === undefined)
        throw new Error(`ForecastingQuota seed names user ${owner} or period ${period}, not seeded`);
      return {
        IsAmount: true,
        IsQuantity: false,
        ProductFamily: null,
        ...corporate,
        ...row,
        QuotaOwnerId: users[owner],
        PeriodId: periodId,
        StartDate: f.Period[period]?.StartDate,
        ForecastingTypeId: types[type ?? 0],
      };
    }),
  );
}

/** Starts the Salesforce fake; `state.instanceUrl` defaults to the fake's own URL. */
export async function startSalesforceFake(seed: SalesforceSeed = {}): Promise<RunningFake<SalesforceState>> {
  const state = salesforceState(seed);
  const fake = await startFake(
    {
      name: "salesforce",
      route: (req: FakeRequest): Reply => route(state, req),
      isPublic: (req) => req.path.startsWith("/services/oauth2/"),
      unauthorized: () => sfError(401, "INVALID_SESSION_ID", "Session expired or invalid"),
      decorate: (req): Record<string, string> =>
        req.path.startsWith("/services/data/")
          ? { "sforce-limit-info": `api-usage=${state.apiUsage}/${state.dailyAllocation}` }
          : {},
    },
    state,
  );
  fake.state.instanceUrl = fake.url;
  return fake;
}
