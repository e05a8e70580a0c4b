/**
 * CRM batch writes on the HubSpot fake (developers.hubspot.com, CRM objects v3 "batch/update" and "batch/archive"):
 * at most 100 inputs per request; an update checks every input before applying any (a missing id answers 404
 * OBJECT_NOT_FOUND naming the ids, a refused property the usual VALIDATION_ERROR); archive answers 204 and ids
 * already archived or unknown are ignored. Archived records leave every read (GET, batch read, search, list) and
 * wait in the recycle bin (restorable for 90 days in HubSpot).
 */
import { json, type Reply } from "./http-fake";
import type { HubSpotObjectType, HubSpotRecord, HubSpotState } from "./hubspot";

/** What the fake's own object route does to one record: checks (a refusal returned), applies, shows. */
export interface BatchOps {
  check: (
    type: HubSpotObjectType,
    rec: HubSpotRecord,
    changes: Record<string, string | null>,
  ) => Reply | undefined;
  apply: (type: HubSpotObjectType, rec: HubSpotRecord, changes: Record<string, string | null>) => void;
  show: (type: HubSpotObjectType, rec: HubSpotRecord) => unknown;
  error: (status: number, category: string, message: string) => Reply;
}

const MAX_INPUTS = 100;
const FIXED_TIME = "2025-01-15T10:00:00.000Z";
const bins = new WeakMap<HubSpotState, Map<string, { type: HubSpotObjectType; rec: HubSpotRecord }>>();

/** Archived records by id (what the recycle bin could restore). */
export function hubspotArchive(
  state: HubSpotState,
): Map<string, { type: HubSpotObjectType; rec: HubSpotRecord }> {
  const bin = bins.get(state) ?? new Map();
  bins.set(state, bin);
  return bin;
}

/** The next N applied writes answer 5xx after applying (an ambiguous failure), as the single-object PATCH does. */
function failAfter(state: HubSpotState, ops: BatchOps): Reply | undefined {
  const after = state.failAfterWrite;
  if (!after || after.times <= 0) return undefined;
  after.times--;
  return ops.error(after.status, "INTERNAL_ERROR", "internal error");
}

/** POST /crm/v3/objects/{type}/batch/update */
export function batchUpdate(
  state: HubSpotState,
  type: HubSpotObjectType,
  inputs: { id: string; properties?: Record<string, string | null> }[],
  ops: BatchOps,
): Reply {
  if (inputs.length > MAX_INPUTS)
    return ops.error(400, "VALIDATION_ERROR", "Batch input cannot exceed 100 inputs.");
  const store = state.objects[type];
  const missing = inputs.filter((i) => !store.has(String(i.id)));
  if (missing.length > 0)
    return ops.error(
      404,
      "OBJECT_NOT_FOUND",
      `Could not get some ${type.replace(/s$/, "").toUpperCase()} objects, they may be deleted or not exist. Check that ids are valid. ids=[${missing.map((m) => m.id).join(", ")}]`,
    );
  for (const i of inputs) {
    const refused = ops.check(type, store.get(String(i.id)) as HubSpotRecord, i.properties ?? {});
    if (refused) return refused;
  }
  const results = inputs.map((i) => {
    const rec = store.get(String(i.id)) as HubSpotRecord;
    ops.apply(type, rec, i.properties ?? {});
    return ops.show(type, rec);
  });
  return (
    failAfter(state, ops) ??
    json(200, { status: "COMPLETE", results, startedAt: FIXED_TIME, completedAt: FIXED_TIME })
  );
}

/** POST /crm/v3/objects/{type}/batch/archive */
export function batchArchive(
  state: HubSpotState,
  type: HubSpotObjectType,
  inputs: { id: string }[],
  ops: BatchOps,
): Reply {
  if (inputs.length > MAX_INPUTS)
    return ops.error(400, "VALIDATION_ERROR", "Batch input cannot exceed 100 inputs.");
  const store = state.objects[type];
  const bin = hubspotArchive(state);
  let archived = 0;
  for (const { id } of inputs) {
    const rec = store.get(String(id));
    if (!rec) continue;
    store.delete(rec.id);
    bin.set(rec.id, { type, rec: { ...rec, archived: true } });
    archived++;
  }
  return (archived > 0 ? failAfter(state, ops) : undefined) ?? { status: 204 };
}
