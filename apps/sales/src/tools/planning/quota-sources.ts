import { freshnessOf } from "@revops/connectors/freshness";
import type { CrmQuotas, SalesPorts } from "../../ports";

/** What the CRM's own quota objects are called, for the caveats. */
const CRM_QUOTAS: Record<string, string> = {
  salesforce: "Salesforce Collaborative Forecasts quotas (ForecastingQuota)",
  hubspot: "HubSpot revenue goals (goal_targets)",
};

export const crmQuotaLabel = (source: string) => CRM_QUOTAS[source] ?? `${source} quotas`;

/** The CRM's quota periods; a failed read falls back to configured quotas and says why, never fails the tool. */
export async function crmQuotas(ports: SalesPorts, from: string, to: string): Promise<CrmQuotas> {
  try {
    const q = await ports.crm.quotaPeriods(from, to);
    const note = freshnessOf(q)?.note;
    return note ? { ...q, caveats: [...q.caveats, note] } : q;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return {
      periods: [],
      unavailable: `${crmQuotaLabel(ports.source)} could not be read (${why}).`,
      caveats: [],
    };
  }
}
