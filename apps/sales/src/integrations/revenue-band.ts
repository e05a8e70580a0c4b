const BANDS: readonly [number, string][] = [
  [1_000_000, "<$1M"],
  [10_000_000, "$1M–$10M"],
  [50_000_000, "$10M–$50M"],
  [100_000_000, "$50M–$100M"],
  [500_000_000, "$100M–$500M"],
  [1_000_000_000, "$500M–$1B"],
];

/** Annual revenue (USD) as the band a rep reads; null when unknown. */
export function revenueBand(usd: number | null | undefined): string | null {
  if (typeof usd !== "number" || !Number.isFinite(usd) || usd < 0) return null;
  return BANDS.find(([below]) => usd < below)?.[1] ?? "$1B+";
}
