import { z } from "zod";

export const StatusSchema = z.enum(["planned", "active", "completed"]);
export const ChannelSchema = z.enum(["email", "paid_search", "paid_social", "webinar", "event", "content"]);
export const CampaignIdSchema = z.string().min(1).max(64).describe("e.g. cmp_0007");
