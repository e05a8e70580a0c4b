import { z } from "zod";

export const StatusSchema = z.enum(["planned", "active", "completed"]).describe("Campaign status");
export const ChannelSchema = z
  .enum(["email", "paid_search", "paid_social", "webinar", "event", "content"])
  .describe("Campaign channel");
export const CampaignIdSchema = z
  .string()
  .min(1)
  .max(64)
  .describe("Campaign id from campaigns_list, e.g. cmp_0007");

export const MetaSchema = z.object({
  method: z.string(),
  as_of: z.string(),
  source: z.string(),
  inputs: z.record(z.string(), z.union([z.number(), z.string()])),
  caveats: z.array(z.string()),
});
