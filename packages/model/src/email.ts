import type { WriteOrigin } from "./writes.js";

/** A list member as an email send sees it: where they are and whether they may be mailed. */
export interface EmailRecipient {
  id: string;
  email: string;
  name: string;
  timeZone: string;
  unsubscribed: boolean;
  /** An earlier send to the address hard-bounced. */
  bounced: boolean;
}

export interface EmailAudience {
  listId: string;
  listName: string;
  /** Members on the list now. */
  size: number;
  /** Every member, or (sampled) only the sample the vendor shows, which then drops suppressed ones itself. */
  members: EmailRecipient[];
  sampled: boolean;
}

/** One wave of a send: recipients whose local time allows sending at `sendAt` (UTC ISO). */
export interface EmailWave {
  sendAt: string;
  recipients: { id: string; email: string }[];
}

export interface EmailDraft {
  kind: "test" | "campaign";
  listId: string;
  subject: string;
  body: string;
  /** sha256 of subject and body: a campaign needs a test send of the same content. */
  contentHash: string;
  batchSize: number;
  /** Recipients the plan counted (a vendor sending to a whole list may know only an upper bound). */
  total: number;
  waves: EmailWave[];
  /** The campaign draft this send sends (email_campaign_create), when it sends one. */
  draftId?: string;
}

/** A campaign email drafted for a list and not sent yet: a SendGrid Single Send in draft state, or a sandbox row. */
export interface CampaignDraft {
  id: string;
  listId: string;
  subject: string;
  body: string;
  contentHash: string;
  /** "draft" until a send schedules it. */
  status: string;
  createdAt: string;
}

export type NewCampaignDraft = Pick<CampaignDraft, "listId" | "subject" | "body" | "contentHash"> & {
  /** The content calendar item it was drafted from. */
  contentItemId?: string;
};

export interface EmailSendRecord {
  id: string;
  kind: "test" | "campaign";
  listId: string;
  subject: string;
  contentHash: string;
  sendAt: string;
  recipients: number;
  createdAt: string;
}

/** Engagement counts of one send; rates are left to the caller, with these as denominators. */
export interface EmailSendStats {
  id: string;
  kind: "test" | "campaign";
  subject: string;
  sendAt: string;
  requests: number;
  delivered: number;
  bounces: number;
  opens: number;
  uniqueOpens: number;
  clicks: number;
  uniqueClicks: number;
  unsubscribes: number;
  spamReports: number;
}

/** Where single sends are drafted, sent and measured (sandbox tables or SendGrid). */
export interface EmailPort {
  /** The system sends are written to ("sandbox", "sendgrid"). */
  readonly source: string;
  /** Now on the system's clock (ISO): the sandbox's calendar, or the real one beside a vendor. */
  now(): Promise<string>;
  /** The list and every member, read fresh; undefined when there is no such list. */
  audience(listId: string): Promise<EmailAudience | undefined>;
  /** The latest test send of this content, if any. */
  testSendOf(contentHash: string): Promise<EmailSendRecord | undefined>;
  /** Who campaign emails come from, as the system names the sender. */
  readonly sender: string;
  /** Drafts a campaign email once per origin.idempotencyKey: a retry returns the first draft. */
  createDraft(d: NewCampaignDraft, origin: WriteOrigin): Promise<{ draft: CampaignDraft; created: boolean }>;
  /** A campaign draft read fresh; undefined when there is none. */
  draft(id: string): Promise<CampaignDraft | undefined>;
  /** Sends (or schedules) once per origin.idempotencyKey: a retry returns the first send. */
  send(draft: EmailDraft, origin: WriteOrigin): Promise<{ send: EmailSendRecord; created: boolean }>;
  /** Counts per send, newest first; all sends when ids is unset. */
  stats(ids?: string[], limit?: number): Promise<EmailSendStats[]>;
}
