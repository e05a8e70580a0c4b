import { annotations, BULK_SAMPLE, selectionHash, userError, WrittenSchema } from "@revops/kit";
import { z } from "zod";
import type { Filter } from "../../domain/segments";
import { CustomerWriteError, LIFECYCLES } from "../../integrations/sandbox/cs-book";
import { type CsPorts, csTool } from "../../ports";
import { AccountNameSchema } from "../schemas";
import { matching, segmentCustomers } from "./customers";
import { filterOf, SegmentFilterSchema } from "./filter";
import { segmentsToolset } from "./toolset";

const MAX_TAGS = 10;

const input = z
  .object({
    filter: SegmentFilterSchema,
    tags: z.record(z.string(), z.boolean()).optional().describe("true adds, false removes"),
    csm: z.string().max(80).optional(),
    lifecycle: z
      .string()
      .refine(
        (v) => (LIFECYCLES as readonly string[]).includes(v),
        `lifecycle: one of ${LIFECYCLES.join(", ")}`,
      )
      .optional(),
  })
  .strict();
type Input = z.output<typeof input>;

async function csmOf(ports: CsPorts, wanted: string) {
  const all = await ports.book.csms();
  const w = wanted.toLowerCase();
  const hit = all.filter((c) => c.id === wanted || c.name.toLowerCase().includes(w));
  if (hit.length !== 1)
    throw userError(`csm: ${hit.length ? "more than one" : "no"} CSM matches "${wanted}".`, {
      fields: ["csm"],
      hint: `One of: ${all.map((c) => `${c.name} (${c.id})`).join(", ")}.`,
    });
  return hit[0] as { id: string; name: string };
}

/** The accounts the filter selects now and what changes on them, as the plan states it. */
async function draftOf(ports: CsPorts, a: Input) {
  const tags = Object.entries(a.tags ?? {}).map(([t, on]) => [t.trim(), on] as const);
  if (tags.length > MAX_TAGS || tags.some(([t]) => t.length === 0 || t.length > 40))
    throw userError(`tags: at most ${MAX_TAGS} tags of 1–40 characters.`, { fields: ["tags"] });
  const tagsAdd = tags.filter(([, on]) => on).map(([t]) => t);
  const tagsRemove = tags.filter(([, on]) => !on).map(([t]) => t);
  if (tags.length === 0 && !a.csm && !a.lifecycle)
    throw userError("Nothing to change.", {
      fields: ["tags", "csm", "lifecycle"],
      hint: "Give tags ({vip:true} adds, {vip:false} removes), csm or lifecycle.",
    });
  const filter: Filter = filterOf(a.filter);
  const csm = a.csm ? await csmOf(ports, a.csm) : undefined;
  const rows = matching((await segmentCustomers(ports)).rows, filter);
  const ids = rows.map((r) => r.id).sort();
  const changes = {
    ...(tagsAdd.length && { tags_add: tagsAdd }),
    ...(tagsRemove.length && { tags_remove: tagsRemove }),
    ...(csm && { csm: `${csm.name} (${csm.id})` }),
    ...(a.lifecycle && { lifecycle: a.lifecycle }),
  };
  return { filter, csm, rows, ids, hash: selectionHash(ids), changes, tagsAdd, tagsRemove };
}

export const customersBulkUpdate = csTool({
  name: "customers_bulk_update",
  title: "Change customers in bulk",
  description: "Sets tags, the CSM or the lifecycle of every customer a segments filter selects.",
  toolset: segmentsToolset.name,
  scopes: ["cs:write"],
  ports: ["support"],
  annotations: annotations.update,
  input,
  output: z.object({
    matched: z.number(),
    changed: z.number().describe("Accounts not already as asked"),
    changes: z.record(z.string(), z.unknown()),
    sample: z.array(z.object({ id: z.string(), name: AccountNameSchema })),
    recovered: z.boolean(),
    written: WrittenSchema,
  }),
  guard: {
    kind: "destructive",
    preview: async (a, ctx) => {
      const d = await draftOf(ctx.ports, a);
      const sample = d.rows.slice(0, BULK_SAMPLE).map((r) => ({ id: r.id, name: r.name }));
      return {
        summary: `Update ${d.ids.length} customers matching ${JSON.stringify(d.filter)}: ${JSON.stringify(d.changes)}`,
        action: "update",
        record_type: "customer",
        count: d.ids.length,
        records: sample,
        changes: d.changes,
        arr: d.rows.reduce((t, r) => t + r.arr, 0),
        // the guard recomputes the plan before running it: a different selection is a different plan
        accounts_hash: d.hash,
      };
    },
  },
  example: { filter: { usage_trend: "down", size_band: "1-50" }, tags: { "adoption-push": true } },
  handler: async ({ input: a, ctx }) => {
    const key = ctx.write?.idempotencyKey;
    const d = await draftOf(ctx.ports, a);
    const sample = d.rows.slice(0, BULK_SAMPLE).map((r) => ({ id: r.id, name: r.name }));
    const done = key ? await ctx.ports.book.landed(key) : undefined;
    const result = (changed: number, recovered: boolean) => ({
      matched: d.ids.length,
      changed,
      changes: d.changes,
      sample,
      recovered,
      written: { system: "sandbox", id: `customers:${d.hash}` },
    });
    if (done !== undefined) return result(done, true);
    try {
      const changed = await ctx.ports.book.apply(
        d.ids,
        {
          ...(d.tagsAdd.length && { addTags: d.tagsAdd }),
          ...(d.tagsRemove.length && { removeTags: d.tagsRemove }),
          ...(d.csm && { csmId: d.csm.id }),
          ...(a.lifecycle && { lifecycle: a.lifecycle }),
        },
        {
          principal: ctx.principal.id,
          ...(ctx.write && { planHash: ctx.write.planHash }),
          idempotencyKey: key ?? `customers_bulk_update:${d.hash}:${JSON.stringify(d.changes)}`,
        },
      );
      return result(changed, false);
    } catch (err) {
      if (err instanceof CustomerWriteError) throw userError(err.message, { cause: err });
      throw err;
    }
  },
  render: (o) =>
    `${o.changed} of ${o.matched} customers changed${o.recovered ? " (by an earlier attempt of this plan)" : ""}: ${JSON.stringify(o.changes)}.`,
});
