/**
 * Salesforce REST API fake (v60.0). There is no public OpenAPI document for the REST/sObject API
 * (see ../shared/vendor-specs/README.md): shapes follow Salesforce's REST API Developer Guide
 * (query/queryMore, sObject rows, error arrays, Sforce-Limit-Info, OAuth refresh_token grant).
 */
import { type FakeRequest, json, type Reply, type RunningFake, startFake } from "./http-fake";
import { parseSoql, runSoql, SoqlError } from "./soql";

export type SObjectRow = Record<string, unknown> & { Id: string };

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
  /** What the token endpoint returns as instance_url (the fake itself unless a test overrides it). */
  instanceUrl: string;
  nextId: number;
}

export interface SalesforceSeed {
  Opportunity?: Omit<SObjectRow, "Id">[];
  Account?: Omit<SObjectRow, "Id">[];
  dailyAllocation?: number;
  pageSize?: number;
  refreshTokens?: string[];
}

export const SALESFORCE_API_VERSION = "v60.0";
const DATA = `/services/data/${SALESFORCE_API_VERSION}`;
const ID_PREFIX: Record<string, string> = { Opportunity: "006", Account: "001" };

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
  if (req.path === "/services/oauth2/token" && req.method === "POST") return tokenGrant(state, req);
  if (!req.bearer) return sfError(401, "INVALID_SESSION_ID", "Session expired or invalid");
  state.apiUsage++;
  if (state.apiUsage > state.dailyAllocation) {
    return sfError(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.");
  }
  if (req.path === `${DATA}/query` && req.method === "GET") {
    try {
      const q = parseSoql(req.query.get("q") ?? "");
      const store = state.objects[q.object];
      if (!store) return sfError(400, "INVALID_TYPE", `sObject type '${q.object}' is not supported.`);
      const rows = runSoql(q, [...store.values()] as Record<string, unknown>[]).map((r) =>
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
  const so = req.path.match(new RegExp(`^${DATA}/sobjects/(\\w+)(?:/(\\w+))?$`));
  const type = so?.[1];
  const store = type ? state.objects[type] : undefined;
  if (!so || !type || !store) return sfError(404, "NOT_FOUND", "The requested resource does not exist");
  const id = so[2];
  const body = (req.json ?? {}) as Record<string, unknown>;
  if (!id && req.method === "POST") {
    const newId = `${ID_PREFIX[type] ?? "a00"}${String(state.nextId++).padStart(15, "0")}`;
    store.set(newId, { ...body, Id: newId });
    return json(201, { id: newId, success: true, errors: [] });
  }
  const row = id ? store.get(id) : undefined;
  if (!row) return sfError(404, "NOT_FOUND", "The requested resource does not exist");
  if (req.method === "GET") return json(200, withAttributes(type, row));
  if (req.method === "PATCH") {
    Object.assign(row, body, { Id: row.Id });
    return { status: 204 };
  }
  return sfError(405, "METHOD_NOT_ALLOWED", `HTTP Method '${req.method}' not allowed.`);
}

export function salesforceState(seed: SalesforceSeed = {}): SalesforceState {
  const state: SalesforceState = {
    objects: { Opportunity: new Map(), Account: new Map() },
    apiUsage: 0,
    dailyAllocation: seed.dailyAllocation ?? 15_000,
    pageSize: seed.pageSize ?? 2000,
    cursors: new Map(),
    issuedTokens: [],
    refreshTokens: new Set(seed.refreshTokens ?? ["refresh-1"]),
    instanceUrl: "",
    nextId: 1,
  };
  for (const type of ["Account", "Opportunity"] as const) {
    for (const row of seed[type] ?? []) {
      const id = `${ID_PREFIX[type]}${String(state.nextId++).padStart(15, "0")}`;
      state.objects[type]?.set(id, { ...row, Id: id });
    }
  }
  return state;
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
