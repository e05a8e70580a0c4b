import { AnalyticsMetaSchema, annotations, untrustedText } from "@revops/kit";
import { z } from "zod";
import { FRAMEWORKS, qualify } from "../../domain/qualification";
import { salesTool } from "../../ports";
import { readDealRecord } from "./deal-record";
import { dealsToolset } from "./toolset";

export const dealQualify = salesTool({
  name: "deal_qualify",
  title: "Qualify a deal",
  description:
    "Which qualification elements a deal's activities and contacts evidence, and what to ask next.",
  toolset: dealsToolset.name,
  scopes: ["sales:read"],
  ports: ["crm"],
  annotations: annotations.read,
  input: z
    .object({
      deal_id: z.string().min(1).max(64),
      framework: z.enum(FRAMEWORKS).default("meddicc"),
    })
    .strict(),
  output: z.object({
    deal_id: z.string(),
    framework: z.enum(FRAMEWORKS),
    score: z.object({ known: z.number(), total: z.number() }),
    elements: z.array(
      z.object({
        element: z.string(),
        known: z.boolean(),
        evidence: z.array(
          z.object({
            source: z.enum(["activity", "next_step", "contact"]),
            id: z.string().nullable(),
            at: z.string().nullable(),
            excerpt: untrustedText(z.string(), "evidence excerpt", 120),
          }),
        ),
        ask: z.array(z.string()).describe("Questions to ask while the element is missing"),
      }),
    ),
    meta: AnalyticsMetaSchema,
  }),
  example: { deal_id: "deal_0001", framework: "bant" },
  handler: async ({ input, ctx }) => {
    const { ports, record: r, read, caveats } = await readDealRecord(ctx, input.deal_id);
    const { elements, score } = qualify(
      { nextStep: r.deal.nextStep, activities: read, contacts: r.contacts },
      input.framework,
    );
    return {
      deal_id: r.deal.id,
      framework: input.framework,
      score,
      elements,
      meta: {
        method:
          "qualify-v1: an element is known when a documented keyword rule matches an activity subject or the next step, or a contact's CRM role (else title) fits it; score = known / total",
        as_of: await ports.today(),
        source: ports.source,
        inputs: { framework: input.framework, activities_read: read.length, contacts: r.contacts.length },
        caveats: [
          "Keyword evidence, not understanding: a matched word may be negated or about something else.",
          "Activity subjects only: the CRM's activity bodies and notes are not read.",
          ...caveats,
        ],
      },
    };
  },
});
