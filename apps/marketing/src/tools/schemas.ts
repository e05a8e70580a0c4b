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
