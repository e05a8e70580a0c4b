import type { analyticsdata_v1beta } from "@googleapis/analyticsdata";
import type { MaybeStale } from "@revops/resilience";
import type { ResilienceSetup, VaultTokenSetup } from "../connection";
import { createGoogleSdk, type GoogleConnection, type GoogleSdk } from "./client";

export type Ga4ReportRequest = analyticsdata_v1beta.Schema$RunReportRequest;
export type Ga4Report = analyticsdata_v1beta.Schema$RunReportResponse;

/** Rows per runReport page (the API allows 250,000; smaller pages keep each answer small). */
export const GA4_PAGE_ROWS = 10_000;
const MAX_PAGES = 10;

export interface Ga4Connector {
  readonly sdk: GoogleSdk;
  /**
   * One GA4 Data API report of the property (numeric id), every page of it (offset paging up to `rowCount`,
   * at most 100,000 rows), totals and metadata from the first; read through the stale cache.
   */
  runReport(propertyId: string, request: Ga4ReportRequest): Promise<MaybeStale<Ga4Report>>;
}

/** The GA4 Data API v1beta through @googleapis/analyticsdata, on the Google connection's guarded fetch. */
export async function createGa4Connector(
  connection: GoogleConnection,
  setup: ResilienceSetup & VaultTokenSetup = {},
): Promise<Ga4Connector> {
  const sdk = await createGoogleSdk(connection, setup);
  const { runtime, analyticsData, call } = sdk;
  return {
    sdk,
    runReport: (propertyId, request) =>
      runtime.read(`ga4:${propertyId}:${JSON.stringify(request)}`, async () => {
        let first: Ga4Report | undefined;
        const rows: NonNullable<Ga4Report["rows"]> = [];
        for (let page = 0; page < MAX_PAGES; page++) {
          // a report is a query, not a write: POST here is safe to retry
          const res = await call(
            "properties.runReport",
            () =>
              analyticsData.properties.runReport({
                property: `properties/${propertyId}`,
                requestBody: { ...request, limit: String(GA4_PAGE_ROWS), offset: String(rows.length) },
              }),
            { idempotent: true },
          );
          first ??= res.data;
          rows.push(...(res.data.rows ?? []));
          if (!res.data.rows?.length || rows.length >= (res.data.rowCount ?? 0)) break;
        }
        return { ...first, rows };
      }),
  };
}
