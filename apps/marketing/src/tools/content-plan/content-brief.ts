import { AnalyticsMetaSchema, annotations, notFound, userError } from "@revops/kit";
import { z } from "zod";
import { channelEconomics } from "../../domain/channel-plan";
import { BRIEF_METHOD, buildBrief } from "../../domain/content-brief";
import { marketingTool } from "../../ports";
import { CampaignRef } from "./calendar";
import { contentPlanToolset } from "./toolset";

const Row = <T extends z.ZodRawShape>(shape: T) => z.array(z.object(shape));

export const contentBrief = marketingTool({
  name: "content_brief",
  title: "Write a content brief",
  description:
    "Content brief for a persona, campaign and keywords: messages, approved claims, words to avoid, channels, reading level.",
  toolset: contentPlanToolset.name,
  scopes: ["marketing:read"],
  ports: ["marketing"],
  annotations: annotations.read,
  input: z
    .object({
      persona: z.string().min(1).max(40).describe("Id from brand://personas"),
      campaign_id: CampaignRef,
      keywords: z.array(z.string().trim().min(1).max(60)).min(1).max(10),
    })
    .strict(),
  output: z.object({
    goal: z.object({ objective: z.string(), statement: z.string() }),
    audience: z.object({
      persona: z.string(),
      name: z.string(),
      titles: z.array(z.string()),
      pains: z.array(z.string()),
      goals: z.array(z.string()),
    }),
    key_messages: Row({ message: z.string(), answers: z.string(), why: z.string() }),
    claims: Row({ claim: z.string(), proof: z.string(), why: z.string() }).describe(
      "Approved claims with proof",
    ),
    avoid: Row({ term: z.string(), fix: z.string() }).describe("Banned and off-voice words"),
    channels: Row({
      channel: z.string(),
      cta: z.string(),
      pipeline_per_dollar: z.number().nullable(),
      cost_per_lead: z.number().nullable(),
      why: z.string(),
    }),
    reading: z.object({ target_grade: z.number(), max_sentence_words: z.number(), why: z.string() }),
    meta: AnalyticsMetaSchema,
  }),
  example: { persona: "revops_leader", campaign_id: "cmp_0028", keywords: ["forecast", "pipeline"] },
  handler: async ({ input: i, ctx }) => {
    const ports = ctx.ports;
    const persona = ports.personas.find((p) => p.id === i.persona);
    if (!persona)
      throw userError(`There is no persona ${i.persona}.`, {
        fields: ["persona"],
        hint: `Use one of ${ports.personas.map((p) => p.id).join(", ")} (brand://personas).`,
      });
    const today = await ports.today();
    const { campaigns, notes } = await ports.marketing.campaignOutcomes();
    const campaign = campaigns.find((c) => c.id === i.campaign_id);
    if (!campaign)
      throw notFound(`There is no campaign ${i.campaign_id}.`, {
        fields: ["campaign_id"],
        hint: "Call campaigns_list for campaign ids.",
      });
    const finished = campaigns.filter((c) => c.status === "completed" && c.endDate < today && c.spend > 0);
    const economics = channelEconomics(finished);
    const brief = buildBrief({
      persona,
      campaign,
      keywords: i.keywords,
      guide: await ports.settings.guide(),
      claims: ports.claims,
      economics,
    });
    return {
      ...brief,
      meta: {
        method: BRIEF_METHOD,
        as_of: today,
        source: ports.source,
        inputs: {
          persona: persona.id,
          campaign: campaign.id,
          keywords: i.keywords.join(", "),
          completed_campaigns: finished.length,
          approved_claims: ports.claims.length,
        },
        caveats: [
          "Messages and claims are ranked by keyword overlap with the persona's pains and the claims' topics; no language model writes them.",
          "Channel figures are pipeline created by sourced leads of completed campaigns per dollar spent (campaign_plan's history).",
          ...(ports.claims.length
            ? []
            : ["No approved claims: add them in APPROVED_CLAIMS_FILE or the brand guide (brand://claims)."]),
          ...notes,
        ],
      },
    };
  },
  render: (o) =>
    [
      `Goal: ${o.goal.statement}`,
      `Audience: ${o.audience.name} — pains: ${o.audience.pains.join("; ")}`,
      "Key messages:",
      ...o.key_messages.map((m) => `- ${m.message} (${m.why})`),
      "Approved claims:",
      ...o.claims.map((c) => `- "${c.claim}" — proof: ${c.proof}`),
      `Avoid: ${o.avoid.map((t) => t.term).join(", ")}`,
      `Channels: ${o.channels.map((c) => `${c.channel} ("${c.cta}")`).join(", ")}`,
      `Reading level: grade ${o.reading.target_grade} or lower, sentences under ${o.reading.max_sentence_words} words.`,
    ].join("\n"),
});
