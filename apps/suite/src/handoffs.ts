import type { CsPorts } from "@revops/cs-mcp";
import { churnModelFor, predictChurn } from "@revops/cs-mcp";
import type { Runtime, ServerModule } from "@revops/kit";
import type { RenewalRisk, SalesPorts } from "@revops/sales-mcp";

/** Customer success's churn model, as the sales forecast asks it: each account's upcoming renewal. */
async function renewalRisk(cs: CsPorts, accountIds: string[]): Promise<Map<string, RenewalRisk>> {
  const today = await cs.today();
  const { model } = await churnModelFor(cs.support, today);
  const out = new Map<string, RenewalRisk>();
  if (!model) return out;
  const wanted = new Set(accountIds);
  for (const term of await cs.support.upcomingRenewals()) {
    if (!wanted.has(term.accountId)) continue;
    const { probability } = predictChurn(model.fitted, term);
    out.set(term.accountId, { probability, high: probability >= model.fitted.threshold });
  }
  return out;
}

/**
 * The sales server as the suite serves it: its ports can ask customer success about a renewal's churn risk, so
 * the forecast flags renewals in commit that customer success expects to lose. Nothing else changes.
 */
export function withRenewalRisk(
  sales: ServerModule<SalesPorts>,
  cs: ServerModule<CsPorts>,
): ServerModule<SalesPorts> {
  // the customer-success server's own ports, so the churn model it trained is the one the forecast asks
  const csOf = (rt: Runtime) => rt.ports(cs);
  const wrap = (ports: SalesPorts, rt: Runtime): SalesPorts => ({
    ...ports,
    renewalRisk: async (ids) => renewalRisk(await csOf(rt), ids),
    using: async (connection) => wrap(await ports.using(connection), rt),
  });
  return { ...sales, ports: async (rt) => wrap(await sales.ports(rt), rt) };
}

/**
 * The customer-success server as the suite serves it: upsell_create writes its expansion deal through the sales
 * server's CRM port (Salesforce, HubSpot or the sandbox, with that port's resilience and once-only write), so the
 * deal is the one sales' deals_list shows. Nothing else changes.
 */
export function withSalesCrm(
  cs: ServerModule<CsPorts>,
  sales: () => ServerModule<SalesPorts>,
): ServerModule<CsPorts> {
  const crmOf = async (rt: Runtime): Promise<CsPorts["crm"]> => {
    const s = await rt.ports(sales());
    return {
      source: s.source,
      getAccount: (id) => s.crm.getAccount(id),
      createDeal: (deal, origin) => s.crm.createDeal(deal, origin),
    };
  };
  const wrap = async (ports: CsPorts, rt: Runtime): Promise<CsPorts> => ({
    ...ports,
    crm: await crmOf(rt),
    using: async (connection) => wrap(await ports.using(connection), rt),
  });
  return { ...cs, ports: async (rt) => wrap(await cs.ports(rt), rt) };
}
