import { annotations, untrustedName, userError, WrittenSchema } from "@revops/kit";
import { LEAD_RATINGS } from "@revops/sandbox";
import { z } from "zod";
import type { CrmPort, LeadChanges, LeadDetail } from "../../ports";
import { salesTool } from "../../ports";
import { ownerLabel, resolveOwner } from "../deals-write/owner";
import { freshLead, originOf, refusal, refuseConverted } from "./lead-read";
import { leadsWriteToolset } from "./toolset";

const FIELDS = ["status", "owner", "score", "rating"] as const;
type Field = (typeof FIELDS)[number];
const KEY: Record<Field, keyof LeadChanges> = {
  status: "status",
  owner: "ownerId",
  score: "score",
  rating: "rating",
};

const input = z
  .object({
    lead_id: z.string().min(1).max(64),
    status: z.string().trim().toLowerCase().min(1).max(40).optional(),
    owner: z.string().min(1).max(100).optional(),
    score: z.number().int("score: a whole number from 0 to 100").min(0).max(100).optional(),
    // validated here, listed only in the error (an enum costs tokens on every turn)
    rating: z
      .string()
      .trim()
      .toLowerCase()
      .refine(
        (v) => (LEAD_RATINGS as readonly string[]).includes(v),
        `rating: one of ${LEAD_RATINGS.join(", ")}`,
      )
      .optional(),
  })
  .strict();
type Input = z.output<typeof input>;

const ChangeSchema = z.object({
  field: z.enum(FIELDS),
  before: z.string().nullable(),
  after: z.string(),
});

const shown = (lead: LeadDetail, f: Field): string | null => {
  if (f === "owner") return lead.ownerId ? ownerLabel(lead.ownerName ?? "", lead.ownerId) : null;
  const v = lead[KEY[f] as "status" | "score" | "rating"];
  return v == null ? null : String(v);
};

/** The changes (before → after, from a fresh read), what to write, and the "before" the write must still find. */
async function planOf(crm: CrmPort, a: Input, source: string) {
  const lead = await freshLead(crm, a.lead_id, source);
  refuseConverted(lead);
  const owner = a.owner ? await resolveOwner(crm, a.owner) : undefined;
  const wanted: LeadChanges = {
    ...(a.status !== undefined && { status: a.status }),
    ...(owner && { ownerId: owner.id }),
    ...(a.score !== undefined && { score: a.score }),
    ...(a.rating !== undefined && { rating: a.rating }),
  };
  const changed = FIELDS.filter((f) => wanted[KEY[f]] !== undefined && wanted[KEY[f]] !== lead[KEY[f]]);
  const changes = changed.map((f) => ({
    field: f,
    before: shown(lead, f),
    after: f === "owner" && owner ? ownerLabel(owner.name, owner.id) : String(wanted[KEY[f]]),
  }));
  // nothing left to change when a confirmed write already landed: the adapter then finds it (recovered)
  const next: LeadChanges = changed.length
    ? Object.fromEntries(changed.map((f) => [KEY[f], wanted[KEY[f]]]))
    : wanted;
  const expected: LeadChanges = Object.fromEntries(
    changed.filter((f) => lead[KEY[f]] != null).map((f) => [KEY[f], lead[KEY[f]]]),
  );
  return { lead, changes, next, expected };
}

export const leadUpdate = salesTool({
  name: "lead_update",
  title: "Update a lead",
  description: "Sets a lead's status, owner, score or rating; a human confirms.",
  toolset: leadsWriteToolset.name,
  scopes: ["sales:write"],
  ports: ["crm"],
  annotations: annotations.update,
  input,
  output: z.object({
    lead: z.object({
      id: z.string(),
      name: untrustedName(z.string(), "lead name"),
      status: z.string(),
      owner_id: z.string().nullable(),
      owner: z.string().nullable(),
      score: z.number().nullable(),
      rating: z.string().nullable(),
    }),
    changes: z.array(ChangeSchema),
    written: WrittenSchema,
    note: z.string(),
  }),
  guard: {
    kind: "destructive",
    preview: async (a, ctx) => {
      const { lead, changes } = await planOf(ctx.ports.crm, a, ctx.ports.source);
      if (changes.length === 0)
        throw userError(`Lead ${lead.id} (${lead.name}) already has these values; nothing to change.`, {
          fields: FIELDS.filter((f) => a[f] !== undefined),
          hint: "Pass lead_id and at least one of status, owner, score or rating with a new value.",
        });
      return {
        summary: `Update lead ${lead.name} (${lead.id}): ${changes.map((c) => `${c.field} ${c.before ?? "(none)"} → ${c.after}`).join("; ")}`,
        action: "update",
        record_type: "lead",
        records: [{ id: lead.id, name: lead.name }],
        changes,
        system: ctx.ports.source,
      };
    },
  },
  handler: async ({ input: a, ctx }) => {
    const { crm, source } = ctx.ports;
    const { lead, changes, next, expected } = await planOf(crm, a, source);
    let w: Awaited<ReturnType<CrmPort["updateLead"]>>;
    try {
      w = await crm.updateLead(lead.id, next, originOf(ctx), expected);
    } catch (err) {
      throw refusal(err, ["lead_id", ...FIELDS], "lead_update");
    }
    if (!w) throw userError(`lead_id: lead ${lead.id} is gone.`, { fields: ["lead_id"] });
    const l = w.lead;
    return {
      lead: {
        id: l.id,
        name: l.name,
        status: l.status,
        owner_id: l.ownerId,
        owner: l.ownerName,
        score: l.score,
        rating: l.rating,
      },
      changes,
      written: { system: w.system, id: w.id },
      note: w.recovered
        ? "The lead already held these values (an earlier attempt landed); nothing was written again."
        : `Updated in ${w.system}.`,
    };
  },
  render: (o) =>
    `Updated lead ${o.lead.name} (${o.written.system}:${o.written.id}): ${o.changes.map((c) => `${c.field} → ${c.after}`).join(", ")}.`,
  example: { lead_id: "lead_0003", status: "working", rating: "hot" },
});
