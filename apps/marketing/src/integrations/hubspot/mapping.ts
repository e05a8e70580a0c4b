import type { CampaignStatus } from "@revops/model";

/** HubSpot values → the suite's marketing shapes: one place, so every tool maps them the same way. */

/** hs_campaign_status (planned, in_progress, active, paused, completed); unset → from the dates. */
export function campaignStatus(
  raw: string | null | undefined,
  start: string,
  end: string,
  today: string,
): CampaignStatus {
  const s = String(raw ?? "").toLowerCase();
  if (s === "planned" || s === "completed") return s;
  if (s) return "active";
  if (start && start > today) return "planned";
  if (end && end < today) return "completed";
  return "active";
}

// HubSpot campaigns have no channel property: the name says it, or the channel stays unspecified
const CHANNEL_WORDS: [RegExp, string][] = [
  [/\bwebinars?\b/i, "webinar"],
  [/\b(events?|conferences?|summits?|trade ?shows?|meetups?|expos?|roadshows?)\b/i, "event"],
  [/\b(ppc|sem|paid search|google ads|adwords|bing ads|search ads)\b/i, "paid_search"],
  [/\b(paid social|social ads|(linkedin|facebook|meta|instagram|twitter|x|tiktok) ads)\b/i, "paid_social"],
  [/\b(emails?|newsletters?|nurtures?|drips?)\b/i, "email"],
  [/\b(content|blogs?|e-?books?|whitepapers?|guides?|seo|podcasts?)\b/i, "content"],
];
export const UNSPECIFIED_CHANNEL = "unspecified";

export function campaignChannel(name: string): string {
  return CHANNEL_WORDS.find(([re]) => re.test(name))?.[1] ?? UNSPECIFIED_CHANNEL;
}

/** hs_analytics_source ("Original source") → the suite's lead sources where they mean the same. */
const SOURCES: Record<string, string> = {
  ORGANIC_SEARCH: "organic",
  PAID_SEARCH: "paid_search",
  PAID_SOCIAL: "paid_social",
  SOCIAL_MEDIA: "organic_social",
  EMAIL_MARKETING: "email",
  REFERRALS: "referral",
  AI_REFERRALS: "ai_referral",
  DIRECT_TRAFFIC: "direct",
  OTHER_CAMPAIGNS: "other_campaigns",
  OFFLINE: "offline",
};

export function leadSource(raw: string | null | undefined): string {
  const s = String(raw ?? "").toUpperCase();
  return SOURCES[s] ?? (s ? s.toLowerCase() : "unknown");
}

/** Lifecycle stages that count as a lead, in funnel order (subscriber and other are not leads). */
export const LEAD_STAGES = [
  "lead",
  "marketingqualifiedlead",
  "salesqualifiedlead",
  "opportunity",
  "customer",
  "evangelist",
] as const;

/** How far a contact got: MQL and SQL include those that progressed further; converted = has a deal. */
export function funnelStage(lifecycle: string | null | undefined) {
  const at = LEAD_STAGES.indexOf(String(lifecycle ?? "").toLowerCase() as (typeof LEAD_STAGES)[number]);
  return { lead: at >= 0, mql: at >= 1, sql: at >= 2, converted: at >= 3 };
}

/** A HubSpot number property ("1200.50", "", null) → a number; amounts HubSpot left empty count as 0. */
export function money(raw: string | null | undefined): number {
  const n = Number(raw ?? "");
  return raw === null || raw === undefined || raw === "" || !Number.isFinite(n) ? 0 : n;
}

/** "2026-03-31" → the last instant of that day, since createdate is a datetime. */
export function endOfDay(day: string): string {
  return day.length === 10 ? `${day}T23:59:59.999Z` : day;
}
