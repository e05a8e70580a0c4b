import { toolsFor } from "@revops/kit";
import type { CampaignQuery, CampaignRow, CampaignStats, Page } from "@revops/sandbox";

/** What the marketing tools need; the sandbox and vendor adapters (HubSpot, SendGrid) implement it. */
export interface MarketingPort {
  listCampaigns(q: CampaignQuery): Promise<Page<CampaignRow>>;
  campaignStats(ids?: string[]): Promise<CampaignStats[]>;
  leadsBySource(q: {
    from?: string;
    to?: string;
  }): Promise<
    { source: string; leads: number; mqls: number; sqls: number; converted: number; wonRevenue: number }[]
  >;
  searchCampaigns(prefix: string, limit: number): Promise<{ id: string; name: string }[]>;
}

export interface MarketingPorts {
  marketing: MarketingPort;
  today: () => Promise<string>;
  source: string;
}

export const marketingTool = toolsFor<MarketingPorts>();
