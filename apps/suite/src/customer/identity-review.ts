import { annotations, notFound, userError, WrittenSchema } from "@revops/kit";
import { z } from "zod";
import type { LinkStatus, StoredLink } from "../identity/store";
import { type CustomerPorts, customerTool } from "./ports";
import { LinkSchema, linkRow, SystemSchema } from "./schemas";
import { identityToolset } from "./toolsets";

const input = z
  .object({
    system: SystemSchema,
    external_id: z.string().min(1).max(64),
    action: z.enum(["confirm", "split", "merge"]).describe("merge: link to account_id instead"),
    account_id: z.string().min(1).max(64).optional(),
  })
  .strict();
type Input = z.output<typeof input>;

/** The link as it is and as the action leaves it. */
async function planOf(ports: CustomerPorts, a: Input) {
  const { store } = await ports.identity();
  const link = await store.get(a.system, a.external_id);
  if (!link)
    throw notFound(`external_id: ${a.system} has no company ${a.external_id}.`, {
      fields: ["system", "external_id"],
      hint: "List links with identity_links and pass a system and external_id from there.",
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
  const after: { accountId: string | null; status: LinkStatus } =
    a.action === "split"
      ? { accountId: null, status: "rejected" }
      : { accountId: a.account_id ?? link.accountId, status: "confirmed" };
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

const change = (link: StoredLink, after: { accountId: string | null; status: LinkStatus }) => [
  { field: "account_id", before: link.accountId, after: after.accountId },
  { field: "status", before: link.status, after: after.status },
];

export const identityReview = customerTool({
  name: "identity_review",
  title: "Review an identity link",
  description:
    "Confirms, splits or re-links (merge) one system's company to a CRM account; a human confirms.",
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
        summary: `${a.action} ${a.system} company "${link.externalName}": account ${link.accountId ?? "(none)"} → ${after.accountId ?? "(none)"}, ${link.status} → ${after.status}`,
        action: "update",
        record_type: "identity_link",
        records: [{ id: `${a.system}:${a.external_id}`, name: link.externalName }],
        changes: change(link, after),
        system: "revops",
      };
    },
  },
  handler: async ({ input: a, ctx }) => {
    const { link, after } = await planOf(ctx.ports, a);
    const { store } = await ctx.ports.identity();
    const decided: StoredLink = {
      ...link,
      accountId: after.accountId,
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
      const fp = await tx.one<{ record_fp: string; match_fp: string }>(
        "SELECT record_fp, match_fp FROM identity_links WHERE system = ? AND external_id = ?",
        [a.system, a.external_id],
      );
      await store.put(
        tx,
        decided,
        after.status,
        { record: fp?.record_fp ?? "", match: fp?.match_fp ?? "" },
        `${await ctx.ports.today()}T12:00:00Z`,
        ctx.principal.id,
      );
    });
    return {
      link: linkRow(decided),
      written: { system: "revops", id: `identity_links/${a.system}:${a.external_id}` },
    };
  },
  render: (o) =>
    `${o.link.system} ${o.link.external_id} (${o.link.name}) → ${o.link.account_id ?? "no account"}, ${o.link.status}.`,
  example: { system: "zendesk", external_id: "360820688679", action: "confirm" },
});
