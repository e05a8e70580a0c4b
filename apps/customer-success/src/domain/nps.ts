/** Net Promoter Score: % promoters (9–10) minus % detractors (0–6). */
export function nps(scores: readonly number[]) {
  const n = scores.length;
  const promoters = scores.filter((s) => s >= 9).length;
  const detractors = scores.filter((s) => s <= 6).length;
  return {
    responses: n,
    promoters,
    passives: n - promoters - detractors,
    detractors,
    nps: npsScore(promoters, detractors, n),
  };
}

/** The score from counts: null without responses. */
export function npsScore(promoters: number, detractors: number, responses: number): number | null {
  return responses ? Math.round(((promoters - detractors) / responses) * 100) : null;
}
