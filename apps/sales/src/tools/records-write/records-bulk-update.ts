import { annotations, ToolError, userError, WrittenSchema } from "@revops/kit";
import type { BulkType, RecordFields, RecordRow } from "@revops/model";
import { BULK_FIELDS } from "@revops/sandbox";
import { z } from "zod";
import { type SalesPorts, salesTool } from "../../ports";
import { ownerLabel, resolveOwner } from "../deals-write/owner";
import { StageSchema } from "../schemas";
import { parseWhere, sampleOf, selectRecords } from "./selection";
import { recordsWriteToolset } from "./toolset";

const input = z
  .object({
    record_type: z.enum(["deal", "contact"]),
    // ids or a filter in one field: every tool pays for its schema on every turn
    where: z.unknown().describe("Ids or {owner, stage}"),
    // the description names the fields a set takes; checked in code, each error naming set.<field>
    set: z.unknown(),
  })
  .strict();
type Input = z.output<typeof input>;

const ChangeSchema = z.object({
  id: z.string(),
  name: z.string(),
  field: z.string(),
  before: z.string().nullable(),
  after: z.string().nullable(),
});

/** `set` checked against the type's whitelist: the values to write and how each reads in the plan. */
async function fieldsOf(ports: SalesPorts, type: BulkType, value: unknown) {
  if (!value || typeof value !== "object" || Array.isArray(value))
    throw userError(
      'set: an object of the fields to set, e.g. {"owner":"Ada Lovelace","next_step":"Call"}.',
      {
        fields: ["set"],
      },
    );
  const raw = value as Record<string, unknown>;
  const notText = Object.entries(raw).filter(([, v]) => v !== null && typeof v !== "string");
  if (notText.length)
    throw userError(`set.${notText[0]?.[0]}: a text value (or null to clear).`, {
      fields: notText.map(([k]) => `set.${k}`),
    });
  const set = raw as Record<string, string | null>;
  const allowed: readonly string[] = BULK_FIELDS[type];
  const bad = Object.keys(set).filter((k) => !allowed.includes(k));
  if (bad.length || Object.keys(set).length === 0)
    throw userError(
      `set: ${bad.length ? `${bad.join(", ")} cannot be changed in bulk on a ${type}` : "nothing to change"}.`,
      {
        fields: bad.length ? bad.map((k) => `set.${k}`) : ["set"],
        hint: `On a ${type} set any of ${allowed.join(", ")}.`,
      },
    );
  const f: RecordFields = {};
  const shown: Record<string, string | null> = {};
  const owners = new Map<string, string>();
  if (set.owner !== undefined) {
    const o = await resolveOwner(ports.crm, set.owner ?? "");
    f.owner = o.id;
    shown.owner = ownerLabel(o.name, o.id);
  }
  if (set.stage !== undefined) {
    const s = StageSchema.safeParse(set.stage);
    if (!s.success)
      throw userError(`set.stage: one of ${StageSchema.options.join(", ")}.`, { fields: ["set.stage"] });
    f.stage = s.data;
    shown.stage = s.data;
  }
  if (set.next_step !== undefined) f.next_step = shown.next_step = set.next_step?.trim() || null;
  if (set.title !== undefined) {
    const t = set.title?.trim();
    if (!t || t.length > 128) throw userError("set.title: 1 to 128 characters.", { fields: ["set.title"] });
    f.title = shown.title = t;
  }
  for (const o of await ports.crm.listOwners()) owners.set(o.id, ownerLabel(o.name, o.id));
  return { f, shown, owners };
}

