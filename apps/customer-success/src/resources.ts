import { defineResource, notFound } from "@revops/kit";
import { fromVendor } from "@revops/safety/vendor-errors";
import { healthScore } from "./domain/health";
import { activeHealthWeights } from "./health-weights";
import type { CsPorts } from "./ports";

export const accountHealthResource = defineResource<CsPorts>({
  name: "account_health",
  title: "Account health",
  description: "One customer account's health score, risk band, reasons and raw signals as JSON.",
  mimeType: "application/json",
  scopes: ["cs:read"],
  uriTemplate: "cs://accounts/{account_id}/health",
  read: async ({ uri, params, ctx }) => {
    const [signals] = await fromVendor(() =>
      ctx.ports.support.accountSignals({ accountIds: [params.account_id ?? ""] }),
    );
    if (!signals)
      throw notFound(`No customer account ${params.account_id}.`, {
        hint: "Complete account_id or call accounts_at_risk.",
      });
    const { weights } = await activeHealthWeights(ctx.ports);
    const health = healthScore(signals, await ctx.ports.today(), weights);
    return [{ uri, mimeType: "application/json", text: JSON.stringify({ ...health, signals }) }];
  },
  complete: {
    account_id: async (value, ctx) => (await ctx.ports.support.searchAccounts(value, 20)).map((a) => a.id),
  },
});
