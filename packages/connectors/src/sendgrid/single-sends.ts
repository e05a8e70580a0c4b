import { createHash } from "node:crypto";
import { writeOnce } from "@revops/resilience";
import type { SendGridSdk } from "./client";

export interface SendGridList {
  id: string;
  name: string;
  contactCount: number;
  /** The address(es) SendGrid shows as the list's contact sample. */
  sample: string[];
}

export interface SingleSendSummary {
  id: string;
  name: string;
  status: string;
  sendAt: string | null;
  createdAt: string;
}

export interface SingleSendDraft {
  name: string;
  subject: string;
  html: string;
  listIds: string[];
  senderId?: number;
  suppressionGroupId?: number;
}

/** A Single Send read by id: who it goes to and its content. */
export interface SingleSendDetail extends SingleSendSummary {
  listIds: string[];
  subject: string;
  html: string;
}

/** SendGrid's per-send counters (GET /v3/marketing/stats/singlesends/{id}, aggregated "total"). */
export type SingleSendMetrics = Record<
  | "bounce_drops"
  | "bounces"
  | "clicks"
  | "delivered"
  | "invalid_emails"
  | "opens"
  | "requests"
  | "spam_report_drops"
  | "spam_reports"
  | "unique_clicks"
  | "unique_opens"
  | "unsubscribes",
  number
>;

/** The marker a Single Send's name carries, so a send whose answer was lost is found by its idempotency key. */
export const singleSendMarker = (idempotencyKey: string) =>
  `[revops:${createHash("sha256").update(idempotencyKey).digest("hex").slice(0, 16)}]`;

interface RawShort {
  id: string;
  name: string;
  status: string;
  send_at?: string | null;
  created_at?: string;
}

const toSummary = (s: RawShort): SingleSendSummary => ({
  id: s.id,
  name: s.name,
  status: s.status,
  sendAt: s.send_at ?? null,
  createdAt: s.created_at ?? "",
});

/** Marketing lists, Single Sends and their stats through the SDK's client, each call under the resilience policy. */
export function singleSendOperations(sdk: SendGridSdk) {
  const { runtime, client } = sdk;
  const request = async <T>(
    operation: string,
    req: { method: "GET" | "POST" | "PUT"; url: string; body?: unknown; qs?: Record<string, string> },
    idempotent = true,
  ): Promise<T> => {
    const { value } = await runtime.attempt(operation, () => client.request(req as never), { idempotent });
    return value[1] as T;
  };

  const search = async (name: string): Promise<SingleSendSummary[]> => {
    const r = await request<{ result?: RawShort[] }>("singlesends.search", {
      method: "POST",
      url: "/v3/marketing/singlesends/search",
      body: { name },
    });
    return (r.result ?? []).map(toSummary);
  };

  const getSingleSend = async (id: string): Promise<SingleSendDetail | undefined> => {
    try {
      const r = await request<
        RawShort & {
          send_to?: { list_ids?: string[] };
          email_config?: { subject?: string; html_content?: string };
        }
      >("singlesends.get", { method: "GET", url: `/v3/marketing/singlesends/${encodeURIComponent(id)}` });
      return {
        ...toSummary(r),
        listIds: r.send_to?.list_ids ?? [],
        subject: r.email_config?.subject ?? "",
        html: r.email_config?.html_content ?? "",
      };
    } catch (err) {
      if ((err as { status?: number }).status === 404) return undefined;
      throw err;
    }
  };

  const schedule = async (made: SingleSendSummary, sendAt: string): Promise<SingleSendSummary> => {
    // scheduling the same send twice sets the same time: safe to retry
    const scheduled = await request<{ send_at: string; status: string }>("singlesends.schedule", {
      method: "PUT",
      url: `/v3/marketing/singlesends/${encodeURIComponent(made.id)}/schedule`,
      body: { send_at: sendAt },
    });
    return { ...made, status: scheduled.status, sendAt: scheduled.send_at };
  };

  return {
    getSingleSend,

    /** Schedules a draft Single Send once: one no longer a draft was scheduled before and is left as it is. */
    async scheduleDraftOnce(
      id: string,
      sendAt: string,
    ): Promise<{ send: SingleSendSummary; created: boolean } | undefined> {
      const found = await getSingleSend(id);
      if (!found) return undefined;
      if (found.status !== "draft") return { send: found, created: false };
      return { send: await schedule(found, sendAt), created: true };
    },

    async getList(id: string): Promise<SendGridList | undefined> {
      try {
        const l = await request<{
          id: string;
          name: string;
          contact_count?: number;
          contact_sample?: { email: string }[];
        }>("lists.get", {
          method: "GET",
          url: `/v3/marketing/lists/${encodeURIComponent(id)}`,
          qs: { contact_sample: "true" },
        });
        return {
          id: l.id,
          name: l.name,
          contactCount: l.contact_count ?? 0,
          // the spec's sample is one contact; some answers carry several
          sample: [l.contact_sample ?? []].flat().map((c) => c.email),
        };
      } catch (err) {
        if ((err as { status?: number }).status === 404) return undefined;
        throw err;
      }
    },

    searchSingleSends: search,

    /**
     * Creates the Single Send and schedules it, once per idempotency key: after an
     * ambiguous failure it is looked up by the marker in its name before anything is created again.
     */
    async sendOnce(
      draft: SingleSendDraft,
      /** "now" or ISO; null keeps it a draft (the record of a test send). */
      sendAt: string | null,
      idempotencyKey: string,
    ): Promise<{ send: SingleSendSummary; created: boolean }> {
      const marker = singleSendMarker(idempotencyKey);
      const find = async () => (await search(marker)).find((s) => s.name.endsWith(marker));
      const prior = await find();
      const name = `${draft.name.slice(0, 99 - marker.length)} ${marker}`;
      const { value: made, recovered } = prior
        ? { value: prior, recovered: true }
        : await writeOnce({
            write: async () =>
              toSummary(
                await request<RawShort>(
                  "singlesends.create",
                  {
                    method: "POST",
                    url: "/v3/marketing/singlesends",
                    body: {
                      name,
                      send_to: { list_ids: draft.listIds },
                      email_config: {
                        subject: draft.subject,
                        html_content: draft.html,
                        ...(draft.senderId !== undefined && { sender_id: draft.senderId }),
                        ...(draft.suppressionGroupId !== undefined && {
                          suppression_group_id: draft.suppressionGroupId,
                        }),
                      },
                    },
                  },
                  false,
                ),
              ),
            lookup: find,
          });
      if (made.status !== "draft" || sendAt === null) return { send: made, created: !recovered };
      return { send: await schedule(made, sendAt), created: !recovered };
    },

    async stats(id: string): Promise<SingleSendMetrics | undefined> {
      const r = await request<{ results?: { stats?: SingleSendMetrics; aggregation?: string }[] }>(
        "stats.singlesend",
        {
          method: "GET",
          url: `/v3/marketing/stats/singlesends/${encodeURIComponent(id)}`,
          qs: { aggregated_by: "total" },
        },
      );
      return r.results?.[0]?.stats;
    },
  };
}

export type SingleSendOperations = ReturnType<typeof singleSendOperations>;
