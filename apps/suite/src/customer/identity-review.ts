import { annotations, notFound, userError, WrittenSchema } from "@revops/kit";
import { z } from "zod";
import type { LinkStatus, StoredLink } from "../identity/store";
import { type CustomerPorts, customerTool } from "./ports";
import { GraphSchema, LinkSchema, linkRow, SystemSchema } from "./schemas";
import { identityToolset } from "./toolsets";

const input = z
  .object({
    of: GraphSchema,
    system: SystemSchema,
    external_id: z.string().min(1).max(64),
    action: z.enum(["confirm", "split", "merge"]).describe("merge: link to account_id instead"),
    account_id: z.string().min(1).max(64).optional(),
  })
  .strict();
type Input = z.output<typeof input>;

/** The graph the input names: companies or people. */
async function storeOf(ports: CustomerPorts, a: Input) {
  const graph = await ports.identity();
  return a.of === "people" ? graph.people : graph.store;
}

/** The link as it is and as the action leaves it. */
async function planOf(ports: CustomerPorts, a: Input) {
  const store = await storeOf(ports, a);
  const link = await store.get(a.system, a.external_id);
  const noun = a.of === "people" ? "person" : "company";
  if (!link)
    throw notFound(`external_id: ${a.system} has no ${noun} ${a.external_id}.`, {
      fields: ["system", "external_id"],
      hint: `List links with identity_links (of: ${a.of}) and pass a system and external_id from there.`,
    });
  if (a.of === "people" && a.action === "merge")
    throw userError("action: a person link is confirmed or split; merge re-links companies only.", {
      fields: ["action"],
      hint: "Split the wrong person link; the person is matched again when their record or the contacts change.",
    });
  if (a.action === "merge" && !a.account_id)
    throw userError("account_id: merge needs the account the record really is.", {
      fields: ["account_id"],
      hint: "Pass the CRM account id, e.g. acc_0042 (accounts_search finds it).",
    });
  if (a.action !== "merge" && a.account_id)
    throw userError(`account_id: only merge takes an account; ${a.action} keeps or drops the proposed one.`, {
      fields: ["account_id"],
      hint: "Leave account_id out, or use action merge.",
    });
  if (a.action === "confirm" && !link.accountId)
    throw userError(`${a.system} ${a.external_id} has no proposed account to confirm.`, {
      fields: ["action"],
      hint: "Use action merge with the right account_id.",
    });
  if (a.account_id) await mustExist(ports, a.account_id);
  const after: { accountId: string | null; contactId: string | null; status: LinkStatus } =
    a.action === "split"
      ? { accountId: null, contactId: null, status: "rejected" }
      : { accountId: a.account_id ?? link.accountId, contactId: link.contactId, status: "confirmed" };
  return { link, after };
}

async function mustExist(ports: CustomerPorts, id: string) {
  const account = await (await ports.sales()).crm.getAccount(id);
  if (!account)
    throw notFound(`account_id: no account ${id}.`, {
      fields: ["account_id"],
      hint: "Find the account with accounts_search and pass its id.",
    });
}

const change = (link: StoredLink, after: Pick<StoredLink, "accountId" | "contactId" | "status">) => [
  { field: "account_id", before: link.accountId, after: after.accountId },
  ...(link.contactId !== null
    ? [{ field: "contact_id", before: link.contactId, after: after.contactId }]
    : []),
  { field: "status", before: link.status, after: after.status },
];

export const identityReview = customerTool({
  name: "identity_review",
  title: "Review an identity link",
  description:
    "Confirms, splits or re-links (merge) one system's company to a CRM account, or confirms or splits a person link; a human confirms.",
  toolset: identityToolset.name,
  scopes: ["sales:write"],
  annotations: annotations.update,
  input,
  output: z.object({ link: LinkSchema, written: WrittenSchema }),
  guard: {
    kind: "destructive",
    preview: async (a, ctx) => {
      const { link, after } = await planOf(ctx.ports, a);
      return {
        summary: `${a.action} ${a.system} ${a.of === "people" ? `person "${link.externalName}": contact ${link.contactId ?? "(none)"} → ${after.contactId ?? "(none)"},` : `company "${link.externalName}":`} account ${link.accountId ?? "(none)"} → ${after.accountId ?? "(none)"}, ${link.status} → ${after.status}`,
        action: "update",
        record_type: a.of === "people" ? "identity_person_link" : "identity_link",
        records: [{ id: `${a.system}:${a.external_id}`, name: link.externalName }],
        changes: change(link, after),
        system: "revops",
      };
    },
  },
  handler: async ({ input: a, ctx }) => {
    const { link, after } = await planOf(ctx.ports, a);
    const store = await storeOf(ctx.ports, a);
    const decided: StoredLink = {
      ...link,
      accountId: after.accountId,
      contactId: after.contactId,
      status: after.status,
      confidence: after.status === "confirmed" ? 1 : 0,
      evidence: [...link.evidence, `${a.action} by ${ctx.principal.id}`],
    };
    await store.db.transaction(async (tx) => {
      // the link must still be what the confirmed plan showed as "before"
      const now = await store.get(a.system, a.external_id);
      if (now?.accountId !== link.accountId || now?.status !== link.status)
        throw userError("Not executed: the link changed since the plan was made. Nothing was written.", {
          hint: "Call identity_review with dry_run: true to see the current plan.",
        });
      await store.put(
        tx,
        decided,
        after.status,
        await store.fingerprints(tx, a.system, a.external_id),
        `${await ctx.ports.today()}T12:00:00Z`,
        ctx.principal.id,
      );
    });
    return {
      link: linkRow(decided),
      written: {
        system: "revops",
        id: `${a.of === "people" ? "identity_person_links" : "identity_links"}/${a.system}:${a.external_id}`,
      },
    };
  },
  render: (o) =>
    `${o.link.system} ${o.link.external_id} (${o.link.name}) → ${o.link.account_id ?? "no account"}, ${o.link.status}.`,
  example: { system: "zendesk", external_id: "360820688679", action: "confirm" },
});
