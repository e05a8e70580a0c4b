import { AnalyticsMetaSchema, annotations, IsoDateSchema, untrustedText, userError } from "@revops/kit";
import { fromVendor } from "@revops/safety/vendor-errors";
import { z } from "zod";
import { npsScore } from "../../domain/nps";
import { csTool } from "../../ports";
import { AccountIdSchema, AccountNameSchema } from "../schemas";
import { feedbackToolset } from "./toolset";

export const npsSummary = csTool({
  name: "nps_summary",
  title: "NPS summary",
  description:
    "Net Promoter Score for a date range or one account: promoters, passives, detractors, and the latest detractor comments.",
  toolset: feedbackToolset.name,
  scopes: ["cs:read"],
  ports: ["support"],
  annotations: annotations.read,
  input: z
    .object({
      from: IsoDateSchema.optional(),
      to: IsoDateSchema.optional(),
      account_id: AccountIdSchema.optional(),
      comments: z.number().int().min(0).max(20).default(5).describe("How many detractor comments to include"),
    })
    .strict(),
  output: z.object({
    nps: z.number().nullable(),
    responses: z.number(),
    promoters: z.number(),
    passives: z.number(),
    detractors: z.number(),
    detractor_comments: z.array(
      z.object({
        account_name: AccountNameSchema,
        score: z.number(),
        responded_at: z.string(),
        comment: untrustedText(z.string(), "survey comment", 500),
      }),
    ),
    meta: AnalyticsMetaSchema,
  }),
  example: { from: "2026-01-01", comments: 2 },
  handler: async ({ input, ctx }) => {
    const ports = ctx.ports;
    if (input.from && input.to && input.from > input.to) {
      throw userError("from is after to.", { fields: ["from", "to"], hint: "Swap the two dates." });
    }
    const stats = await fromVendor(() =>
      ports.support.npsStats({
        from: input.from,
        to: input.to,
        accountId: input.account_id,
        comments: input.comments,
      }),
    );
    const { responses, promoters, passives, detractors } = stats;
    return {
      responses,
      promoters,
      passives,
      detractors,
      nps: npsScore(promoters, detractors, responses),
      detractor_comments: stats.detractorComments.map((r) => ({
        account_name: r.accountName,
        score: r.score,
        responded_at: r.respondedAt,
        comment: r.comment ?? "",
      })),
      meta: {
        method: "nps-v1: % promoters (9-10) minus % detractors (0-6)",
        as_of: await ports.today(),
        source: ports.source,
        inputs: { responses, from: input.from ?? "all", to: input.to ?? "all" },
        caveats: [...(responses < 30 ? ["Fewer than 30 responses: the score is noisy."] : [])],
      },
    };
  },
});
