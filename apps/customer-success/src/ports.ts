import { toolsFor } from "@revops/kit";
import type {
  AccountSignals,
  NpsResponseRow,
  Page,
  TicketPriority,
  TicketQuery,
  TicketRow,
  TicketStatus,
} from "@revops/sandbox";

/** One ticket read fresh from the system of record: what a write's plan shows as "before". */
export interface TicketDetail {
  id: string;
  subject: string;
  status: TicketStatus;
  priority: TicketPriority;
  /** The provider's user id (sandbox usr_…, Zendesk numeric), null when unassigned. */
  assigneeId: string | null;
  tags: string[];
  accountId: string;
  /** Who a public reply goes to; null when the ticket has no requester with an email. */
  requester: { email: string; name: string; timeZone?: string } | null;
}

export type TicketCommentVisibility = "internal" | "public";

/** What ticket_update may change; tags are added and removed (never replaced), so concurrent tag edits both land. */
export interface TicketChanges {
  status?: Exclude<TicketStatus, "new">;
  priority?: TicketPriority;
  assigneeId?: string | null;
  addTags?: string[];
  removeTags?: string[];
  /** An internal note, or a public reply that the requester receives. */
  comment?: { visibility: TicketCommentVisibility; body: string };
}

/** Who writes, under which confirmed plan, and the key that makes a vendor write happen once. */
export interface TicketWriteOrigin {
  principal: string;
  planHash?: string;
  idempotencyKey?: string;
}

export interface TicketUpdateResult {
  /** Where it was written ("sandbox", "zendesk"): the audit record names it with the ticket id. */
  system: string;
  ticket: TicketDetail;
  /** The comment's id in the system of record, when one was added. */
  commentId?: string;
  /** True when an interrupted earlier attempt had already applied it (looked up, not written again). */
  recovered: boolean;
}

/**
 * A refused ticket write (closed ticket, unknown id, invalid value), from any provider. Matched by name:
 * the sandbox throws its own class of the same shape.
 */
export class TicketWriteError extends Error {
  constructor(
    readonly code: "closed" | "not_found" | "invalid",
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "TicketWriteError";
  }
}

export function isTicketWriteError(err: unknown): err is TicketWriteError {
  return err instanceof Error && err.name === "TicketWriteError" && "code" in err;
}

/** NPS counts over a range and the newest detractor comments: `nps_summary`'s figures, aggregated at the source. */
export interface NpsStats {
  responses: number;
  /** Scores 9–10. */
  promoters: number;
  passives: number;
  /** Scores 0–6. */
  detractors: number;
  /** Detractor responses with a non-empty comment, newest first, at most `comments` of them. */
  detractorComments: NpsResponseRow[];
}

export interface NpsQuery {
  from?: string;
  to?: string;
  accountId?: string;
  /** How many detractor comments to return. */
  comments: number;
}

/** What the customer-success tools need; the sandbox and vendor adapters (Zendesk, Intercom, Mixpanel) implement it. */
export interface SupportPort {
  accountSignals(q?: { accountIds?: string[] }): Promise<AccountSignals[]>;
  listTickets(q: TicketQuery): Promise<Page<TicketRow>>;
  npsResponses(q: { from?: string; to?: string; accountId?: string }): Promise<NpsResponseRow[]>;
  /** What `npsResponses` over the same range adds up to (vendors compute it from their responses). */
  npsStats(q: NpsQuery): Promise<NpsStats>;
  searchAccounts(prefix: string, limit: number): Promise<{ id: string; name: string }[]>;
  /** Fresh from the system of record, never a cached copy; undefined when there is no such ticket. */
  getTicket(id: string): Promise<TicketDetail | undefined>;
  /** Applies the changes and the comment once; a closed ticket is refused with TicketWriteError "closed". */
  updateTicket(id: string, changes: TicketChanges, origin: TicketWriteOrigin): Promise<TicketUpdateResult>;
}

export interface CsPorts {
  support: SupportPort;
  today: () => Promise<string>;
  source: string;
  /** The ports of a named connection (`ZENDESK_API_TOKEN__EU`…); none = these. */
  using: (connection?: string) => Promise<CsPorts>;
}

export const csTool = toolsFor<CsPorts>();
