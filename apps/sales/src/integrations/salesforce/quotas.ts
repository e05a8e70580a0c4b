import type { SObject } from "@revops/connectors";
import { isVendorError } from "@revops/resilience";
import type { CrmQuotaPeriod, CrmQuotas } from "../../ports";
import { type OrgCurrencies, toCorporate } from "./currency";

const SF_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** The standard forecast type of opportunity revenue: preferred when quotas exist for several types. */
const REVENUE_TYPE = "OpportunityRevenue";
const str = (v: unknown) => (v === null || v === undefined ? "" : String(v));

/** Error text through the cause chain (jsforce's errorCode sits in the body or the message). */
function textOf(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause)
    parts.push(`${(e as { body?: unknown }).body ?? ""} ${(e as Error).message ?? ""}`);
  return parts.join(" ");
}

/** Why the org's quotas cannot be read, for the answers that mean "not here" rather than "not now". */
function notReadable(err: unknown): string | undefined {
  if (!isVendorError(err) || (err.kind !== "invalid" && err.kind !== "auth")) return undefined;
  const text = textOf(err);
  if (/INVALID_TYPE/.test(text))
    return "Salesforce answered INVALID_TYPE for ForecastingQuota: Collaborative Forecasts is off in this org, or this user lacks View All Forecasts.";
  const column = /No such column '(\w+)'/.exec(text)?.[1];
  if (column) return `Field-level security hides ForecastingQuota.${column} from this user.`;
  if (err.kind === "auth" || /INSUFFICIENT_ACCESS/.test(text))
    return "This Salesforce user may not read forecast quotas (View All Forecasts or Allow Forecasting).";
  return undefined;
}

/**
 * Collaborative Forecasts quotas (ForecastingQuota joined to its Period) overlapping [from, to]: amount quotas of one
 * forecast type (OpportunityRevenue when there are several), product-family quotas left out, amounts in the
 * corporate currency. `query` runs one SOQL read (with the stale fallback).
 */
export async function salesforceQuotaPeriods(
  query: (soql: string) => Promise<SObject[]>,
  from: string,
  to: string,
  org: OrgCurrencies | undefined,
): Promise<CrmQuotas> {
  if (!SF_DATE.test(from) || !SF_DATE.test(to)) throw new RangeError(`quarter: bad range ${from}..${to}`);
  const fields = [
    "Id",
    "QuotaOwnerId",
    "QuotaAmount",
    "StartDate",
    "PeriodId",
    "ForecastingTypeId",
    "IsAmount",
  ];
  let rows: SObject[];
  let periods: SObject[];
  try {
    // a quota starts on its period's first day: one a year before the range still reaches into it
    const since = `${Number(from.slice(0, 4)) - 1}${from.slice(4)}`;
    rows = await query(
      `SELECT ${[...fields, "ProductFamily", ...(org ? ["CurrencyIsoCode"] : [])].join(", ")} FROM ForecastingQuota WHERE StartDate >= ${since} AND StartDate <= ${to} ORDER BY StartDate`,
    );
    periods = await query(
      `SELECT Id, StartDate, EndDate, Type FROM Period WHERE EndDate >= ${from} AND StartDate <= ${to} ORDER BY StartDate`,
    );
  } catch (err) {
    const why = notReadable(err);
    if (why) return { periods: [], unavailable: why, caveats: [] };
    throw err;
  }
  const caveats: string[] = [];
  const amounts = rows.filter((r) => r.IsAmount !== false && !r.ProductFamily);
  if (amounts.length < rows.length)
    caveats.push("Salesforce quantity and product-family quotas are left out; amount quotas only.");
  const types = [...new Set(amounts.map((r) => str(r.ForecastingTypeId)))];
  let type = types[0];
  if (types.length > 1) {
    const named = await query(
      `SELECT Id, DeveloperName FROM ForecastingType WHERE DeveloperName = '${REVENUE_TYPE}'`,
    ).catch(() => [] as SObject[]);
    type = named.find((t) => types.includes(t.Id))?.Id ?? types.sort()[0];
    caveats.push(
      `Quotas of one forecast type (${type}) are read; this org keeps quotas for ${types.length}.`,
    );
  }
  const spans = new Map(periods.map((p) => [p.Id, { start: str(p.StartDate), end: str(p.EndDate) }]));
  const out: CrmQuotaPeriod[] = [];
  for (const r of amounts) {
    const span = spans.get(str(r.PeriodId));
    if (str(r.ForecastingTypeId) !== type || !span || r.QuotaAmount === null || r.QuotaAmount === undefined)
      continue;
    const raw = Number(r.QuotaAmount);
    out.push({
      ownerId: str(r.QuotaOwnerId),
      start: span.start,
      end: span.end,
      amount: org ? toCorporate(raw, r.CurrencyIsoCode, org) : raw,
    });
  }
  if (org && out.length)
    caveats.push(`Salesforce quotas are converted to ${org.corporate} at the org's current rates.`);
  return out.length
    ? { periods: out, caveats }
    : {
        periods: [],
        unavailable: `Salesforce has no amount quotas for ${from}..${to} in Collaborative Forecasts.`,
        caveats,
      };
}
