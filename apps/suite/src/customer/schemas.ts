import { untrustedName } from "@revops/kit";
import { z } from "zod";
import type { StoredLink } from "../identity/store";

export const SystemSchema = z.enum(["zendesk", "intercom", "mixpanel", "hubspot"]);

/** Which graph: companies to CRM accounts, or people to CRM contacts. */
export const GraphSchema = z
  .enum(["companies", "people"])
  .default("companies")
  .describe("companies: to CRM accounts; people: to CRM contacts");

export const LinkSchema = z.object({
  system: z.string(),
  external_id: z.string(),
  name: untrustedName(z.string(), "company or person name in another system"),
  account_id: z.string().nullable(),
  contact_id: z.string().nullable().optional(),
  confidence: z.number(),
  status: z.enum(["auto", "review", "unmatched", "confirmed", "rejected"]),
  evidence: z.array(z.string()),
});

export const linkRow = (l: StoredLink): z.output<typeof LinkSchema> => ({
  system: l.system,
  external_id: l.externalId,
  name: l.externalName,
  account_id: l.accountId,
  ...(l.contactId !== null && { contact_id: l.contactId }),
  confidence: l.confidence,
  status: l.status,
  evidence: l.evidence,
});
