/**
 * sObject Collections on the Salesforce fake (REST API Developer Guide, "sObject Collections"): PATCH and DELETE
 * /composite/sobjects, at most 200 records per request, one SaveResult per record in request order. With allOrNone a
 * single failure rolls the whole request back (the others answer ALL_OR_NONE_OPERATION_ROLLED_BACK). A DELETE moves
 * the records into the org's Recycle Bin: queries no longer return them and a second delete answers ENTITY_IS_DELETED.
 */
import { type FakeRequest, json, type Reply } from "./http-fake";
import type { SalesforceState, SObjectRow } from "./salesforce";

/** What the fake's own sObject route does to one row: checks (a refusal returned) and applies a PATCH body. */
export interface RowOps {
  check: (type: string, body: Record<string, unknown>) => Reply | undefined;
  apply: (type: string, row: SObjectRow, body: Record<string, unknown>) => void;
}

/** One record in the Recycle Bin: its object type, the row as it was, when it was deleted. */
export interface BinEntry {
  type: string;
  row: SObjectRow;
  deletedAt: string;
}

const bins = new WeakMap<SalesforceState, Map<string, BinEntry>>();
/** The org's Recycle Bin (records deleted through the API, restorable for 15 days in Salesforce). */
export function salesforceRecycleBin(state: SalesforceState): Map<string, BinEntry> {
  const bin = bins.get(state) ?? new Map<string, BinEntry>();
  bins.set(state, bin);
  return bin;
}

const MAX_RECORDS = 200;
type SaveResult = {
  id: string | null;
  success: boolean;
  errors: { statusCode: string; message: string; fields: string[] }[];
};
const ok = (id: string): SaveResult => ({ id, success: true, errors: [] });
const failed = (id: string | null, statusCode: string, message: string): SaveResult => ({
  id,
  success: false,
  errors: [{ statusCode, message, fields: [] }],
});
const ROLLED_BACK =
  "Record rolled back because not all records were valid and the request was using AllOrNone header";

/** The row of an id in whichever object store holds it. */
function find(state: SalesforceState, id: string): { type: string; row: SObjectRow } | undefined {
  for (const [type, store] of Object.entries(state.objects)) {
    const row = store.get(id);
    if (row) return { type, row };
  }
  return undefined;
}

/** A refusal of the fake's own route as the SaveResult error Collections answer with. */
function asError(id: string, r: Reply): SaveResult {
  const [e] = (Array.isArray(r.body) ? r.body : []) as { errorCode?: string; message?: string }[];
  return failed(id, e?.errorCode ?? "UNKNOWN_EXCEPTION", e?.message ?? "refused");
}

/** The results, or all rolled back when allOrNone and one failed. */
function settle(results: SaveResult[], allOrNone: boolean): { results: SaveResult[]; commit: boolean } {
  if (!allOrNone || results.every((r) => r.success)) return { results, commit: true };
  return {
    commit: false,
    results: results.map((r) =>
      r.success ? failed(r.id, "ALL_OR_NONE_OPERATION_ROLLED_BACK", ROLLED_BACK) : r,
    ),
  };
}

/** The next N applied writes answer 5xx after applying (an ambiguous failure), as the sObject route does. */
function answer(state: SalesforceState, results: SaveResult[]): Reply {
  const after = state.failAfterWrite;
  if (after && after.times > 0 && results.some((r) => r.success)) {
    after.times--;
    return json(after.status, [
      { message: "Service temporarily unavailable", errorCode: "SERVER_UNAVAILABLE" },
    ]);
  }
  return json(200, results);
}

function update(state: SalesforceState, req: FakeRequest, ops: RowOps): Reply {
  const body = (req.json ?? {}) as { allOrNone?: boolean; records?: Record<string, unknown>[] };
  const records = body.records ?? [];
  if (records.length > MAX_RECORDS)
    return json(400, [
      { message: `Maximum number of records allowed is ${MAX_RECORDS}`, errorCode: "EXCEEDED_ID_LIMIT" },
    ]);
  const planned = records.map(({ attributes, id, Id, ...fields }) => {
    const key = String(id ?? Id ?? "");
    const hit = find(state, key);
    const type = (attributes as { type?: string } | undefined)?.type;
    if (!hit || hit.type !== type)
      return { result: failed(key, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id") };
    const owner = fields.OwnerId;
    if (owner !== undefined && !state.objects.User?.has(String(owner)))
      return { result: failed(key, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id") };
    const refused = ops.check(hit.type, fields);
    return refused ? { result: asError(key, refused) } : { result: ok(key), hit, fields };
  });
  const { results, commit } = settle(
    planned.map((p) => p.result),
    body.allOrNone === true,
  );
  if (commit)
    for (const p of planned) if (p.hit && p.result.success) ops.apply(p.hit.type, p.hit.row, p.fields);
  return commit ? answer(state, results) : json(200, results);
}

function destroy(state: SalesforceState, req: FakeRequest): Reply {
  const ids = (req.query.get("ids") ?? "").split(",").filter(Boolean);
  if (ids.length > MAX_RECORDS)
    return json(400, [
      { message: `Maximum number of records allowed is ${MAX_RECORDS}`, errorCode: "EXCEEDED_ID_LIMIT" },
    ]);
  const bin = salesforceRecycleBin(state);
  const planned = ids.map((id) => {
    if (bin.has(id)) return { result: failed(id, "ENTITY_IS_DELETED", "entity is deleted") };
    const hit = find(state, id);
    return hit
      ? { result: ok(id), hit }
      : { result: failed(id, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id") };
  });
  const { results, commit } = settle(
    planned.map((p) => p.result),
    req.query.get("allOrNone") === "true",
  );
  if (!commit) return json(200, results);
  for (const p of planned)
    if (p.hit) {
      state.objects[p.hit.type]?.delete(p.hit.row.Id);
      bin.set(p.hit.row.Id, { type: p.hit.type, row: p.hit.row, deletedAt: new Date().toISOString() });
    }
  return answer(state, results);
}

/** PATCH / DELETE /composite/sobjects; anything else is not this route's. */
export function sobjectCollections(state: SalesforceState, req: FakeRequest, ops: RowOps): Reply {
  if (req.method === "PATCH") return update(state, req, ops);
  if (req.method === "DELETE") return destroy(state, req);
  return json(405, [
    { message: `HTTP Method '${req.method}' not allowed.`, errorCode: "METHOD_NOT_ALLOWED" },
  ]);
}
