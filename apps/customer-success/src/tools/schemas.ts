import { untrustedName } from "@revops/kit";
import { z } from "zod";

export const MetaSchema = z.object({
  method: z.string(),
  as_of: z.string(),
  source: z.string(),
  inputs: z.record(z.string(), z.union([z.number(), z.string()])),
  caveats: z.array(z.string()),
});
export const AccountIdSchema = z.string().min(1).max(64).describe("Account id, e.g. acc_0042");
/** An account's name as typed in the CRM or help desk: capped and defused by the kit. */
export const AccountNameSchema = untrustedName(z.string(), "account name");
