import type { MarketingCampaignRow, MarketingPort } from "../../ports";

/** Campaigns that can still spend (active or planned), every page; completed ones have nothing left to pace. */
export async function runningCampaigns(
  marketing: MarketingPort,
  channel?: string,
): Promise<MarketingCampaignRow[]> {
  const out: MarketingCampaignRow[] = [];
  for (const status of ["active", "planned"] as const) {
    let cursor: string | undefined;
    do {
      const page = await marketing.listCampaigns({
        status,
        ...(channel && { channel: channel as never }),
        limit: 100,
        ...(cursor && { cursor }),
      });
      out.push(...page.rows);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
  return out.sort((a, b) =>
    a.startDate < b.startDate ? -1 : a.startDate > b.startDate ? 1 : a.id < b.id ? -1 : 1,
  );
}
