import {
  campaignAttribution,
  DEFAULT_HALF_LIFE_DAYS,
  DEFAULT_LOOKBACK_DAYS,
  MODEL_METHOD,
} from "../../domain/attribution";
import type { MarketingPorts } from "../../ports";

const DEFAULT_MODEL = "linear" as const;

/**
 * One campaign's attributed pipeline as `attribution` and `campaign_performance` give it with their defaults
 * (linear, 90-day lookback), or the vendor's own report where the vendor attributes (as campaign_performance).
 */
export async function campaignCredit(ports: MarketingPorts, id: string, today: string) {
  const vendor = ports.marketing.vendorAttribution;
  if (vendor) {
    const [s] = await ports.marketing.campaignStats([id]);
    return {
      model: vendor.model,
      deals: s?.dealsInfluenced ?? 0,
      pipeline: s?.pipeline ?? 0,
      revenue: s?.revenue ?? 0,
      sourced_pipeline: null,
      sourced_revenue: null,
      method: `the vendor's ${vendor.model} campaign revenue report`,
      notes: [vendor.note],
    };
  }
  const data = await ports.marketing.touchPaths();
  const opts = {
    model: DEFAULT_MODEL,
    lookbackDays: DEFAULT_LOOKBACK_DAYS,
    halfLifeDays: DEFAULT_HALF_LIFE_DAYS,
  };
  const row = campaignAttribution(data, opts, today).rows.find((r) => r.id === id);
  return {
    model: DEFAULT_MODEL,
    deals: row?.deals ?? 0,
    pipeline: row?.pipeline ?? 0,
    revenue: row?.revenue ?? 0,
    sourced_pipeline: row?.sourcedPipeline ?? 0,
    sourced_revenue: row?.sourcedRevenue ?? 0,
    method: `${DEFAULT_MODEL} attribution over a ${DEFAULT_LOOKBACK_DAYS}-day lookback (${MODEL_METHOD[DEFAULT_MODEL]}), as attribution and campaign_performance`,
    notes: [
      ...(row && !row.mature
        ? ["The campaign is younger than the median sales cycle: its pipeline is still growing."]
        : []),
      ...(data.notes ?? []),
    ],
  };
}
