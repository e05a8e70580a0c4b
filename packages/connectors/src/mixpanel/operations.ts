import { createHash } from "node:crypto";
import { HttpError, type MaybeStale } from "@revops/resilience";
import type { ResilienceSetup } from "../connection";
import { createMixpanelSdk, type MixpanelConnection, type MixpanelSdk } from "./client";

export interface ImportEvent {
  event: string;
  distinctId: string;
  /** When it happened (Mixpanel keeps milliseconds). */
  time: Date | number;
  properties?: Record<string, unknown>;
  /** Mixpanel's de-duplication id; derived from the idempotency key and position when absent. */
  insertId?: string;
}

export interface ImportResult {
  imported: number;
  /** HTTP requests that succeeded (50 events each, the client's batch size). */
  batches: number;
}

export interface ExportedEvent {
  event: string;
  properties: Record<string, unknown>;
}

export interface ExportQuery {
  /** First and last day (yyyy-mm-dd, inclusive, UTC for projects created after 2023). */
  from: string;
  to: string;
  event?: string | string[];
  /** Mixpanel segmentation expression, e.g. `defined(properties["account_id"])`. */
  where?: string;
  /** Most events returned (Mixpanel allows at most 100,000). */
  limit?: number;
}

/** A group profile: the group key's value (`$distinct_id`) and the properties asked for. */
export interface GroupProfile {
  key: string;
  properties: Record<string, unknown>;
}

export interface GroupProfilesQuery {
  /** The group key's id (Project Settings → Group Keys). */
  dataGroupId: string;
  /** Only these properties (Mixpanel answers much faster); every property when absent. */
  properties?: string[];
}

interface EngagePage {
  page: number;
  page_size: number;
  session_id: string;
  results: { $distinct_id: string | number; $properties?: Record<string, unknown> }[];
}

/** Mixpanel's own cap on `limit` for one export. */
export const MIXPANEL_EXPORT_MAX_EVENTS = 100_000;

export interface MixpanelConnector {
  readonly sdk: MixpanelSdk;
  /** Imports through /import; every event carries a `$insert_id`, so a retried batch is de-duplicated. */
  importEvents(events: ImportEvent[], opts: { idempotencyKey: string }): Promise<ImportResult>;
  /** Raw events of a day range (yyyy-mm-dd, inclusive) through /api/2.0/export: 60/hour, 3 at a time. */
  exportEvents(input: ExportQuery): Promise<MaybeStale<ExportedEvent[]>>;
  /**
   * One export reduced by `summarize`; only the summary is cached for stale reads (raw events can be
   * large). `truncated` is true when the export returned `limit` events, so more may exist.
   */
  summarizeExport<T>(
    input: ExportQuery,
    summary: { name: string; summarize: (events: ExportedEvent[], truncated: boolean) => T },
  ): Promise<MaybeStale<T>>;
  /**
   * Every profile of a group key through the Query API's `POST /api/query/engage`, a page (1,000) per request
   * on the first page's session_id; each page counts against the Query API's 60 an hour.
   */
  groupProfiles(input: GroupProfilesQuery): Promise<MaybeStale<GroupProfile[]>>;
}

/** The client's own batch size (it sends bigger lists as concurrent requests, which the policy forbids). */
export const MIXPANEL_BATCH_SIZE = 50;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Mixpanel `$insert_id`: at most 36 characters of [A-Za-z0-9-]. */
export function mixpanelInsertId(idempotencyKey: string, index: number): string {
  return createHash("sha256").update(`${idempotencyKey}\n${index}`).digest("hex").slice(0, 32);
}

function importBatch(sdk: MixpanelSdk, batch: { event: string; properties: Record<string, unknown> }[]) {
  return new Promise<number>((resolve, reject) => {
    sdk.client.import_batch(batch, ((
      errors: Error[] | null,
      results?: { num_records_imported?: number }[],
    ) => {
      if (errors?.length) reject(errors[0]);
      else resolve(results?.reduce((n, r) => n + (r?.num_records_imported ?? 0), 0) ?? batch.length);
    }) as never);
  });
}

function exportNames(event: ExportQuery["event"]): string[] | undefined {
  return event === undefined ? undefined : Array.isArray(event) ? event : [event];
}

function exportKey({ from, to, event, where, limit }: ExportQuery): string {
  return [from, to, exportNames(event)?.join(",") ?? "", where ?? "", limit ?? ""].join(":");
}

