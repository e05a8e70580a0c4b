import { isVendorError, type MaybeStale } from "@revops/resilience";
import type { Intercom } from "intercom-client";
import type { ResilienceSetup, VaultTokenSetup } from "../connection";
import { createIntercomSdk, type IntercomConnection, type IntercomSdk } from "./client";
import { sameReplyText } from "./html-text";

export interface IntercomPage<T> {
  results: T[];
  total: number;
  /** Pass as `after` for the next page; absent on the last page. */
  nextCursor?: string;
}

export interface ReplyResult {
  conversation: Intercom.Conversation;
  /** True when an earlier, interrupted attempt had already posted the reply. */
  recovered: boolean;
}

export interface MessageResult {
  /** Intercom's message id, or the conversation's when an interrupted attempt was found. */
  id: string;
  conversationId?: string;
  /** True when an earlier, interrupted attempt had already sent it. */
  recovered: boolean;
}

export interface IntercomConnector {
  readonly sdk: IntercomSdk;
  /** Contacts whose email or name contains `query`. */
  searchContacts(
    query: string,
    opts?: { after?: string; limit?: number },
  ): Promise<MaybeStale<IntercomPage<Intercom.Contact>>>;
  getContact(id: string): Promise<MaybeStale<Intercom.Contact>>;
  /** Every user and lead, cursor paged through contact search (at most 150 a page), with `external_id` and companies. */
  listContacts(opts?: {
    after?: string;
    limit?: number;
  }): Promise<MaybeStale<IntercomPage<Intercom.Contact>>>;
  listConversations(input?: {
    after?: string;
    limit?: number;
  }): Promise<MaybeStale<IntercomPage<Intercom.Conversation>>>;
  /** Conversations matching a search query (`POST /conversations/search`, at most 150 per page). */
  searchConversations(
    query: Intercom.SearchRequest["query"],
    opts?: { after?: string; limit?: number },
  ): Promise<MaybeStale<IntercomPage<Intercom.Conversation>>>;
  /** One numbered page of the workspace's companies (`POST /companies/list`) and how many pages there are. */
  listCompanies(page: number): Promise<MaybeStale<{ results: Intercom.Company[]; totalPages: number }>>;
  /** The companies a contact belongs to (the first page; a contact rarely has more than one). */
  listContactCompanies(contactId: string): Promise<MaybeStale<Intercom.Company[]>>;
  /** Replies as the connection's admin, at most once per key even when a reset hides the outcome. */
  replyToConversation(id: string, body: string, opts: { idempotencyKey: string }): Promise<ReplyResult>;
  /** The contact with exactly this email (any case), if Intercom has one. */
  contactByEmail(email: string): Promise<Intercom.Contact | undefined>;
  /**
   * An admin-initiated email to one contact, at most once per key: it opens a conversation stamped with the
   * message's time, which an ambiguous failure looks up (same contact, author, time and text) before sending again.
   */
  messageOnce(
    contactId: string,
    message: { subject: string; body: string },
    opts: { idempotencyKey: string },
  ): Promise<MessageResult>;
}

interface ListBody {
  total_count?: number;
  pages?: { next?: { starting_after?: string | null } | null };
}

const perPage = (limit: number | undefined) => Math.min(Math.max(1, Math.floor(limit ?? 20)), 150);
/** An SDK page (items plus the raw list body) as a page of ours, with the cursor for the next one. */
function pageOf<T>(page: { data: T[]; response: unknown }): IntercomPage<T> {
  const list = page.response as ListBody;
  const next = list.pages?.next?.starting_after ?? undefined;
  return {
    results: page.data,
    total: list.total_count ?? page.data.length,
    ...(next ? { nextCursor: next } : {}),
  };
}

