/** USD per quota unit, per vendor and operation; "*" is the vendor's fallback. */
export type PriceTable = Record<string, Record<string, number>>;

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
