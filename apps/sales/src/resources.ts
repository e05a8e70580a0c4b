import { defineResource, notFound } from "@revops/kit";
import type { SalesPorts } from "./ports";

/** Read-only context a client can attach: one account as JSON, addressable by id. */
export const accountResource = defineResource<SalesPorts>({
  name: "account",
  title: "Account profile",
  description: "An account with its owner, subscription, contacts and open deals, as JSON.",
  mimeType: "application/json",
  scopes: ["sales:read"],
  uriTemplate: "sales://accounts/{account_id}",
  read: async ({ uri, params, ctx }) => {
    const account = await ctx.ports.crm.getAccount(params.account_id ?? "");
    if (!account)
      throw notFound(`No account ${params.account_id}.`, { hint: "Complete account_id to find one." });
    return [{ uri, mimeType: "application/json", text: JSON.stringify(account) }];
  },
  list: async (ctx) =>
    (await ctx.ports.crm.searchAccounts("", 20)).map((a) => ({
      uri: `sales://accounts/${a.id}`,
      name: a.name,
    })),
  complete: {
    account_id: async (value, ctx) => (await ctx.ports.crm.searchAccounts(value, 20)).map((a) => a.id),
  },
});

export const ownersResource = defineResource<SalesPorts>({
  name: "sales_team",
  title: "Sales team",
  description: "The sales reps who own accounts and deals: id, name, email, region.",
  mimeType: "application/json",
  scopes: ["sales:read"],
  uri: "sales://team",
  read: async ({ uri, ctx }) => [
    { uri, mimeType: "application/json", text: JSON.stringify(await ctx.ports.crm.listOwners()) },
  ],
});
