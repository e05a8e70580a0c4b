import { annotations, CursorSchema, untrustedName, userError } from "@revops/kit";
import type { LeadFacts } from "@revops/model";
import { fromVendor } from "@revops/safety/vendor-errors";
import { decodeCursor, encodeCursor } from "@revops/sandbox";
import { z } from "zod";
import { salesTool } from "../../ports";
import { OwnerSchema } from "../schemas";
import { leadsToolset } from "./toolset";

const lower = (v: string | null | undefined) => (v ?? "").trim().toLowerCase();

/** Newest first, then id descending; the cursor is the last row's (created_at, id). */
const newestFirst = (a: LeadFacts, b: LeadFacts) =>
  a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1;

function startAfter(rows: LeadFacts[], cursor: string | undefined): number {
  if (!cursor) return 0;
  let key: unknown[];
  try {
    key = decodeCursor("leads", cursor);
  } catch (err) {
    throw userError("cursor: pass the next_cursor value from the previous page unchanged.", {
      fields: ["cursor"],
      cause: err,
    });
  }
  const [at, id] = key.map(String);
  const i = rows.findIndex(
    (l) => l.createdAt < (at as string) || (l.createdAt === at && l.id < (id as string)),
  );
  return i === -1 ? rows.length : i;
}

export const leadsList = salesTool({
  name: "leads_list",
  title: "List leads",
  description: "Leads filtered by status, owner or source, newest first. Paginated.",
  toolset: leadsToolset.name,
  scopes: ["sales:read"],
  ports: ["crm"],
  annotations: annotations.read,
  input: z
    .object({
      status: z.string().trim().min(1).max(40).optional().describe("e.g. mql, sql, working"),
      owner: OwnerSchema.optional(),
      source: z.string().trim().min(1).max(40).optional(),
      cursor: CursorSchema.optional(),
      limit: z.number().int().min(1).max(100).default(15),
    })
    .strict(),
  output: z.object({
    leads: z.array(
      z.object({
        id: z.string(),
        name: untrustedName(z.string(), "lead name"),
        company: untrustedName(z.string(), "company name"),
        title: untrustedName(z.string(), "job title"),
        email: z.string(),
        status: z.string(),
        source: z.string(),
        owner: z.string().nullable(),
        created_at: z.string(),
      }),
    ),
    total: z.number(),
    next_cursor: z.string().nullable(),
    note: z.string(),
  }),
  example: { status: "mql", limit: 5 },
  handler: async ({ input, ctx }) => {
    const ports = ctx.ports;
    const all = await fromVendor(() => ports.crm.leadFacts());
    const owner = lower(input.owner);
    const rows = all
      .filter(
        (l) =>
          (!input.status || lower(l.status) === lower(input.status)) &&
          (!input.source || lower(l.source) === lower(input.source)) &&
          (!owner || lower(l.ownerId) === owner || lower(l.ownerName) === owner),
      )
      .sort(newestFirst);
    const start = startAfter(rows, input.cursor);
    const page = rows.slice(start, start + input.limit);
    const last = page[page.length - 1];
    const more = start + input.limit < rows.length;
    const statuses = [...new Set(all.map((l) => l.status))].sort().join(", ");
    const notes = [
      rows.length === 0
        ? `No leads match. Statuses here: ${statuses}.`
        : `Showing ${start + 1}–${start + page.length} of ${rows.length}${more ? "; pass next_cursor for more" : ""}.`,
    ];
    return {
      leads: page.map((l) => ({
        id: l.id,
        name: l.name,
        company: l.company,
        title: l.title,
        email: l.email,
        status: l.status,
        source: l.source,
        owner: l.ownerName,
        created_at: l.createdAt,
      })),
      total: rows.length,
      next_cursor: more && last ? encodeCursor("leads", [last.createdAt, last.id]) : null,
      note: notes.join(" "),
    };
  },
});
