import { untrustedName } from "@revops/kit";
import { z } from "zod";

/** One onboarding plan as drafted and written. */
export const DraftSchema = z.object({
  plan_id: z.string(),
  deal_id: z.string(),
  account_id: z.string(),
  account_name: untrustedName(z.string(), "account name"),
  segment: z.string(),
  owner: z.object({ id: z.string(), name: z.string() }),
  milestones: z.array(z.object({ name: z.string(), due_date: z.string() })),
});
