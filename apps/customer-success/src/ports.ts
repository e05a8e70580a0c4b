import { toolsFor } from "@revops/kit";
import type { AccountSignals, NpsResponseRow, Page, TicketQuery, TicketRow } from "@revops/sandbox";

/** What the customer-success tools need; the sandbox and vendor adapters (Zendesk, Intercom, Mixpanel) implement it. */
export interface SupportPort {
  accountSignals(q?: { accountIds?: string[] }): Promise<AccountSignals[]>;
  listTickets(q: TicketQuery): Promise<Page<TicketRow>>;
  npsResponses(q: { from?: string; to?: string; accountId?: string }): Promise<NpsResponseRow[]>;
  searchAccounts(prefix: string, limit: number): Promise<{ id: string; name: string }[]>;
}

export interface CsPorts {
  support: SupportPort;
  today: () => Promise<string>;
  source: string;
  /** The ports of a named connection (`ZENDESK_API_TOKEN__EU`…); none = these. */
  using: (connection?: string) => Promise<CsPorts>;
}

export const csTool = toolsFor<CsPorts>();
