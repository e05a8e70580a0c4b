/**
 * Intercom's conversation rating (1–5 emoji scale) on the 0–10 scale the NPS summary and the health score
 * use: 5 (amazing) → 10 promoter, 4 (great) → 8 passive, 3 (ok) → 5, 2 (bad) → 3, 1 (terrible) → 0 detractors.
 * A satisfied-but-not-delighted 4 is a passive, as a 7–8 is on the NPS question.
 */
export const RATING_TO_NPS: Readonly<Record<number, number>> = { 1: 0, 2: 3, 3: 5, 4: 8, 5: 10 };

/** The NPS-scale score of a rating, or undefined for anything outside 1–5. */
export function npsScoreOf(rating: unknown): number | undefined {
  return typeof rating === "number" ? RATING_TO_NPS[rating] : undefined;
}

/** Ratings of 1 or 2 count as bad CSAT (the sandbox's `csat = 'bad'`). */
export const isBadRating = (rating: unknown): boolean =>
  typeof rating === "number" && rating >= 1 && rating <= 2;
