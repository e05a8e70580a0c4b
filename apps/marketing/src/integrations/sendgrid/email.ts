import type { SendGridConnector, SingleSendSummary } from "@revops/connectors";
import { userError } from "@revops/kit";
import { emailContentHash } from "../../domain/email-content";
import type {
  CampaignDraft,
  EmailDraft,
  EmailPort,
  EmailSendRecord,
  EmailSendStats,
  NewCampaignDraft,
  WriteOrigin,
} from "../../ports";

export interface SendGridEmailOptions {
  /** Verified sender address of test sends (mail send needs one). */
  fromEmail: string;
  senderId?: number;
  unsubscribeGroupId?: number;
  now: () => Promise<string>;
}

/** Test sends are kept at SendGrid as draft Single Sends named after the content they vouch for. */
const testName = (contentHash: string) => `revops test ${contentHash.slice(0, 16)}`;
const MARKER = /\s*\[revops:[0-9a-f]{16}\]$/;

function toRecord(s: SingleSendSummary, draft?: EmailDraft, recipients = 0): EmailSendRecord {
  const isTest = s.name.startsWith("revops test ");
  return {
    id: s.id,
    kind: isTest ? "test" : "campaign",
    listId: draft?.listId ?? "",
    subject: draft?.subject ?? s.name.replace(MARKER, ""),
    contentHash: draft?.contentHash ?? (isTest ? s.name.slice(12, 28) : ""),
    sendAt: s.sendAt ?? s.createdAt,
    recipients,
    createdAt: s.createdAt,
  };
}

/** Single sends at SendGrid: its lists, Single Sends scheduled once per idempotency key, and its stats API. */
export class SendGridEmail implements EmailPort {
  readonly source = "sendgrid";
  constructor(
    private readonly sg: SendGridConnector,
    private readonly opts: SendGridEmailOptions,
  ) {}

  now(): Promise<string> {
    return this.opts.now();
  }

  get sender(): string {
    return this.opts.senderId !== undefined
      ? `SendGrid verified sender ${this.opts.senderId}`
      : "SendGrid's default sender (set SENDGRID_SENDER_ID to choose one)";
  }

  private get senderFields() {
    return {
      ...(this.opts.senderId !== undefined && { senderId: this.opts.senderId }),
      ...(this.opts.unsubscribeGroupId !== undefined && { suppressionGroupId: this.opts.unsubscribeGroupId }),
    };
  }

  /** A draft Single Send, named after its subject and the key's marker, so a lost answer is found before a retry. */
  async createDraft(
    d: NewCampaignDraft,
    origin: WriteOrigin,
  ): Promise<{ draft: CampaignDraft; created: boolean }> {
    const key = origin.idempotencyKey ?? `${d.contentHash}:draft`;
    const { send, created } = await this.sg.singleSends.sendOnce(
      { name: d.subject, subject: d.subject, html: d.body, listIds: [d.listId], ...this.senderFields },
      null,
      key,
    );
    const draft = { ...d, id: send.id, status: send.status, createdAt: send.createdAt };
    return { draft, created };
  }

  async draft(id: string): Promise<CampaignDraft | undefined> {
    const s = await this.sg.singleSends.getSingleSend(id);
    if (!s) return undefined;
    return {
      id: s.id,
      listId: s.listIds[0] ?? "",
      subject: s.subject,
      body: s.html,
      contentHash: emailContentHash(s.subject, s.html),
      status: s.status,
      createdAt: s.createdAt,
    };
  }

  async audience(listId: string) {
    const list = await this.sg.singleSends.getList(listId);
    if (!list) return undefined;
    const members = [];
    for (const email of list.sample) {
      const suppressed = await this.sg.isSuppressed(email);
      // SendGrid contacts carry no time zone: the guard's default zone stands in ("" falls back to it)
      members.push({
        id: email,
        email,
        name: email,
        timeZone: "",
        unsubscribed: suppressed.value,
        bounced: false,
      });
    }
    return { listId: list.id, listName: list.name, size: list.contactCount, sampled: true, members };
  }

  async testSendOf(contentHash: string): Promise<EmailSendRecord | undefined> {
    const found = await this.sg.singleSends.searchSingleSends(testName(contentHash));
    const hit = found.find((s) => s.name.startsWith(testName(contentHash)));
    return hit ? toRecord(hit) : undefined;
  }

  async send(draft: EmailDraft, origin: WriteOrigin): Promise<{ send: EmailSendRecord; created: boolean }> {
    const key = origin.idempotencyKey ?? `${draft.contentHash}:${draft.kind}`;
    const base = { subject: draft.subject, html: draft.body, listIds: [draft.listId] };
    const sender = this.senderFields;
    if (draft.kind === "test") {
      const to = draft.waves.flatMap((w) => w.recipients.map((r) => r.email));
      const mailed = await this.sg.send(
        { to, from: this.opts.fromEmail, subject: `[Test] ${draft.subject}`, html: draft.body },
        { idempotencyKey: `${key}:mail` },
      );
      const { send } = await this.sg.singleSends.sendOnce(
        { ...base, ...sender, name: testName(draft.contentHash) },
        null,
        key,
      );
      return { send: toRecord(send, draft, to.length), created: !mailed.deduplicated };
    }
    if (draft.waves.length !== 1)
      throw userError(
        `SendGrid schedules a Single Send at one time, but these recipients need ${draft.waves.length} (quiet hours in their time zones).`,
        { fields: ["list_id"], hint: "Send to a list whose members share a region." },
      );
    const wave = draft.waves[0] as EmailDraft["waves"][number];
    if (draft.draftId) {
      // the created draft is the Single Send: scheduling it once is the send
      const scheduled = await this.sg.singleSends.scheduleDraftOnce(draft.draftId, wave.sendAt);
      if (!scheduled)
        throw userError(`There is no Single Send ${draft.draftId} at SendGrid any more.`, {
          fields: ["draft_id"],
          hint: "Create the draft again with email_campaign_create.",
        });
      return { send: toRecord(scheduled.send, draft, draft.total), created: scheduled.created };
    }
    const { send, created } = await this.sg.singleSends.sendOnce(
      { ...base, ...sender, name: draft.subject },
      wave.sendAt,
      key,
    );
    return { send: toRecord(send, draft, draft.total), created };
  }

  async stats(ids?: string[], limit = 20): Promise<EmailSendStats[]> {
    const sends = ids
      ? ids.map((id) => ({ id, name: id, status: "", sendAt: null, createdAt: "" }) as SingleSendSummary)
      : (await this.sg.singleSends.searchSingleSends("revops")).slice(0, limit);
    const out: EmailSendStats[] = [];
    for (const s of sends) {
      const m = await this.sg.singleSends.stats(s.id);
      if (!m) continue;
      const r = toRecord(s);
      out.push({
        id: s.id,
        kind: r.kind,
        subject: r.subject,
        sendAt: r.sendAt,
        requests: m.requests,
        delivered: m.delivered,
        bounces: m.bounces,
        opens: m.opens,
        uniqueOpens: m.unique_opens,
        clicks: m.clicks,
        uniqueClicks: m.unique_clicks,
        unsubscribes: m.unsubscribes,
        spamReports: m.spam_reports,
      });
    }
    return out;
  }
}
