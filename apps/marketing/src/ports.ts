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

/** A contact list: static lists are edited by hand or by tools, dynamic (active) ones only by their filters. */
export interface ContactList {
  id: string;
  name: string;
  kind: "static" | "dynamic";
  /** Members now (as the system of record counts them). */
  size: number;
}

/** A contact as list tools show it; unsubscribed contacts may not be added to lists. */
export interface ListContact {
  id: string;
  name: string;
  email: string;
  unsubscribed: boolean;
}

/** What a membership write did: ids added, ids removed, and ids the system ignored (unknown or no change). */
export interface ListMembersResult {
  added: string[];
  removed: string[];
  ignored: string[];
}

/** Who writes, under which confirmed plan (journalled by the sandbox, a retry key for vendors). */
export interface WriteOrigin {
  principal: string;
  planHash?: string;
  idempotencyKey?: string;
}

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
  /** The list, read fresh from the system of record (never a cached copy); undefined when there is none. */
  getList(id: string): Promise<ContactList | undefined>;
  /** Contacts by id or email (case-insensitive), read fresh; refs that match nothing are left out. */
  findContacts(refs: string[]): Promise<ListContact[]>;
  /** Which of the given contacts are members of the list now, read fresh. */
  listMembership(listId: string, contactIds: string[]): Promise<string[]>;
  /** Adds and removes members of a static list; each change happens once even when retried. */
  updateListMembers(
    listId: string,
    change: { add: string[]; remove: string[] },
    origin: WriteOrigin,
  ): Promise<ListMembersResult>;
}

export interface MarketingPorts {
  marketing: MarketingPort;
  today: () => Promise<string>;
  source: string;
  /** The ports of a named connection (`HUBSPOT_ACCESS_TOKEN__EU`…); none = these. */
  using: (connection?: string) => Promise<MarketingPorts>;
}

export const marketingTool = toolsFor<MarketingPorts>();
