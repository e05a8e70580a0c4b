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

/** Company data an enrichment vendor knows for a domain; every field checked before it is shown. */
export interface Firmographics {
  industry: string | null;
  employees: number | null;
  /** USD per year. */
  annualRevenue: number | null;
  foundedYear: number | null;
  /** An https LinkedIn page, or null. */
  linkedinUrl: string | null;
  source: "apollo";
}

/** Firmographics, or a note saying why there are none (or how old they are). Never throws. */
export interface EnrichmentPort {
  firmographics(domain: string): Promise<{ firmographics?: Firmographics; note?: string }>;
}

export interface SalesPorts {
  crm: CrmPort;
  /** Present when SALES_ENRICHMENT names a vendor. */
  enrichment?: EnrichmentPort;
  /** The day "today" is for analytics (the sandbox's fixed date, or the real date). */
  today: () => Promise<string>;
  source: string;
  /** The ports of a named connection (`SALES_CRM__EU`, `HUBSPOT_ACCESS_TOKEN__EU`…); none = these. */
  using: (connection?: string) => Promise<SalesPorts>;
}

/** defineTool for this server: handlers get typed ports. */
export const salesTool = toolsFor<SalesPorts>();
