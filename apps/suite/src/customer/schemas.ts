import { untrustedName } from "@revops/kit";
import { z } from "zod";
import type { StoredLink } from "../identity/store";

export const SystemSchema = z.enum(["zendesk", "intercom", "mixpanel", "hubspot"]);

export const LinkSchema = z.object({
  system: z.string(),
  external_id: z.string(),
  name: untrustedName(z.string(), "company name in another system"),
  account_id: z.string().nullable(),
  confidence: z.number(),
  status: z.enum(["auto", "review", "unmatched", "confirmed", "rejected"]),
  evidence: z.array(z.string()),
});

export const linkRow = (l: StoredLink): z.output<typeof LinkSchema> => ({
  system: l.system,
  external_id: l.externalId,
  name: l.externalName,
  account_id: l.accountId,
  confidence: l.confidence,
  status: l.status,
  evidence: l.evidence,
});
