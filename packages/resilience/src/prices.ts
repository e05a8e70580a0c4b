/** USD per quota unit, per vendor and operation; "*" is the vendor's fallback. */
export type PriceTable = Record<string, Record<string, number>>;

/**
 * List prices the suite assumes until an operator passes their own (plans differ). Apollo charges one
 * enrichment credit per record returned (a no-match is recorded as not_found and costs nothing); $0.20 is
 * Apollo's price for extra credits.
 */
export const VENDOR_PRICES: PriceTable = {
  // People API Search spends no credit; Organization Search one per page of results (docs.apollo.io "API Pricing")
  apollo: {
    "organizations.enrich": 0.2,
    "people.match": 0.2,
    "organizations.search": 0.2,
    "people.search": 0,
  },
};

/** Exact money: the ledger stores integer micro-dollars. */
export const MICROS_PER_USD = 1_000_000;

export function priceMicros(prices: PriceTable, vendor: string, operation: string, units: number): number {
  const perVendor = prices[vendor];
  const unitPrice = perVendor?.[operation] ?? perVendor?.["*"] ?? 0;
  return Math.round(unitPrice * MICROS_PER_USD * units);
}

export function formatUsd(micros: number): string {
  return `$${(micros / MICROS_PER_USD).toFixed(micros % 10_000 === 0 ? 2 : 4)}`;
}
