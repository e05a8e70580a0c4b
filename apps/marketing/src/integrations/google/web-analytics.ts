import type { Ga4Connector, Ga4Report } from "@revops/connectors";
import { FreshnessTracker } from "@revops/connectors/freshness";
import { ToolError } from "@revops/kit";
import { isVendorError } from "@revops/resilience";
import { PROCESSING_LAG_DAYS, shiftDay } from "../../domain/web-traffic";
import type { TrafficDimension, TrafficReport, WebAnalyticsPort } from "../../ports";

const DIMENSION: Record<TrafficDimension, string> = {
  day: "date",
  source_medium: "sessionSourceMedium",
  landing_page: "landingPage",
};
const METRICS = ["sessions", "engagedSessions", "keyEvents", "totalUsers"] as const;

type Values = { value?: string | null }[] | undefined;
const metricsOf = (values: Values) => {
  const n = (i: number) => Number(values?.[i]?.value ?? 0) || 0;
  return { sessions: n(0), engagedSessions: n(1), conversions: n(2), users: n(3) };
};
/** GA4's YYYYMMDD as YYYY-MM-DD. */
const isoDate = (d: string) => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;

/** What GA4's metadata says about a report, for the caveats. */
function metadataNotes(report: Ga4Report): string[] {
  const m = report.metadata ?? {};
  const sampled = m.samplingMetadatas?.[0];
  return [
    ...(m.subjectToThresholding
      ? ["GA4 withheld rows under its privacy thresholds (few users): figures may be lower than actual."]
      : []),
    ...(sampled
      ? [`GA4 sampled this report (${sampled.samplesReadCount} of ${sampled.samplingSpaceSize} events read).`]
      : []),
    ...(m.dataLossFromOtherRow ? ["Some rows were folded into GA4's (other) row."] : []),
  ];
}

/** GA4's refusals (quota, access, a bad request) as the tool error that says what to do; anything else as it is. */
function refusal(err: unknown): never {
  if (!isVendorError(err)) throw err;
  const hint: Partial<Record<string, string>> = {
    quota_exhausted: "Try again after GA4's quota resets, or ask for a shorter range.",
    rate_limited: "Try again in a minute.",
    auth: "Sign in to Google again (`revops connections add google`).",
  };
  if (err.status === 403 || hint[err.kind])
    throw new ToolError("upstream", err.message, {
      cause: err,
      hint: hint[err.kind] ?? "Check GA4_PROPERTY_ID and that the signed-in user can read the property.",
    });
  throw err;
}

/** Web traffic from a GA4 property through the Data API's runReport (one report per call, every page). */
export class Ga4WebAnalytics implements WebAnalyticsPort {
  readonly source = "google-analytics-4";
  constructor(
    private readonly ga4: Ga4Connector,
    private readonly propertyId: string,
    private readonly today: () => Promise<string>,
  ) {}

  async traffic(q: { from: string; to: string; by: TrafficDimension }): Promise<TrafficReport> {
    const t = new FreshnessTracker("Google Analytics");
    const report = t.take(
      await this.ga4
        .runReport(this.propertyId, {
          dateRanges: [{ startDate: q.from, endDate: q.to }],
          dimensions: [{ name: DIMENSION[q.by] }],
          metrics: METRICS.map((name) => ({ name })),
          metricAggregations: ["TOTAL"],
          keepEmptyRows: false,
        })
        .catch(refusal),
    );
    const rows = (report.rows ?? []).map((r) => {
      const raw = String(r.dimensionValues?.[0]?.value ?? "");
      return { key: q.by === "day" ? isoDate(raw) : raw, ...metricsOf(r.metricValues) };
    });
    rows.sort((a, b) =>
      q.by === "day" ? a.key.localeCompare(b.key) : b.sessions - a.sessions || a.key.localeCompare(b.key),
    );
    const lagFrom = shiftDay(await this.today(), -PROCESSING_LAG_DAYS);
    const read = rows.length;
    const total = report.rowCount ?? read;
    return {
      rows,
      totals: metricsOf(report.totals?.[0]?.metricValues),
      ...(q.by === "day" && rows.length ? { through: rows.at(-1)?.key as string } : {}),
      notes: [
        "Total users are GA4's distinct users over the range (less than the sum of the rows).",
        ...(q.to >= lagFrom
          ? [`GA4 processes data within 24–48 hours: figures from ${lagFrom} on may still grow.`]
          : []),
        ...metadataNotes(report),
        ...(total > read ? [`GA4 returned ${read} of ${total} rows.`] : []),
        ...(t.freshness ? [t.freshness.note] : []),
      ],
    };
  }
}
