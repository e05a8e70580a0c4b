import { annotations, untrustedName, userError } from "@revops/kit";
import { fromVendor } from "@revops/safety/vendor-errors";
import { z } from "zod";
import { rankContacts } from "../../domain/contacts";
import { salesTool } from "../../ports";
import { leadsToolset } from "./toolset";

const text = (max: number) => z.string().trim().min(1).max(max).optional();

export const contactsSearch = salesTool({
  name: "contacts_search",
  title: "Search contacts",
  description: "Find contacts by name, email, account or title (typo-tolerant, best match first).",
  toolset: leadsToolset.name,
  scopes: ["sales:read"],
  ports: ["crm"],
  annotations: annotations.read,
  input: z
    .object({
      name: text(100),
      email: text(255),
      account: text(100).describe("Account id or name"),
      title: text(100),
      limit: z.number().int().min(1).max(50).default(10),
    })
    .strict(),
  output: z.object({
    contacts: z.array(
      z.object({
        id: z.string(),
        name: untrustedName(z.string(), "contact name"),
        title: untrustedName(z.string(), "job title"),
        email: z.string(),
        account_id: z.string(),
        account: untrustedName(z.string(), "account name"),
        match: z.number().describe("0–1"),
      }),
    ),
    total: z.number().describe("Matches found"),
    note: z.string(),
  }),
  example: { name: "Jorge Moralez", title: "VP" },
  handler: async ({ input, ctx }) => {
    if (!input.name && !input.email && !input.account && !input.title) {
      throw userError("Give at least one of name, email, account or title.", {
        fields: ["name"],
        hint: "Search by name, e.g. { name: 'ana lopez' }, or by account, e.g. { account: 'acc_0001' }.",
      });
    }
    const ports = ctx.ports;
    const q = { name: input.name, email: input.email, account: input.account, title: input.title };
    const found = await fromVendor(() => ports.crm.contactCandidates(q));
    const ranked = rankContacts(q, found.rows);
    const shown = ranked.slice(0, input.limit);
    const notes = [
      ranked.length === 0
        ? "No contacts match; check the spelling or drop a filter."
        : `Showing ${shown.length} of ${ranked.length}${ranked.length > shown.length ? "; narrow by account or title" : ""}.`,
      ...(found.capped ? ["More contacts matched loosely than were read; add a filter."] : []),
    ];
    return {
      contacts: shown.map((c) => ({
        id: c.id,
        name: c.name,
        title: c.title,
        email: c.email,
        account_id: c.accountId,
        account: c.accountName,
        match: Math.round(c.score * 100) / 100,
      })),
      total: ranked.length,
      note: notes.join(" "),
    };
  },
});
