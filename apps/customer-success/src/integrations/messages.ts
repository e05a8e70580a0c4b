import { userError } from "@revops/kit";
import type { SizeBand, SurveyAnswer } from "@revops/model";
import type {
  AnswerPage,
  MessageChannel,
  MessageSent,
  MessagingPort,
  OutboundMessage,
  TicketWriteOrigin,
} from "../ports";
import type { SurveyLinks } from "../survey/links";
import type { SandboxMessages } from "./sandbox/messages";

/** Delivers one confirmed send through a vendor, once per idempotency key; returns the vendor's id for it. */
export interface Deliverer {
  system: string;
  deliver(
    m: OutboundMessage,
    messageId: string,
    idempotencyKey: string,
  ): Promise<{ vendorId?: string; deduplicated?: boolean }>;
  /** Addresses the vendor itself refuses. */
  suppressed?(emails: readonly string[]): Promise<string[]>;
}

export interface MessagingSources {
  /** The account book's contacts and the log of sends (our database). */
  book: SandboxMessages;
  defaultChannel: MessageChannel;
  /** Per channel: a vendor, "sandbox" (recorded, nothing delivered), or why it cannot send. */
  channels: Record<MessageChannel, Deliverer | "sandbox" | { unavailable: string; fix: string }>;
  /** Where answer links point, resolved at send time (the HTTP address is known only once the server listens). */
  answerPage: () => AnswerPage | undefined;
  /** Signs and checks our page's links (its key is made or read on first use). */
  surveyLinks: () => Promise<SurveyLinks>;
  surveyLinkDays: number;
  now: () => Promise<string>;
  messageIdOf: (idempotencyKey: string) => string;
}

/** Contacts and the send log from our database; delivery by the channel's vendor, logged after it (both keyed). */
export class CsMessaging implements MessagingPort {
  constructor(private readonly s: MessagingSources) {}

  get defaultChannel() {
    return this.s.defaultChannel;
  }
  answerPage() {
    return this.s.answerPage();
  }
  surveyLinks() {
    return this.s.surveyLinks();
  }
  get surveyLinkDays() {
    return this.s.surveyLinkDays;
  }
  recordAnswer(a: SurveyAnswer, origin: TicketWriteOrigin) {
    return this.s.book.recordAnswer(a, origin);
  }
  csatStats(q: { from: string; to: string }) {
    return this.s.book.csatStats(q);
  }
  now() {
    return this.s.now();
  }

  private channel(c: MessageChannel): Deliverer | "sandbox" {
    const d = this.s.channels[c];
    if (typeof d === "object" && "unavailable" in d)
      throw userError(`channel: ${c} cannot send here: ${d.unavailable}`, {
        fields: ["channel"],
        hint: d.fix,
      });
    return d;
  }

  idOf(idempotencyKey: string): string {
    return this.s.messageIdOf(idempotencyKey);
  }

  systemOf(c: MessageChannel): string {
    const d = this.channel(c);
    return d === "sandbox" ? "sandbox" : d.system;
  }

  contactsByEmail(emails: readonly string[]) {
    return this.s.book.contactsByEmail(emails);
  }
  customerContacts(q: { accountIds?: readonly string[]; sizeBand?: SizeBand }) {
    return this.s.book.customerContacts(q);
  }
  surveyedSince(since: string) {
    return this.s.book.surveyedSince(since);
  }

  async suppressed(c: MessageChannel, emails: readonly string[]): Promise<string[]> {
    const d = this.channel(c);
    return d === "sandbox" || !d.suppressed ? [] : d.suppressed(emails);
  }

  async send(
    m: OutboundMessage,
    origin: TicketWriteOrigin & { idempotencyKey: string },
  ): Promise<MessageSent> {
    const d = this.channel(m.channel);
    const system = d === "sandbox" ? "sandbox" : d.system;
    // logged after delivery: a logged send was delivered, and is not delivered again
    const had = await this.s.book.logged(origin.idempotencyKey);
    if (had) return { system, id: had.vendorId ?? had.id, created: false, recipients: had.recipients };
    // the vendor's own once-per-key lookup makes a retry after a lost answer deliver nothing twice
    const { vendorId, deduplicated } =
      d === "sandbox"
        ? {}
        : await d.deliver(m, this.s.messageIdOf(origin.idempotencyKey), origin.idempotencyKey);
    const logged = await this.s.book.log(m, origin, { system, ...(vendorId ? { vendorId } : {}) });
    return {
      system,
      id: vendorId ?? logged.id,
      created: logged.created && !deduplicated,
      recipients: logged.recipients,
    };
  }
}