export async function createMixpanelConnector(
  connection: MixpanelConnection,
  setup: ResilienceSetup = {},
): Promise<MixpanelConnector> {
  const sdk = await createMixpanelSdk(connection, setup);
  const { runtime } = sdk;

  async function fetchExport({ from, to, event, where, limit }: ExportQuery): Promise<ExportedEvent[]> {
    if (!DAY.test(from) || !DAY.test(to)) throw new RangeError("from and to must be yyyy-mm-dd days");
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0 && limit <= MIXPANEL_EXPORT_MAX_EVENTS))
      throw new RangeError(`limit must be an integer in 1..${MIXPANEL_EXPORT_MAX_EVENTS}`);
    const names = exportNames(event);
    const { value } = await runtime.attempt("export.events", async () => {
      const res = await sdk.fetchExport("/api/2.0/export", {
        project_id: connection.credentials.projectId,
        from_date: from,
        to_date: to,
        ...(names ? { event: JSON.stringify(names) } : {}),
        ...(where ? { where } : {}),
        ...(limit ? { limit: String(limit) } : {}),
      });
      const text = await res.text();
      try {
        return text
          .split("\n")
          .filter((line) => line.trim())
          .map((line) => JSON.parse(line) as ExportedEvent);
      } catch {
        // a cut-off stream: treat like a bad answer, which the policy may retry (a read)
        throw new HttpError(502, res.headers, "Mixpanel export answered with a line that is not JSON");
      }
    });
    return value;
  }

  async function fetchGroupProfiles({
    dataGroupId,
    properties,
  }: GroupProfilesQuery): Promise<GroupProfile[]> {
    const out: GroupProfile[] = [];
    const form = {
      data_group_id: dataGroupId,
      ...(properties ? { output_properties: JSON.stringify(properties) } : {}),
    };
    let session: string | undefined;
    for (let page = 0; ; page++) {
      const paging: Record<string, string> = session ? { session_id: session, page: String(page) } : {};
      const { value } = await runtime.attempt(
        "query.engage",
        async () =>
          (await sdk.postQuery(
            "/api/query/engage",
            { project_id: connection.credentials.projectId },
            {
              ...form,
              ...paging,
            },
          )) as EngagePage,
      );
      for (const r of value.results)
        out.push({ key: String(r.$distinct_id), properties: r.$properties ?? {} });
      session = value.session_id;
      // a short page is the last one
      if (value.results.length < value.page_size) return out;
    }
  }

  return {
    sdk,
    async importEvents(events, { idempotencyKey }) {
      if (!connection.credentials.projectToken) {
        throw new Error(
          `Mixpanel connection ${connection.id} has no project token: add it to import events (export needs none).`,
        );
      }
      const rows = events.map((e, i) => ({
        event: e.event,
        properties: {
          ...e.properties,
          time: e.time instanceof Date ? e.time.getTime() : Math.round(e.time),
          distinct_id: e.distinctId,
          $insert_id: e.insertId ?? mixpanelInsertId(idempotencyKey, i),
        },
      }));
      let imported = 0;
      let batches = 0;
      for (let i = 0; i < rows.length; i += MIXPANEL_BATCH_SIZE) {
        // copies: the client stamps token and time onto the objects it is given
        const batch = rows
          .slice(i, i + MIXPANEL_BATCH_SIZE)
          .map((r) => ({ ...r, properties: { ...r.properties } }));
        // safe to retry: Mixpanel keeps one event per (event, time, distinct_id, $insert_id)
        const { value } = await runtime.attempt("import.events", () => importBatch(sdk, batch), {
          idempotent: true,
        });
        imported += value;
        batches++;
      }
      return { imported, batches };
    },
    exportEvents: (input) => runtime.read(`export:${exportKey(input)}`, () => fetchExport(input)),
    summarizeExport: (input, { name, summarize }) =>
      runtime.read(`export-summary:${name}:${exportKey(input)}`, async () => {
        const events = await fetchExport(input);
        return summarize(events, input.limit !== undefined && events.length >= input.limit);
      }),
    groupProfiles: (input) =>
      runtime.read(`groups:${input.dataGroupId}:${input.properties?.join(",") ?? ""}`, () =>
        fetchGroupProfiles(input),
      ),
  };
}
