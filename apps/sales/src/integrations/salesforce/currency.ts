import type { SObject } from "@revops/connectors";
import { isVendorError } from "@revops/resilience";

/** A multi-currency org's active currencies: units of each ISO code per one unit of the corporate currency. */
export interface OrgCurrencies {
  corporate: string;
  rates: Map<string, number>;
}

export const CURRENCY_TYPE_SOQL =
  "SELECT IsoCode, ConversionRate, IsCorporate FROM CurrencyType WHERE IsActive = true";

/**
 * The org's currencies, or undefined in a single-currency org: CurrencyType exists only once multi-currency is
 * enabled (INVALID_TYPE otherwise), so one query both detects it and gives the rates.
 */
export async function readOrgCurrencies(
  query: (soql: string) => Promise<SObject[]>,
): Promise<OrgCurrencies | undefined> {
  let rows: SObject[];
  try {
    rows = await query(CURRENCY_TYPE_SOQL);
  } catch (err) {
    if (isVendorError(err) && err.kind === "invalid" && /INVALID_TYPE/.test(textOf(err))) return undefined;
    throw err;
  }
  const corporate = rows.find((r) => r.IsCorporate === true);
  if (!corporate) return undefined;
  return {
    corporate: String(corporate.IsoCode),
    rates: new Map(rows.map((r) => [String(r.IsoCode), Number(r.ConversionRate) || 1])),
  };
}

const cents = (n: number) => Math.round(n * 100) / 100;
const rateOf = (org: OrgCurrencies, iso: unknown) => org.rates.get(String(iso ?? org.corporate)) ?? 1;

/** An amount in the record's currency, in the corporate currency (Salesforce's static rates). */
export const toCorporate = (amount: number, iso: unknown, org: OrgCurrencies) =>
  cents(amount / rateOf(org, iso));

/** A corporate-currency amount in the record's own currency, for a write. */
export const fromCorporate = (amount: number, iso: unknown, org: OrgCurrencies) =>
  cents(amount * rateOf(org, iso));

/** `Amount >= n` in corporate currency: a bare number would be compared with each record's raw amount [SF7]. */
export const minAmountCondition = (min: number, org: OrgCurrencies | undefined) =>
  `Amount >= ${org ? org.corporate : ""}${Number(min)}`;

export const currencyCaveat = (org: OrgCurrencies) =>
  `Amounts are in ${org.corporate}, the corporate currency, converted from each deal's currency at the org's current rates (dated exchange rates are not applied).`;

function textOf(err: Error): string {
  const parts: string[] = [];
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause)
    parts.push(`${(e as { body?: unknown }).body ?? ""} ${(e as Error).message ?? ""}`);
  return parts.join(" ");
}
