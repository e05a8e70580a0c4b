/** A content brief from a persona, a campaign and keywords: deterministic rules, no model. */
import type { BrandGuide } from "./brand-guide";
import type { ChannelEconomics } from "./channel-plan";
import type { ApprovedClaim, Persona } from "./personas";

export const BRIEF_METHOD = "content-brief v1 (keyword overlap, channel pipeline per dollar)";
/** Key messages and claims a brief carries at most. */
export const MAX_MESSAGES = 3;
export const MAX_CLAIMS = 5;
export const MAX_CHANNELS = 3;

/** What a campaign of each channel asks the reader to do, and the call to action that says it. */
export const CHANNEL_ACTIONS: Record<string, { objective: string; cta: string }> = {
  email: { objective: "clicks to the offer", cta: "Read the guide" },
  paid_search: { objective: "demo requests", cta: "Book a demo" },
  paid_social: { objective: "sign-ups", cta: "Get the report" },
  webinar: { objective: "registrations", cta: "Save your seat" },
  event: { objective: "meetings booked", cta: "Meet us at the event" },
  content: { objective: "downloads", cta: "Download the guide" },
};
const FALLBACK = { objective: "responses", cta: "Learn more" };

export interface BriefCampaign {
  id: string;
  name: string;
  channel: string;
  status: string;
  startDate: string;
  endDate: string;
}

const words = (s: string) => new Set(s.toLowerCase().match(/[a-z0-9]+/g) ?? []);
/** Keywords (each split in words) found in the text's words. */
const hits = (keywords: string[], text: string) => {
  const w = words(text);
  return keywords.filter((k) => [...words(k)].some((x) => x.length > 2 && w.has(x)));
};

export function buildBrief(a: {
  persona: Persona;
  campaign: BriefCampaign;
  keywords: string[];
  guide: BrandGuide;
  claims: readonly ApprovedClaim[];
  economics: readonly ChannelEconomics[];
}) {
  const { persona, campaign, keywords, guide } = a;
  const action = CHANNEL_ACTIONS[campaign.channel] ?? FALLBACK;
  const messages = persona.pains
    .map((p, order) => ({ ...p, order, matched: hits(keywords, `${p.pain} ${p.message}`) }))
    .sort((x, y) => y.matched.length - x.matched.length || x.order - y.order)
    .slice(0, MAX_MESSAGES)
    .map((p) => ({
      message: p.message,
      answers: p.pain,
      why: p.matched.length ? `matches ${p.matched.join(", ")}` : "persona's next pain (no keyword matched)",
    }));
  const context = `${keywords.join(" ")} ${persona.pains.map((p) => p.pain).join(" ")} ${campaign.name}`;
  const scored = a.claims.map((c, order) => ({
    ...c,
    order,
    matched: hits([...(c.topics ?? []), ...[...words(c.claim)].filter((w) => w.length > 3)], context),
  }));
  const relevant = scored.filter((c) => c.matched.length > 0);
  const claims = (relevant.length ? relevant : scored)
    .sort((x, y) => y.matched.length - x.matched.length || x.order - y.order)
    .slice(0, MAX_CLAIMS)
    .map((c) => ({
      claim: c.claim,
      proof: c.proof,
      why: c.matched.length
        ? `relates to ${c.matched.join(", ")}`
        : "no claim matched the topic; listed for reference",
    }));
  const ranked = [...a.economics].sort(
    (x, y) =>
      (y.pipeline_per_dollar ?? -1) - (x.pipeline_per_dollar ?? -1) || x.channel.localeCompare(y.channel),
  );
  const rankOf = (ch: string) => ranked.findIndex((e) => e.channel === ch);
  const candidates = [
    campaign.channel,
    ...persona.channels
      .filter((c) => c !== campaign.channel)
      .sort((x, y) => {
        const [rx, ry] = [rankOf(x), rankOf(y)];
        return (rx < 0 ? 99 : rx) - (ry < 0 ? 99 : ry);
      }),
  ];
  const channels = [...new Set(candidates)].slice(0, MAX_CHANNELS).map((ch, n) => {
    const e = a.economics.find((x) => x.channel === ch);
    const figures =
      e?.pipeline_per_dollar != null
        ? `$${e.pipeline_per_dollar} pipeline per $1, cost per lead $${e.cost_per_lead ?? "n/a"} over ${e.campaigns} completed campaigns`
        : "no completed campaigns with spend to measure";
    return {
      channel: ch,
      cta: (CHANNEL_ACTIONS[ch] ?? FALLBACK).cta,
      pipeline_per_dollar: e?.pipeline_per_dollar ?? null,
      cost_per_lead: e?.cost_per_lead ?? null,
      why: `${n === 0 ? "the campaign's channel" : `${persona.name} reads it (rank ${rankOf(ch) + 1 || "unranked"} by pipeline per dollar)`}; ${figures}`,
    };
  });
  const grade = Math.min(persona.reading_grade ?? guide.reading.max_grade, guide.reading.max_grade);
  return {
    goal: {
      objective: action.objective,
      statement: `Win ${action.objective} from ${persona.name.toLowerCase()}s for "${campaign.name}" (${campaign.channel}, ${campaign.startDate} to ${campaign.endDate}).`,
    },
    audience: {
      persona: persona.id,
      name: persona.name,
      titles: persona.titles,
      pains: persona.pains.map((p) => p.pain),
      goals: persona.goals,
    },
    key_messages: messages,
    claims,
    avoid: [...guide.banned, ...guide.voice.avoid].map((t) => ({ term: t.term, fix: t.fix })),
    channels,
    reading: {
      target_grade: grade,
      max_sentence_words: guide.reading.max_sentence_words,
      why: `the lower of ${persona.name}'s grade (${persona.reading_grade ?? "unset"}) and the brand guide's maximum (${guide.reading.max_grade})`,
    },
  };
}
