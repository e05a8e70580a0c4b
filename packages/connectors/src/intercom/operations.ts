import { isVendorError, type MaybeStale } from "@revops/resilience";
import type { Intercom } from "intercom-client";
import type { ResilienceSetup } from "../connection";
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

export interface IntercomConnector {
  readonly sdk: IntercomSdk;
  /** Contacts whose email or name contains `query`. */
  searchContacts(
    query: string,
    opts?: { after?: string; limit?: number },
  ): Promise<MaybeStale<IntercomPage<Intercom.Contact>>>;
  getContact(id: string): Promise<MaybeStale<Intercom.Contact>>;
  listConversations(input?: {
    after?: string;
    limit?: number;
  }): Promise<MaybeStale<IntercomPage<Intercom.Conversation>>>;
  /** Conversations matching a search query (`POST /conversations/search`, at most 150 per page). */
  searchConversations(
    query: Intercom.SearchRequest["query"],
    opts?: { after?: string; limit?: number },
  ): Promise<MaybeStale<IntercomPage<Intercom.Conversation>>>;
  /** The companies a contact belongs to (the first page; a contact rarely has more than one). */
  listContactCompanies(contactId: string): Promise<MaybeStale<Intercom.Company[]>>;
  /** Replies as the connection's admin, at most once per key even when a reset hides the outcome. */
  replyToConversation(id: string, body: string, opts: { idempotencyKey: string }): Promise<ReplyResult>;
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
  setup: ResilienceSetup = {},
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

  return {
    sdk,
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
        const ambiguous =
          isVendorError(err) &&
          (err.kind === "unavailable" || err.kind === "timeout") &&
          err.status === undefined;
        if (!ambiguous) throw err;
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
