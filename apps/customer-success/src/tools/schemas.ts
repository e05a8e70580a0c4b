import { untrustedName } from "@revops/kit";
import { z } from "zod";

export const AccountIdSchema = z.string().min(1).max(64).describe("e.g. acc_0042");
/** An account's name as typed in the CRM or help desk: capped and defused by the kit. */
export const AccountNameSchema = untrustedName(z.string(), "account name");
