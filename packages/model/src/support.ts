/** One Help Center article as kb_search and kb_gaps read it. */
export interface KbArticle {
  id: string;
  title: string;
  section: string;
  /** The ticket tags / topics the article is labelled with. */
  labels: string[];
  /** The start of the article's text, plain. */
  snippet: string;
  url: string;
  updatedAt: string;
}

/** Whom a new ticket is for: one of the account's contacts, with the account named. */
export interface TicketRequester {
  /** The contact's id in the system of record (sandbox contact, Zendesk user). */
  id: string;
  name: string;
  email: string;
  timeZone?: string;
  accountId: string;
  accountName: string;
}

/** A ticket to open: its first comment is an internal note or a public message to the requester. */
export interface NewTicket {
  accountId: string;
  requesterId: string;
  subject: string;
  priority: "low" | "normal" | "high" | "urgent";
  tags: string[];
  comment: { visibility: "internal" | "public"; body: string };
}

export interface TicketCreateResult {
  /** Where it was written ("sandbox", "zendesk"). */
  system: string;
  id: string;
  status: string;
  /** The first comment's id, when the system returned it. */
  commentId?: string;
  /** True when an interrupted earlier attempt had already created it (found, not created twice). */
  recovered: boolean;
}

/** One ticket as support analytics read it: when, how it went, and how the customer rated it. */
export interface TicketFact {
  id: string;
  createdAt: string;
  /** The customer's account (Zendesk: organization id; "" without one). */
  accountId: string;
  subject: string;
  status: TicketStatus;
  priority: TicketPriority;
  tags: string[];
  csat: "good" | "bad" | null;
  /** Minutes to the first agent reply (calendar); null before one. */
  firstReplyMinutes: number | null;
  /** Minutes from creation to solved (calendar); null while unsolved. */
  resolutionMinutes: number | null;
}

export interface TicketFacts {
  /** Tickets created in [from, to]. */
  created: TicketFact[];
  /** Tickets unsolved now (new, open, pending), whenever created. */
  backlog: { id: string; createdAt: string; status: TicketStatus; priority: TicketPriority }[];
}

/** A ticket search: tickets_list's filters plus text (subject, CSAT comment, comments), tag and requester. */
export interface TicketSearch {
  text?: string;
  status?: "new" | "open" | "pending" | "solved" | "closed";
  priority?: "low" | "normal" | "high" | "urgent";
  tag?: string;
  accountId?: string;
  /** The requester's email (exact, any case) or part of their name. */
  requester?: string;
  cursor?: string;
  limit?: number;
}

export interface TicketSearchRow {
  id: string;
  subject: string;
  accountId: string;
  accountName: string;
  priority: "low" | "normal" | "high" | "urgent";
  status: "new" | "open" | "pending" | "solved" | "closed";
  tags: string[];
  requesterName: string | null;
  createdAt: string;
  solvedAt: string | null;
  csat: "good" | "bad" | null;
}

export interface TicketComment {
  id: string;
  authorId: string;
  public: boolean;
  body: string;
  createdAt: string;
}

/** One ticket with its conversation, oldest comment first. */
export interface TicketThread extends TicketSearchRow {
  channel: string;
  assigneeId: string | null;
  csatComment: string | null;
  firstResponseMinutes: number | null;
  comments: TicketComment[];
}

export type TicketStatus = "new" | "open" | "pending" | "solved" | "closed";

export type TicketPriority = "low" | "normal" | "high" | "urgent";

export interface AccountSignals {
  accountId: string;
  accountName: string;
  arr: number;
  renewalDate: string | null;
  ownerName: string;
  /** Product events in the last 30 days (days [today-30, today)). */
  usageLast30: number;
  /** Product events in the 30 days before that. */
  usagePrev30: number;
  /** Average daily active users over the last 30 days (rounded; weekends included). */
  activeUsersLast30: number;
  /** Users active at least once in `usageMonth` (null when the account has no usage that month). */
  monthlyActiveUsers: number | null;
  /** `monthlyActiveUsers / seats`, 2 decimals: adoption as the share of paid seats used in the month. */
  monthlyActivesPerSeat: number | null;
  /** The last complete calendar month before the dataset's today (`YYYY-MM`). */
  usageMonth: string;
  seats: number;
  ticketsLast90: number;
  urgentTicketsLast90: number;
  /** Tickets created in the last 90 days rated `bad`. */
  badCsatLast90: number;
  npsAvgLast180: number | null;
  npsResponsesLast180: number;
  /** Segment fields from the account book (absent when a provider does not know them). */
  sizeBand?: string;
  industry?: string;
  /** The plan of the term in force. */
  plan?: string | null;
  ownerId?: string;
  /** The account's creation date in the book. */
  accountCreated?: string;
}

/** Which accounts, and as of which day (default: the dataset's today). */
export interface SignalsQuery {
  accountIds?: string[];
  /** A past day: the same windows ending that day, the term in force then. */
  asOf?: string;
}

export interface TicketRow {
  id: string;
  subject: string;
  accountId: string;
  accountName: string;
  priority: TicketPriority;
  status: TicketStatus;
  channel: string;
  createdAt: string;
  solvedAt: string | null;
  csat: "good" | "bad" | null;
}

export interface TicketQuery {
  status?: TicketStatus;
  priority?: TicketPriority;
  accountId?: string;
  createdFrom?: string;
  createdTo?: string;
  cursor?: string;
  limit?: number;
}

export interface NpsResponseRow {
  id: string;
  accountId: string;
  accountName: string;
  score: number;
  comment: string | null;
  respondedAt: string;
}

/** One ticket as read fresh for a write: what a plan shows as "before". */
export interface TicketDetail {
  id: string;
  subject: string;
  status: TicketStatus;
  priority: TicketPriority;
  assigneeId: string | null;
  tags: string[];
  accountId: string;
  /** Who a public reply goes to; null when the ticket has no requester with an email. */
  requester: { email: string; name: string; timeZone?: string } | null;
}

/** What a ticket update may change; tags are added and removed, so concurrent tag edits both land. */
export interface TicketChanges {
  status?: Exclude<TicketStatus, "new">;
  priority?: TicketPriority;
  assigneeId?: string | null;
  addTags?: string[];
  removeTags?: string[];
  comment?: { visibility: "internal" | "public"; body: string };
}
