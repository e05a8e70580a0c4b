/** Buying-committee role a job title suggests, where the CRM records none. */
export type TitleRole = "economic_buyer" | "decision_maker" | "influencer" | "procurement" | "user";

const RULES: [RegExp, TitleRole][] = [
  [/\b(chief|ceo|cfo|cro|coo|cto|president|founder|owner)\b/i, "economic_buyer"],
  [/\b(procurement|purchasing|legal|counsel)\b/i, "procurement"],
  [/\b(vp|svp|evp|vice president|head of)\b/i, "decision_maker"],
  [/\bdirector\b/i, "influencer"],
];

/** The role a title suggests (first rule that matches; any other title is a user); null without a title. */
export function roleFromTitle(title: string): TitleRole | null {
  if (!title.trim()) return null;
  return RULES.find(([re]) => re.test(title))?.[1] ?? "user";
}
