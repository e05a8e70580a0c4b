/**
 * Google Analytics 4 Data API v1beta fake: POST /v1beta/properties/{id}:runReport over seeded daily rows, as the
 * API answers (dimensionHeaders, metricHeaders, rows of string dimensionValues and metricValues, rowCount,
 * totals on metricAggregations TOTAL, metadata, propertyQuota on returnPropertyQuota, limit/offset paging).
 * Refusals as Google sends them: 400 INVALID_ARGUMENT naming an unknown dimension or metric, 403 for a property
 * the token cannot read, 429 RESOURCE_EXHAUSTED once the property's daily tokens are spent. Traffic is checked
 * against ../shared/vendor-specs/google/analyticsdata.v1beta.json.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ContractChecker, contractChecker } from "./contract";
import { googleError } from "./google";
import { type FakeRequest, json, type Reply, type RunningFake, startFake } from "./http-fake";
import { VENDOR_SPECS_DIR } from "./sendgrid";

/** One seeded day of one session source / medium and landing page. */
export interface Ga4Row {
  /** YYYY-MM-DD (answered as GA4's YYYYMMDD). */
  date: string;
  sessionSource: string;
  sessionMedium: string;
  landingPage: string;
  sessions: number;
  engagedSessions: number;
  keyEvents: number;
  totalUsers: number;
}

export interface Ga4State {
  /** Property id → its rows. */
  properties: Map<string, Ga4Row[]>;
  /** Core tokens a property may spend per day (GA4 standard: 200,000); each report costs `tokensPerReport`. */
  tokensPerDay: number;
  tokensPerReport: number;
  tokensUsed: Map<string, number>;
  /** Every runReport body, in order. */
  reports: Record<string, unknown>[];
}

export interface Ga4Seed {
  properties?: Record<string, Ga4Row[]>;
  tokensPerDay?: number;
  tokensPerReport?: number;
}

type Dim = "date" | "sessionSource" | "sessionMedium" | "sessionSourceMedium" | "landingPage";
const DIMENSIONS: Record<Dim, (r: Ga4Row) => string> = {
  date: (r) => r.date.replaceAll("-", ""),
  sessionSource: (r) => r.sessionSource,
  sessionMedium: (r) => r.sessionMedium,
  sessionSourceMedium: (r) => `${r.sessionSource} / ${r.sessionMedium}`,
  landingPage: (r) => r.landingPage,
};
type Met = "sessions" | "engagedSessions" | "keyEvents" | "totalUsers";
const METRICS: Record<Met, true> = {
  sessions: true,
  engagedSessions: true,
  keyEvents: true,
  totalUsers: true,
};

export const GA4_SPEC_FILE = join(VENDOR_SPECS_DIR, "google", "analyticsdata.v1beta.json");

let checker: ContractChecker | undefined;
/**
 * The document's `{property}` path parameter stands for `properties/<id>` (a slash inside one segment, which
 * no router matches): the copy spells it out so the fake's traffic is checked (the file is never modified).
 */
export function ga4Contract(): ContractChecker {
  if (checker) return checker;
  const doc = JSON.parse(readFileSync(GA4_SPEC_FILE, "utf8")) as { paths: Record<string, unknown> };
  const paths = Object.fromEntries(
    Object.entries(doc.paths).map(([p, v]) => [p.replace("{property}", "properties/{propertyId}"), v]),
  );
  for (const v of Object.values(paths) as { post?: { parameters?: { name?: string; in?: string }[] } }[])
    for (const p of v.post?.parameters ?? [])
      if (p.name === "property" && p.in === "path") p.name = "propertyId";
  const file = join(mkdtempSync(join(tmpdir(), "ga4-spec-")), "analyticsdata.v1beta.json");
  writeFileSync(file, JSON.stringify({ ...doc, paths }));
  checker = contractChecker([file]);
  return checker;
}

const invalid = (message: string) => json(400, { error: { code: 400, message, status: "INVALID_ARGUMENT" } });

interface ReportBody {
  dimensions?: { name?: string }[];
  metrics?: { name?: string }[];
  dateRanges?: { startDate?: string; endDate?: string }[];
  limit?: string | number;
  offset?: string | number;
  metricAggregations?: string[];
  returnPropertyQuota?: boolean;
}

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

