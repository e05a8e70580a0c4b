import { isVendorError, type MaybeStale } from "@revops/resilience";
import type { KeyValue } from "@revops/store";
import type { MailDataRequired } from "@sendgrid/mail";
import type { ResilienceSetup } from "../connection";
import { createSendGridSdk, type SendGridConnection, type SendGridSdk } from "./client";
import { type SingleSendOperations, singleSendOperations } from "./single-sends";

export type MailMessage = MailDataRequired;

export interface SendResult {
  /** SendGrid's X-Message-Id, when the send happened in this call or an earlier one with the same key. */
  messageId: string | undefined;
  /** True when an earlier call with the same idempotency key already sent it: nothing was sent now. */
  deduplicated: boolean;
}

export interface SendGridSetup extends ResilienceSetup {
  /** Where idempotency keys live (Redis across replicas). */
  kv: KeyValue;
  /** How long a key blocks a resend; default 7 days. */
  idempotencyTtlMs?: number;
}

export class SendUncertainError extends Error {
  override name = "SendUncertainError";
}

export interface SendGridConnector {
  readonly sdk: SendGridSdk;
  /** Marketing lists, Single Sends (created and scheduled once per key) and their stats. */
  readonly singleSends: SingleSendOperations;
  /** Sends once per idempotency key: a retry with the same key never sends twice. */
  send(message: MailMessage, opts: { idempotencyKey: string }): Promise<SendResult>;
  isSuppressed(email: string): Promise<MaybeStale<boolean>>;
  upsertContacts(
    contacts: { email: string; first_name?: string; last_name?: string }[],
  ): Promise<{ jobId: string }>;
}

interface KeyRecord {
  state: "sending" | "sent" | "uncertain";
  messageId?: string;
}

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

export async function createSendGridConnector(
  connection: SendGridConnection,
  setup: SendGridSetup,
): Promise<SendGridConnector> {
  const sdk = await createSendGridSdk(connection, setup);
  const { runtime, client, mail } = sdk;
  const ttlMs = setup.idempotencyTtlMs ?? WEEK_MS;
  const keyOf = (key: string) => `sendgrid:idem:${connection.id}:${key}`;

  async function get<T>(operation: string, url: string, qs?: Record<string, string | number>): Promise<T> {
    const { value } = await runtime.attempt(operation, () =>
      client.request({ method: "GET", url, ...(qs ? { qs } : {}) }),
    );
    return value[1] as T;
  }

  return {
    sdk,
    singleSends: singleSendOperations(sdk),
    async send(message, { idempotencyKey }) {
      const key = keyOf(idempotencyKey);
      const claimed = await setup.kv.setIfAbsent(
        key,
        JSON.stringify({ state: "sending" } satisfies KeyRecord),
        { ttlMs },
      );
      if (!claimed) {
        const prior = JSON.parse((await setup.kv.get(key)) ?? "{}") as Partial<KeyRecord>;
        if (prior.state === "sent") return { messageId: prior.messageId, deduplicated: true };
        throw new SendUncertainError(
          `An email with idempotency key ${idempotencyKey} ${prior.state === "uncertain" ? "may already have been sent (the connection dropped mid-send)" : "is being sent right now"}; check SendGrid's activity feed before sending it again with a new key.`,
        );
      }
      try {
        const { value } = await runtime.attempt("mail.send", () => mail.send(message), { idempotent: false });
        const messageId = value[0].headers["x-message-id"] as string | undefined;
        await setup.kv.set(key, JSON.stringify({ state: "sent", messageId } satisfies KeyRecord), { ttlMs });
        return { messageId, deduplicated: false };
      } catch (err) {
        // only a refusal SendGrid surely did not act on frees the key for another try
        const refused = isVendorError(err) && err.status !== undefined && err.status < 500;
        if (refused) await setup.kv.del(key);
        else await setup.kv.set(key, JSON.stringify({ state: "uncertain" } satisfies KeyRecord), { ttlMs });
        throw err;
      }
    },
    isSuppressed: (email) =>
      runtime.read(`suppressed:${email.toLowerCase()}`, async () => {
        const global = await get<{ recipient_email?: string }>(
          "suppressions.global.get",
          `/v3/asm/suppressions/global/${encodeURIComponent(email)}`,
        );
        if (global.recipient_email) return true;
        const unsubscribes = await get<{ email: string }[]>(
          "suppressions.unsubscribes.list",
          "/v3/suppression/unsubscribes",
          {
            email,
            limit: 500,
          },
        );
        return unsubscribes.some((u) => u.email.toLowerCase() === email.toLowerCase());
      }),
    async upsertContacts(contacts) {
      const { value } = await runtime.attempt("contacts.upsert", () =>
        client.request({ method: "PUT", url: "/v3/marketing/contacts", body: { contacts } }),
      );
      return { jobId: (value[1] as { job_id: string }).job_id };
    },
  };
}
