import { annotations, untrustedName, userError } from "@revops/kit";
import { z } from "zod";
import { rankByName } from "../../domain/fuzzy";
import { salesTool } from "../../ports";
import { OwnerSchema } from "../schemas";
import { accountsToolset } from "./toolset";

export const accountsSearch = salesTool({
  name: "accounts_search",
  title: "Search accounts",
  description: "Find accounts by name (typo-tolerant, best match first), domain, owner or industry.",
  toolset: accountsToolset.name,
  scopes: ["sales:read"],
  ports: ["crm"],
  annotations: annotations.read,
  input: z
    .object({
      name: z.string().trim().min(1).max(100).optional(),
      domain: z.string().trim().min(1).max(255).optional(),
      owner: OwnerSchema.optional(),
      industry: z.string().trim().min(1).max(100).optional(),
      limit: z.number().int().min(1).max(50).default(10),
    })
    .strict(),
  output: z.object({
    accounts: z.array(
      z.object({
        id: z.string(),
        name: untrustedName(z.string(), "account name"),
        domain: z.string(),
        industry: z.string(),
        owner: z.string(),
        arr: z.number().nullable(),
        lifecycle: z.string(),
        match: z.number().describe("Name match 0–1"),
      }),
    ),
    total: z.number().describe("Matches found"),
    note: z.string(),
  }),
  example: { name: "Northflw Logistcs" },
  handler: async ({ input, ctx }) => {
    if (!input.name && !input.domain && !input.owner && !input.industry) {
      throw userError("Give at least one of name, domain, owner or industry.", {
        fields: ["name"],
        hint: "Search by name, e.g. { name: 'acme' }.",
      });
    }
    const ports = ctx.ports;
    const found = await ports.crm.accountCandidates({
      name: input.name,
      domain: input.domain,
      owner: input.owner,
      industry: input.industry,
    });
    const ranked = rankByName(input.name, found.rows);
    const shown = ranked.slice(0, input.limit);
    const notes = [
      ranked.length === 0
        ? "No accounts match; check the spelling or drop a filter."
        : `Showing ${shown.length} of ${ranked.length}${ranked.length > shown.length ? "; narrow by domain, owner or industry" : ""}.`,
      ...(found.capped
        ? ["Only the first candidates were ranked; add a filter to be sure of the best match."]
        : []),
    ];
    return {
      accounts: shown.map((a) => ({
        id: a.id,
        name: a.name,
        domain: a.domain,
        industry: a.industry,
        owner: a.ownerName,
        arr: a.arr,
        lifecycle: a.lifecycle,
        match: Math.round(a.score * 100) / 100,
      })),
      total: ranked.length,
      note: notes.join(" "),
    };
  },
});
