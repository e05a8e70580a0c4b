import { AnalyticsMetaSchema, annotations, untrustedName } from "@revops/kit";
import { z } from "zod";
import { mapCommittee } from "../../domain/stakeholders";
import { salesTool } from "../../ports";
import { readDealRecord } from "./deal-record";
import { dealsToolset } from "./toolset";

const count = z.number().nullable();

export const stakeholdersMap = salesTool({
  name: "stakeholders_map",
  title: "Map a deal's buying committee",
  description: "A deal's contacts with role, seniority and engagement, and the committee's gaps.",
  toolset: dealsToolset.name,
  scopes: ["sales:read"],
  ports: ["crm"],
  annotations: annotations.read,
  input: z.object({ deal_id: z.string().min(1).max(64) }).strict(),
  output: z.object({
    deal_id: z.string(),
    contacts: z.array(
      z.object({
        id: z.string(),
        name: untrustedName(z.string(), "contact name"),
        title: untrustedName(z.string(), "job title"),
        role: z.string().nullable(),
        role_source: z
          .enum(["crm", "title", "none"])
          .describe("crm: recorded; title: inferred from the job title"),
        seniority: z.enum(["c_level", "vp", "director", "manager", "individual", "unknown"]),
        activities: count.describe("All activities with them on the deal; null: the CRM does not link them"),
        last_30d: count,
        last_90d: count,
        last_touch: z.string().nullable(),
      }),
    ),
    gaps: z.array(
      z.object({
        gap: z.enum(["single_threaded", "no_economic_buyer", "no_champion", "no_exec_engagement_30d"]),
        advice: z.string(),
      }),
    ),
    meta: AnalyticsMetaSchema,
  }),
  example: { deal_id: "deal_0001" },
  handler: async ({ input, ctx }) => {
    const { ports, record: r, read, caveats } = await readDealRecord(ctx, input.deal_id);
    const today = await ports.today();
    const { people, gaps } = mapCommittee({ activities: read, contacts: r.contacts }, today);
    return {
      deal_id: r.deal.id,
      contacts: people,
      gaps,
      meta: {
        method:
          "stakeholders-v1: role = CRM contact role, else inferred from the title; seniority from the title; last_30d/90d = the contact's activities on the deal dated within 30/90 days up to as_of; gaps: fewer than 2 engaged people, no economic buyer (CRM role, else C-level/VP title), no champion (CRM role), no VP/C-level touch in 30 days",
        as_of: today,
        source: ports.source,
        inputs: { activities_read: read.length, contacts: r.contacts.length },
        caveats,
      },
    };
  },
});
