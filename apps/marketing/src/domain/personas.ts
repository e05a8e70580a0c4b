import { z } from "zod";

const Text = (max: number) => z.string().trim().min(1).max(max);

/** A buyer persona content_brief writes for; personas://list shows them, PERSONAS_FILE changes them. */
export const PersonaSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9_]{2,40}$/, "lower-case letters, digits and _ (2–40)"),
    name: Text(80),
    titles: z.array(Text(80)).max(20).default([]),
    /** Each pain with the message that answers it. */
    pains: z
      .array(z.object({ pain: Text(200), message: Text(200) }).strict())
      .min(1)
      .max(20),
    goals: z.array(Text(200)).max(20).default([]),
    /** Campaign channels this persona answers (email, webinar, paid_social…), best first. */
    channels: z.array(Text(40)).max(10).default([]),
    /** Flesch-Kincaid grade to write at; the brand guide's maximum caps it. */
    reading_grade: z.number().min(1).max(20).optional(),
  })
  .strict();
export type Persona = z.output<typeof PersonaSchema>;

/** An approved claim with its proof; brand_check accepts it and content_brief offers it. */
export const ApprovedClaimSchema = z
  .object({ claim: Text(300), proof: Text(300), topics: z.array(Text(40)).max(20).optional() })
  .strict();
export type ApprovedClaim = z.output<typeof ApprovedClaimSchema>;

const persona = (p: z.input<typeof PersonaSchema>) => PersonaSchema.parse(p);

/** Generic B2B revenue personas: a starting point that PERSONAS_FILE replaces by id or extends. */
export const DEFAULT_PERSONAS: Persona[] = [
  persona({
    id: "revops_leader",
    name: "Revenue operations leader",
    titles: ["VP Revenue Operations", "RevOps Manager", "Sales Operations Director"],
    pains: [
      {
        pain: "The forecast is rebuilt in spreadsheets every week",
        message: "The forecast updates itself from the CRM",
      },
      {
        pain: "Pipeline data is spread across CRM, marketing and support tools",
        message: "One view of pipeline from every system",
      },
      { pain: "Leaders do not trust the reports", message: "Every figure shows how it was calculated" },
    ],
    goals: ["A forecast within 5% of the quarter", "Less manual reporting"],
    channels: ["webinar", "content", "email"],
    reading_grade: 9,
  }),
  persona({
    id: "sales_leader",
    name: "Sales leader",
    titles: ["VP Sales", "Sales Director", "Head of Sales"],
    pains: [
      {
        pain: "Deals slip at the end of the quarter without warning",
        message: "Risky deals are flagged early, with the reason",
      },
      { pain: "Reps spend hours updating the CRM", message: "Activity is captured without extra typing" },
      { pain: "Pipeline coverage is a guess", message: "Coverage by rep and quarter, from live deals" },
    ],
    goals: ["Hit the number every quarter", "More selling time per rep"],
    channels: ["event", "email", "webinar"],
    reading_grade: 8,
  }),
  persona({
    id: "marketing_leader",
    name: "Marketing leader",
    titles: ["VP Marketing", "Head of Demand Generation", "Marketing Director"],
    pains: [
      {
        pain: "We cannot show which campaigns create pipeline",
        message: "Pipeline and revenue credited to each campaign",
      },
      {
        pain: "Budget is set on clicks, not revenue",
        message: "Spend planned from each channel's pipeline per dollar",
      },
      {
        pain: "Leads go cold before sales calls them",
        message: "Qualified leads reach a seller within hours",
      },
    ],
    goals: ["Prove marketing's share of pipeline", "Spend where pipeline comes from"],
    channels: ["paid_social", "content", "webinar"],
    reading_grade: 8,
  }),
  persona({
    id: "finance_leader",
    name: "Finance leader",
    titles: ["CFO", "VP Finance", "Finance Director"],
    pains: [
      {
        pain: "The revenue forecast misses the quarter",
        message: "A forecast with ranges, checked against past quarters",
      },
      {
        pain: "Nobody can say what marketing spend returns",
        message: "Return on spend per campaign, from closed deals",
      },
    ],
    goals: ["Predictable revenue", "Spend that pays back"],
    channels: ["email", "event"],
    reading_grade: 9,
  }),
];

/**
 * Claims of the sandbox's demo company, labelled as examples; a deployment with a vendor source has none unless
 * BRAND_GUIDE_FILE or APPROVED_CLAIMS_FILE gives them (a default claim would be an unproven one).
 */
export const SANDBOX_CLAIMS: ApprovedClaim[] = [
  {
    claim: "forecasts within 5% of the quarter's bookings",
    proof: "Sandbox example: Northwind Analytics customer study, 2026 (32 customers)",
    topics: ["forecast", "forecasting", "pipeline"],
  },
  {
    claim: "set up in under two weeks",
    proof: "Sandbox example: median onboarding time of 2026 customers",
    topics: ["onboarding", "setup", "implementation"],
  },
  {
    claim: "campaign ROI from closed deals, not clicks",
    proof: "Sandbox example: product documentation, attribution method",
    topics: ["attribution", "campaign", "roi", "marketing"],
  },
];
