import { toolsFor } from "@revops/kit";
import type { CampaignQuery, CampaignRow, CampaignStats, Page } from "@revops/sandbox";

/** A campaign row; vendors without a channel property report "unspecified". */
export type MarketingCampaignRow = Omit<CampaignRow, "channel"> & { channel: string };
/** Campaign attribution; touches and clicks only where the source records them (the sandbox). */
export type MarketingCampaignStats = Omit<CampaignStats, "channel" | "touches" | "clicks"> & {
  channel: string;
  touches?: number;
  clicks?: number;
};

/** What the marketing tools need; the sandbox and vendor adapters (HubSpot, SendGrid) implement it. */
export interface MarketingPort {
  listCampaigns(q: CampaignQuery): Promise<Page<MarketingCampaignRow>>;
  campaignStats(ids?: string[]): Promise<MarketingCampaignStats[]>;
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
  /** The ports of a named connection (`HUBSPOT_ACCESS_TOKEN__EU`…); none = these. */
  using: (connection?: string) => Promise<MarketingPorts>;
}

export const marketingTool = toolsFor<MarketingPorts>();