function runReport(state: Ga4State, property: string, body: ReportBody): Reply {
  const rows = state.properties.get(property);
  if (!rows)
    return googleError(
      403,
      `User does not have sufficient permissions for this property. To learn more about Property ID, see https://developers.google.com/analytics/devguides/reporting/data/v1/property-id.`,
      "forbidden",
    );
  const dims = (body.dimensions ?? []).map((d) => String(d.name));
  const mets = (body.metrics ?? []).map((m) => String(m.name));
  for (const d of dims)
    if (!(d in DIMENSIONS))
      return invalid(
        `Field ${d} is not a valid dimension. For a list of valid dimensions and metrics, see https://developers.google.com/analytics/devguides/reporting/data/v1/api-schema `,
      );
  for (const m of mets)
    if (!(m in METRICS))
      return invalid(
        `Field ${m} is not a valid metric. For a list of valid dimensions and metrics, see https://developers.google.com/analytics/devguides/reporting/data/v1/api-schema `,
      );
  if (mets.length === 0 && dims.length === 0)
    return invalid("Must specify at least one dimension or metric.");
  const range = body.dateRanges?.[0];
  if (!range?.startDate || !range.endDate || !isoDate.test(range.startDate) || !isoDate.test(range.endDate))
    return invalid(
      "Date range must specify startDate and endDate in YYYY-MM-DD (or NdaysAgo, yesterday, today).",
    );
  if (range.startDate > range.endDate) return invalid("Date range startDate must be before endDate.");
  const used = (state.tokensUsed.get(property) ?? 0) + state.tokensPerReport;
  if (used > state.tokensPerDay)
    return json(429, {
      error: {
        code: 429,
        message:
          "Exhausted property tokens per day quota. Consider reducing the complexity of your request, and/or retry after the quota resets. To learn more, see https://developers.google.com/analytics/devguides/reporting/data/v1/quotas",
        status: "RESOURCE_EXHAUSTED",
      },
    });
  state.tokensUsed.set(property, used);
  const inRange = rows.filter(
    (r) => r.date >= (range.startDate as string) && r.date <= (range.endDate as string),
  );
  const groups = new Map<string, { dims: string[]; sums: number[] }>();
  for (const r of inRange) {
    const values = dims.map((d) => DIMENSIONS[d as Dim](r));
    const key = JSON.stringify(values);
    const g = groups.get(key) ?? { dims: values, sums: mets.map(() => 0) };
    mets.forEach((m, i) => {
      g.sums[i] = (g.sums[i] as number) + r[m as Met];
    });
    groups.set(key, g);
  }
  // GA4 orders by the first metric, descending, when no orderBys are given
  const all = [...groups.values()].sort((a, b) => (b.sums[0] ?? 0) - (a.sums[0] ?? 0));
  const offset = Number(body.offset ?? 0);
  const limit = Number(body.limit ?? 10_000);
  const page = all.slice(offset, offset + limit);
  const total = mets.map((_, i) => all.reduce((t, g) => t + (g.sums[i] as number), 0));
  const metricValues = (sums: number[]) => sums.map((v) => ({ value: String(v) }));
  return json(200, {
    dimensionHeaders: dims.map((name) => ({ name })),
    metricHeaders: mets.map((name) => ({ name, type: "TYPE_INTEGER" })),
    ...(page.length
      ? {
          rows: page.map((g) => ({
            dimensionValues: g.dims.map((value) => ({ value })),
            metricValues: metricValues(g.sums),
          })),
        }
      : {}),
    ...(body.metricAggregations?.includes("TOTAL") && all.length
      ? {
          totals: [
            {
              dimensionValues: dims.map(() => ({ value: "RESERVED_TOTAL" })),
              metricValues: metricValues(total),
            },
          ],
        }
      : {}),
    rowCount: all.length,
    metadata: { currencyCode: "USD", timeZone: "Etc/UTC" },
    ...(body.returnPropertyQuota
      ? {
          propertyQuota: {
            tokensPerDay: { consumed: state.tokensPerReport, remaining: state.tokensPerDay - used },
          },
        }
      : {}),
    kind: "analyticsData#runReport",
  });
}

export function ga4State(seed: Ga4Seed = {}): Ga4State {
  return {
    properties: new Map(Object.entries(seed.properties ?? {})),
    tokensPerDay: seed.tokensPerDay ?? 200_000,
    tokensPerReport: seed.tokensPerReport ?? 10,
    tokensUsed: new Map(),
    reports: [],
  };
}

/** Starts the GA4 Data API fake (point the Google connection's base URL at it). */
export function startGa4Fake(seed: Ga4Seed = {}): Promise<RunningFake<Ga4State>> {
  const state = ga4State(seed);
  const unauthorized = () =>
    json(401, {
      error: {
        code: 401,
        message: "Request had invalid authentication credentials. Expected OAuth 2 access token.",
        status: "UNAUTHENTICATED",
      },
    });
  return startFake(
    {
      name: "ga4",
      route: (req: FakeRequest) => {
        if (!req.bearer) return unauthorized();
        const m = req.path.match(/^\/v1beta\/properties\/(\d+):runReport$/);
        if (m && req.method === "POST") {
          state.reports.push(req.json as Record<string, unknown>);
          return runReport(state, m[1] as string, (req.json ?? {}) as ReportBody);
        }
        return googleError(404, "Not Found", "notFound");
      },
      unauthorized,
      contract: ga4Contract(),
      contractRejection: (v) => invalid(v.errors.join("; ")),
    },
    state,
  );
}
