import { defineResource } from "@revops/kit";
import type { MarketingPorts } from "./ports";

/** A JSON resource of one configured list the content tools read. */
const listResource = (
  name: string,
  title: string,
  description: string,
  uri: string,
  of: (p: MarketingPorts) => unknown,
) =>
  defineResource<MarketingPorts>({
    name,
    title,
    description,
    mimeType: "application/json",
    scopes: ["marketing:read"],
    uri,
    read: async ({ uri: u, ctx }) => [
      { uri: u, mimeType: "application/json", text: JSON.stringify(of(ctx.ports), null, 2) },
    ],
  });

export const personasResource = listResource(
  "personas",
  "Buyer personas",
  "Personas with their pains, the messages that answer them, goals, channels and reading level (content_brief).",
  "brand://personas",
  (p) => p.personas,
);

export const claimsResource = listResource(
  "approved_claims",
  "Approved claims",
  "Claims with proof on file: brand_check accepts them and content_brief offers them.",
  "brand://claims",
  (p) => p.claims,
);
