import { annotations, selectionHash, userError, WrittenSchema } from "@revops/kit";
import { RECORD_TYPES, RECYCLE_BIN } from "@revops/sandbox";
import { z } from "zod";
import { salesTool } from "../../ports";
import { IdsSchema, sampleOf, selectRecords } from "./selection";
import { recordsWriteToolset } from "./toolset";

const input = z.object({ record_type: z.enum(RECORD_TYPES), ids: IdsSchema }).strict();

/** Where this system's deletes go, as the plan and the result state it. */
const binOf = (source: string) => RECYCLE_BIN[source as keyof typeof RECYCLE_BIN] ?? `${source}'s own delete`;

export const recordsDelete = salesTool({
  name: "records_delete",
  title: "Delete CRM records",
  description: "Deletes up to 500 deals, contacts, leads or accounts into the CRM's recycle bin.",
  toolset: recordsWriteToolset.name,
  scopes: ["sales:write"],
  ports: ["crm"],
  annotations: annotations.update,
  input,
  output: z.object({
    deleted: z.number(),
    records: z.array(z.object({ id: z.string(), name: z.string() })),
    bin: z.string(),
    recovered: z.boolean(),
    written: WrittenSchema,
  }),
  guard: {
    kind: "destructive",
    preview: async (a, ctx) => {
      const { rows, hash } = await selectRecords(ctx.ports, a.record_type, a.ids, "ids");
      const bin = binOf(ctx.ports.source);
      return {
        summary: `Delete ${rows.length} ${a.record_type}s from ${ctx.ports.source} into ${bin}`,
        action: "delete",
        record_type: a.record_type,
        count: rows.length,
        records: sampleOf(rows),
        rest:
          rows.length > sampleOf(rows).length
            ? `The other ${rows.length - sampleOf(rows).length} are deleted the same way.`
            : "",
        side_effects: [`Deleted records move to ${bin}.`],
        system: ctx.ports.source,
        selection_hash: hash(),
      };
    },
  },
  example: { record_type: "lead", ids: ["lead_0007", "lead_0008"] },
  handler: async ({ input: a, ctx }) => {
    // by the ids themselves: a resumed plan finds some already gone, and its adapter finds them deleted under its key
    const { crm } = ctx.ports;
    const ids = [...new Set(a.ids)];
    const rows = await crm.selectRecords(a.record_type, { ids }, ids.length);
    const origin = { principal: ctx.principal.id, ...ctx.write };
    let w: Awaited<ReturnType<typeof crm.deleteRecords>>;
    try {
      w = await crm.deleteRecords(a.record_type, ids, origin);
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      throw userError(`${err.message} Nothing was deleted.`, { fields: ["ids"], cause: err });
    }
    return {
      deleted: w.count,
      records: sampleOf(rows.length ? rows : ids.map((id) => ({ id, name: id }))),
      bin: w.bin ?? binOf(w.system),
      recovered: w.recovered,
      written: { system: w.system, id: `${a.record_type}s:${selectionHash(ids)}` },
    };
  },
  render: (o) =>
    `${o.deleted} records deleted into ${o.bin}${o.recovered ? " (by an earlier attempt of this plan)" : ""}.`,
});