/** The selection, the fields and per record what changes (records already as asked stay as they are). */
async function planOf(ports: SalesPorts, a: Input) {
  // both arguments checked before either fails, so one answer names every argument that is wrong
  const [fields, where] = await Promise.allSettled([
    fieldsOf(ports, a.record_type, a.set),
    (async () => parseWhere(a.where, "where"))(),
  ]);
  if (
    fields.status === "rejected" &&
    where.status === "rejected" &&
    fields.reason instanceof ToolError &&
    where.reason instanceof ToolError
  ) {
    const errs = [where.reason, fields.reason];
    throw userError(errs.map((e) => e.message).join(" "), { fields: errs.flatMap((e) => e.fields) });
  }
  if (fields.status === "rejected") throw fields.reason;
  const { f, shown, owners } = fields.value as Awaited<ReturnType<typeof fieldsOf>>;
  const sel = await selectRecords(ports, a.record_type, a.where);
  const label = (field: string, v: string | null) => (field === "owner" && v ? (owners.get(v) ?? v) : v);
  const diffs = (r: RecordRow) =>
    Object.entries(f)
      .filter(([field, v]) => (r.fields[field] ?? null) !== v)
      .map(([field, v]) => ({
        id: r.id,
        name: r.name,
        field,
        before: label(field, r.fields[field] ?? null),
        after: label(field, v),
      }));
  const changing = sel.rows.filter((r) => diffs(r).length > 0);
  // the values as they are now are part of the selection: a record edited since the preview is a different plan
  const hash = sel.hash(sel.rows.map((r) => r.fields));
  return { ...sel, f, shown, changing, diffs, hash };
}

export const recordsBulkUpdate = salesTool({
  name: "records_bulk_update",
  title: "Change CRM records in bulk",
  description: "Sets owner, stage, next_step or title on up to 500 deals or contacts.",
  toolset: recordsWriteToolset.name,
  scopes: ["sales:write"],
  ports: ["crm"],
  annotations: annotations.update,
  input,
  output: z.object({
    matched: z.number(),
    updated: z.number(),
    set: z.record(z.string(), z.string().nullable()),
    sample: z.array(ChangeSchema),
    recovered: z.boolean(),
    written: WrittenSchema,
  }),
  guard: {
    kind: "destructive",
    preview: async (a, ctx) => {
      const p = await planOf(ctx.ports, a);
      if (p.changing.length === 0)
        throw userError(
          `All ${p.rows.length} ${a.record_type}s already have these values; nothing to change.`,
          {
            fields: ["set"],
          },
        );
      const same = p.rows.length - p.changing.length;
      const rest = p.changing.length - sampleOf(p.changing).length;
      return {
        summary: `Update ${p.changing.length} ${a.record_type}s in ${ctx.ports.source}: ${Object.entries(
          p.shown,
        )
          .map(([k, v]) => `${k} → ${v ?? "(none)"}`)
          .join("; ")}`,
        action: "update",
        record_type: a.record_type,
        count: p.changing.length,
        records: sampleOf(p.changing),
        changes: sampleOf(p.changing).flatMap((r) => p.diffs(p.rows.find((x) => x.id === r.id) as RecordRow)),
        set: p.shown,
        rest: `${rest ? `The other ${rest} get the same change. ` : ""}${same ? `${same} already as asked stay as they are.` : ""}`.trim(),
        system: ctx.ports.source,
        selection_hash: p.hash,
      };
    },
  },
  example: {
    record_type: "deal",
    where: { owner: "usr_01", stage: "proposal" },
    set: { next_step: "Send pricing" },
  },
  handler: async ({ input: a, ctx }) => {
    const p = await planOf(ctx.ports, a);
    const origin = { principal: ctx.principal.id, ...ctx.write };
    let w: Awaited<ReturnType<typeof p.crm.updateRecords>>;
    try {
      w = await p.crm.updateRecords(
        a.record_type,
        p.changing.map((r) => r.id),
        p.f,
        origin,
      );
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      const field = Object.keys(p.f).find((k) => err.message.startsWith(`${k}:`));
      throw userError(`${err.message} Nothing was written.`, {
        ...(field && { fields: [`set.${field}`] }),
        cause: err,
      });
    }
    return {
      matched: p.rows.length,
      updated: w.count,
      set: p.shown,
      sample: sampleOf(p.changing).flatMap((r) => p.diffs(p.rows.find((x) => x.id === r.id) as RecordRow)),
      recovered: w.recovered,
      written: { system: w.system, id: `${a.record_type}s:${p.hash}` },
    };
  },
  render: (o) =>
    `${o.updated} of ${o.matched} records updated in ${o.written.system}${o.recovered ? " (by an earlier attempt of this plan)" : ""}: ${JSON.stringify(o.set)}.`,
});
