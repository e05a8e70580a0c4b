import { toolsFor } from "@revops/kit";

import type { AccountDetail, DealQuery, DealRow, Page } from "@revops/sandbox";

/** What the sales tools need from a CRM; the sandbox and the vendor adapters implement it. */
export interface CrmPort {
  listDeals(q: DealQuery): Promise<Page<DealRow>>;
  dealsClosingBetween(from: string, to: string, owner?: string): Promise<DealRow[]>;
  dealStageHistory(
    dealIds: string[],
  ): Promise<{ dealId: string; fromStage: string | null; toStage: string; changedAt: string }[]>;
  getAccount(id: string): Promise<AccountDetail | undefined>;
  searchAccounts(prefix: string, limit: number): Promise<{ id: string; name: string }[]>;
  listOwners(): Promise<{ id: string; name: string; email: string; region: string }[]>;
}

export interface SalesPorts {
  crm: CrmPort;
  /** The day "today" is for analytics (the sandbox's fixed date, or the real date). */
  today: () => Promise<string>;
  source: string;
}

/** defineTool for this server: handlers get typed ports. */
export const salesTool = toolsFor<SalesPorts>();
