import type { WithFreshness } from "@revops/connectors/freshness";
import type { NpsResponseRow } from "@revops/model";
import type { NpsStats } from "../ports";

/**
 * `npsStats` for a vendor that can only list responses (Intercom): the counts by bucket and the newest detractor
 * comments, computed from every response in the range; the responses' freshness note is kept.
 */
export function npsStatsOf(rows: WithFreshness<NpsResponseRow[]>, comments: number): WithFreshness<NpsStats> {
  const promoters = rows.filter((r) => r.score >= 9).length;
  const detractors = rows.filter((r) => r.score <= 6).length;
  const stats: NpsStats = {
    responses: rows.length,
    promoters,
    passives: rows.length - promoters - detractors,
    detractors,
    detractorComments: rows
      .filter((r) => r.score <= 6 && r.comment)
      .sort((a, b) => b.respondedAt.localeCompare(a.respondedAt))
      .slice(0, Math.max(0, comments)),
  };
  return rows.freshness ? { ...stats, freshness: rows.freshness } : stats;
}
