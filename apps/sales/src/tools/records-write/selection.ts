import { BULK_SAMPLE, notFound, selectionHash, userError } from "@revops/kit";
import type { RecordRow, RecordSelection, RecordType } from "@revops/model";
import { z } from "zod";
import type { CrmPort, SalesPorts } from "../../ports";
import { resolveOwner } from "../deals-write/owner";
import { StageSchema } from "../schemas";

/** Records one plan may change or delete (a bigger selection is split into several plans). */
export const MAX_RECORDS = 500;

export const IdsSchema = z.array(z.string().min(1).max(64)).min(1);

/** The filter's owner (id, name or email) and stage, checked; a stage filters deals only. */
async function filterOf(
  crm: CrmPort,
  type: RecordType,
  raw: Record<string, string>,
  field: string,
): Promise<RecordSelection> {
  const unknown = Object.keys(raw).filter((k) => k !== "owner" && k !== "stage");
  if (unknown.length || Object.keys(raw).length === 0)
    throw userError(`${field}: ${unknown.length ? `unknown key ${unknown.join(", ")}` : "empty"}.`, {
      fields: [field],
      hint: 'Filter by owner (rep id, name or email) and, for deals, stage: {"owner":"Ada Lovelace","stage":"proposal"}.',
    });
  if (raw.stage !== undefined && type !== "deal")
    throw userError(`${field}.stage: only deals have a stage.`, { fields: [`${field}.stage`] });
  const stage = raw.stage === undefined ? undefined : StageSchema.safeParse(raw.stage);
  if (stage && !stage.success)
    throw userError(`${field}.stage: one of ${StageSchema.options.join(", ")}.`, {
      fields: [`${field}.stage`],
    });
  return {
    ...(raw.owner !== undefined && { owner: (await resolveOwner(crm, raw.owner)).id }),
    ...(stage?.data && { stage: stage.data }),
  };
}

/** `where` as ids (a list of strings) or a filter (an object of strings); anything else names the field. */
export function parseWhere(
  where: unknown,
  field: string,
): { ids: string[] } | { filter: Record<string, string> } {
  if (Array.isArray(where) && where.length > 0 && where.every((x) => typeof x === "string" && x.length > 0))
    return { ids: [...new Set(where as string[])] };
  if (
    where &&
    typeof where === "object" &&
    !Array.isArray(where) &&
    Object.keys(where).length > 0 &&
    Object.values(where).every((v) => typeof v === "string")
  )
    return { filter: where as Record<string, string> };
  throw userError(`${field}: a list of record ids, or a filter {owner, stage}.`, {
    fields: [field],
    hint: `${field}: ["deal_0001", …] from a list tool, or {"owner":"Ada Lovelace","stage":"proposal"}.`,
  });
}

/**
 * The records a plan acts on, fresh from the CRM: by ids (every one must exist) or by filter, never more than
 * MAX_RECORDS (an error naming the field says how to split), with the hash the plan carries.
 */
export async function selectRecords(ports: SalesPorts, type: RecordType, where: unknown, field = "where") {
  const crm = ports.crm;
  const w = parseWhere(where, field);
  let rows: RecordRow[];
  if ("ids" in w) {
    const { ids } = w;
    if (ids.length > MAX_RECORDS)
      throw userError(`${field}: ${ids.length} records; at most ${MAX_RECORDS} per plan.`, {
        fields: [field],
        hint: `Split the ids into plans of ${MAX_RECORDS} or fewer.`,
      });
    rows = await crm.selectRecords(type, { ids }, ids.length);
    const found = new Set(rows.map((r) => r.id));
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length)
      throw notFound(
        `${field}: no ${type} ${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ` and ${missing.length - 5} more` : ""}.`,
        { fields: [field], hint: `Pass ${type} ids as the list and search tools return them.` },
      );
  } else {
    const sel = await filterOf(ports.crm, type, w.filter, field);
    rows = await crm.selectRecords(type, sel, MAX_RECORDS + 1);
    if (rows.length > MAX_RECORDS)
      throw userError(
        `${field}: matches more than ${MAX_RECORDS} ${type}s; at most ${MAX_RECORDS} per plan.`,
        {
          fields: [field],
          hint: "Narrow the filter (owner and stage together), or pass ids in plans of 500.",
        },
      );
    if (rows.length === 0)
      throw notFound(`${field}: no ${type} matches ${JSON.stringify(w.filter)}.`, { fields: [field] });
  }
  return {
    crm,
    rows,
    hash: (state?: unknown) =>
      selectionHash(
        rows.map((r) => r.id),
        state,
      ),
  };
}

/** The plan's named records: the first few by id order; the rest are counted. */
export const sampleOf = (rows: { id: string; name: string }[]) =>
  rows.slice(0, BULK_SAMPLE).map((r) => ({ id: r.id, name: r.name }));
