import { annotations, notFound, untrustedName, untrustedText } from "@revops/kit";
import { z } from "zod";
import { roleFromTitle } from "../../domain/roles";
import { salesTool } from "../../ports";
import { DealRowSchema, toDealRow } from "../schemas";
import { dealsToolset } from "./toolset";

export const dealGet = salesTool({
  name: "deal_get",
  title: "Get a deal",
  description: "One deal with its stage history, recent activities and contacts with their roles.",
  toolset: dealsToolset.name,
  scopes: ["sales:read"],
  ports: ["crm"],
  annotations: annotations.read,
  input: z
    .object({
      deal_id: z.string().min(1).max(64).describe("Deal id from deals_list"),
      activities: z.number().int().min(0).max(50).default(10).describe("Newest to show"),
    })
    .strict(),
  output: z.object({
    deal: DealRowSchema.extend({ created: z.string().nullable() }),
    stage_history: z.array(z.object({ from: z.string().nullable(), to: z.string(), at: z.string() })),
    activities: z.object({
      total: z.number(),
      recent: z.array(
        z.object({
          id: z.string(),
          type: z.string(),
          subject: untrustedText(z.string(), "activity subject", 200),
          at: z.string(),
          contact: untrustedName(z.string(), "contact name").nullable(),
        }),
      ),
    }),
    contacts: z.array(
      z.object({
        id: z.string(),
        name: untrustedName(z.string(), "contact name"),
        title: untrustedName(z.string(), "job title"),
        email: z.string(),
        role: z.string().nullable(),
        role_source: z.enum(["crm", "title"]).describe("crm: recorded; title: inferred from the job title"),
        primary: z.boolean(),
        activities: z.number().nullable().describe("Activities with this contact on the deal"),
        last_activity: z.string().nullable(),
      }),
    ),
    caveats: z.array(z.string()),
  }),
  example: { deal_id: "deal_0001", activities: 3 },
  handler: async ({ input, ctx }) => {
    const ports = ctx.ports;
    const r = await ports.crm.dealRecord(input.deal_id, input.activities);
    if (!r)
      throw notFound(`deal_id: no deal ${input.deal_id}.`, {
        fields: ["deal_id"],
        hint: "Find the deal with deals_list and pass its id.",
      });
    return {
      deal: { ...toDealRow(r.deal, await ports.today()), created: r.createdAt?.slice(0, 10) ?? null },
      stage_history: r.stageHistory.map((h) => ({ from: h.fromStage, to: h.toStage, at: h.changedAt })),
      activities: {
        total: r.activities.total,
        recent: r.activities.recent.map((a) => ({
          id: a.id,
          type: a.type,
          subject: a.subject,
          at: a.occurredAt,
          contact: a.contactName,
        })),
      },
      contacts: r.contacts.map((c) => ({
        id: c.id,
        name: c.name,
        title: c.title,
        email: c.email,
        role: c.role ?? roleFromTitle(c.title),
        role_source: c.role ? ("crm" as const) : ("title" as const),
        primary: c.primary,
        activities: c.activities,
        last_activity: c.lastActivityAt?.slice(0, 10) ?? null,
      })),
      caveats: [
        ...r.caveats,
        ...(r.activities.total > r.activities.recent.length
          ? [
              `Showing ${r.activities.recent.length} of ${r.activities.total} activities; raise activities (≤50).`,
            ]
          : []),
      ],
    };
  },
});