export async function createIntercomConnector(
  connection: IntercomConnection,
  setup: ResilienceSetup & VaultTokenSetup = {},
): Promise<IntercomConnector> {
  const sdk = await createIntercomSdk(connection, setup);
  const { runtime, client, call } = sdk;
  /** One stamp per logical reply: the marker that finds it again after an ambiguous failure. */
  const stamps = new Map<string, number>();

  async function replyOnce(id: string, body: string, createdAt: number) {
    const adminId = connection.credentials.adminId;
    if (!adminId) throw new Error(`Intercom connection ${connection.id} has no adminId to reply as.`);
    return call(
      "conversations.reply",
      () =>
        client.conversations.reply({
          conversation_id: id,
          body: { message_type: "comment", type: "admin", admin_id: adminId, body, created_at: createdAt },
        }),
      { idempotent: false },
    );
  }

  const adminOf = () => {
    const adminId = connection.credentials.adminId;
    if (!adminId) throw new Error(`Intercom connection ${connection.id} has no adminId to send as.`);
    return adminId;
  };
  /** A reset or timeout leaves it unknown whether Intercom acted: look before trying again. */
  const ambiguous = (err: unknown) =>
    isVendorError(err) && (err.kind === "unavailable" || err.kind === "timeout") && err.status === undefined;
  /** Once per process and key: the same stamp on every attempt, so a lookup can recognise the first one. */
  const stampOf = (key: string) => {
    const at = stamps.get(key) ?? Math.floor(Date.now() / 1000);
    stamps.set(key, at);
    if (stamps.size > 1000) stamps.clear();
    return at;
  };

  async function sendMessage(contactId: string, m: { subject: string; body: string }, createdAt: number) {
    const sent = await call(
      "messages.create",
      () =>
        client.messages.create({
          message_type: "email",
          subject: m.subject,
          body: m.body,
          template: "plain",
          from: { type: "admin", id: Number(adminOf()) },
          to: { type: "user", id: contactId },
          created_at: createdAt,
          create_conversation_without_contact_reply: true,
        }),
      { idempotent: false },
    );
    return { id: sent.id, ...(sent.conversation_id ? { conversationId: sent.conversation_id } : {}) };
  }

  async function sentEarlier(contactId: string, m: { body: string }, createdAt: number) {
    const page = await call("conversations.search", () =>
      client.conversations.search({
        query: {
          operator: "AND",
          value: [
            { field: "contact_ids", operator: "=", value: contactId },
            { field: "created_at", operator: "=", value: String(createdAt) },
          ],
        },
        pagination: { per_page: 20 },
      }),
    );
    return page.data.find((c) => c.source?.author?.id === adminOf() && sameReplyText(c.source?.body, m.body));
  }

  return {
    sdk,
    async contactByEmail(email) {
      const page = await call("contacts.search", () =>
        client.contacts.search({
          query: { field: "email", operator: "=", value: email },
          pagination: { per_page: 5 },
        }),
      );
      return page.data.find((c) => c.email?.toLowerCase() === email.toLowerCase());
    },
    async messageOnce(contactId, m, { idempotencyKey }) {
      const key = `message:${contactId}:${idempotencyKey}`;
      const retried = stamps.has(key);
      const createdAt = stampOf(key);
      // an earlier attempt in this process may have landed: look before sending again
      const earlier = retried ? await sentEarlier(contactId, m, createdAt) : undefined;
      if (earlier) return { id: earlier.id, conversationId: earlier.id, recovered: true };
      try {
        return { ...(await sendMessage(contactId, m, createdAt)), recovered: false };
      } catch (err) {
        if (!ambiguous(err)) throw err;
        const found = await sentEarlier(contactId, m, createdAt);
        if (found) return { id: found.id, conversationId: found.id, recovered: true };
        return { ...(await sendMessage(contactId, m, createdAt)), recovered: false };
      }
    },
    searchContacts: (query, { after, limit } = {}) =>
      runtime.read(`contacts.search:${query}:${after ?? ""}:${limit ?? ""}`, async () => {
        const page = await call("contacts.search", () =>
          client.contacts.search({
            query: {
              operator: "OR",
              value: [
                { field: "email", operator: "~", value: query },
                { field: "name", operator: "~", value: query },
              ],
            },
            pagination: { per_page: perPage(limit), ...(after ? { starting_after: after } : {}) },
          }),
        );
        return pageOf(page);
      }),
    listContacts: ({ after, limit } = {}) =>
      runtime.read(`contacts.people:${after ?? ""}:${limit ?? ""}`, async () => {
        // 2.14 defines no paging for GET /contacts: search pages through every user and lead (a visitor who gave an email)
        const page = await call("contacts.search", () =>
          client.contacts.search({
            query: { field: "role", operator: "IN", value: ["user", "lead"] },
            pagination: { per_page: perPage(limit), ...(after ? { starting_after: after } : {}) },
          }),
        );
        return pageOf(page);
      }),
    getContact: (id) =>
      runtime.read(`contact:${id}`, () =>
        call(
          "contacts.get",
          async () => (await client.contacts.find({ contact_id: id })) as Intercom.Contact,
        ),
      ),
    listConversations: ({ after, limit } = {}) =>
      runtime.read(`conversations:${after ?? ""}:${limit ?? ""}`, async () => {
        const page = await call("conversations.list", () =>
          client.conversations.list({
            per_page: perPage(limit),
            ...(after ? { starting_after: after } : {}),
          }),
        );
        return pageOf(page);
      }),
    searchConversations: (query, { after, limit } = {}) =>
      runtime.read(
        `conversations.search:${JSON.stringify(query)}:${after ?? ""}:${limit ?? ""}`,
        async () => {
          const page = await call("conversations.search", () =>
            client.conversations.search({
              query,
              pagination: { per_page: perPage(limit), ...(after ? { starting_after: after } : {}) },
            }),
          );
          return pageOf(page);
        },
      ),
    listCompanies: (page) =>
      runtime.read(`companies:${page}`, async () => {
        const list = await call("companies.list", () => client.companies.list({ page, per_page: 50 }));
        const pages = (list.response as { pages?: { total_pages?: number } }).pages;
        return { results: list.data, totalPages: pages?.total_pages ?? page };
      }),
    listContactCompanies: (contactId) =>
      runtime.read(`contact.companies:${contactId}`, async () => {
        const page = await call("contacts.companies", () =>
          // no paging parameters: the 2.14 contract defines none for this endpoint
          client.contacts.listAttachedCompanies({ contact_id: contactId }),
        );
        return page.data;
      }),
    async replyToConversation(id, body, { idempotencyKey }) {
      const key = `${id}:${idempotencyKey}`;
      const createdAt = stamps.get(key) ?? Math.floor(Date.now() / 1000);
      stamps.set(key, createdAt);
      try {
        return { conversation: await replyOnce(id, body, createdAt), recovered: false };
      } catch (err) {
        // a reset or timeout leaves it unknown whether Intercom stored the reply: look before trying again
        if (!ambiguous(err)) throw err;
        const conversation = await call("conversations.get", () =>
          client.conversations.find({ conversation_id: id }),
        );
        const landed = conversation.conversation_parts?.conversation_parts?.some(
          (p) =>
            sameReplyText(p.body, body) &&
            p.created_at === createdAt &&
            p.author?.id === connection.credentials.adminId,
        );
        if (landed) return { conversation, recovered: true };
        return { conversation: await replyOnce(id, body, createdAt), recovered: false };
      } finally {
        if (stamps.size > 1000) stamps.clear();
      }
    },
  };
}
