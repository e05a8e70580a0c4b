import { BUYER, CHAMPION, fits } from "./qualification";
import { roleFromTitle } from "./roles";

/** What the buying-committee map reads from a deal: its contacts and activities (newest first). */
export interface CommitteeInput {
  activities: { contactId: string | null; occurredAt: string }[];
  contacts: {
    id: string;
    name: string;
    title: string;
    role: string | null;
    activities: number | null;
    lastActivityAt: string | null;
  }[];
}

export type Seniority = "c_level" | "vp" | "director" | "manager" | "individual" | "unknown";
const SENIORITY: [RegExp, Seniority][] = [
  [/\b(chief|ceo|cfo|cro|coo|cto|cio|president|founder|owner)\b/i, "c_level"],
  [/\b(vp|svp|evp|vice president|head of)\b/i, "vp"],
  [/\bdirector\b/i, "director"],
  [/\b(manager|lead)\b/i, "manager"],
];

/** Seniority a title suggests (first rule that matches; any other title is an individual contributor). */
export function seniorityFromTitle(title: string): Seniority {
  if (!title.trim()) return "unknown";
  return SENIORITY.find(([re]) => re.test(title))?.[1] ?? "individual";
}

const DAY = 86_400_000;
const daysBefore = (today: string, iso: string) =>
  Math.floor((Date.parse(`${today}T23:59:59.999Z`) - Date.parse(iso)) / DAY);

export const GAP_ADVICE = {
  single_threaded: "Only one person engaged: ask them to bring in a colleague from another team.",
  no_economic_buyer:
    "No economic buyer (CRM role, or C-level/VP title): ask who owns the budget and meet them.",
  no_champion: "No champion recorded: find who wins if this goes ahead and test them with a task.",
  no_exec_engagement_30d: "No VP or C-level touch in 30 days: propose an executive alignment call.",
} as const;
export type Gap = keyof typeof GAP_ADVICE;

/**
 * Each contact's role (the CRM's, else from the title), seniority (title) and engagement from the activities given,
 * and the committee's gaps. `complete` says the activities are all the deal's (else windows count what was read).
 */
export function mapCommittee(deal: CommitteeInput, today: string) {
  const people = deal.contacts.map((c) => {
    const mine = deal.activities
      .filter((a) => a.contactId === c.id)
      .map((a) => daysBefore(today, a.occurredAt));
    const linked = c.activities !== null;
    const role = c.role ?? roleFromTitle(c.title);
    return {
      id: c.id,
      name: c.name,
      title: c.title,
      role,
      role_source: c.role ? ("crm" as const) : role ? ("title" as const) : ("none" as const),
      seniority: seniorityFromTitle(c.title),
      activities: c.activities,
      last_30d: linked ? mine.filter((d) => d >= 0 && d < 30).length : null,
      last_90d: linked ? mine.filter((d) => d >= 0 && d < 90).length : null,
      last_touch: c.lastActivityAt?.slice(0, 10) ?? null,
    };
  });
  const engaged = people.filter((p) => (p.activities ?? 0) > 0 || p.role_source === "crm");
  const execRecent = people.some(
    (p) =>
      (p.seniority === "c_level" || p.seniority === "vp") &&
      p.last_touch !== null &&
      daysBefore(today, p.last_touch) < 30,
  );
  const gaps: Gap[] = [];
  if (engaged.length < 2) gaps.push("single_threaded");
  // the same rules deal_qualify uses for its economic buyer / authority and champion elements
  if (!deal.contacts.some((c) => fits(BUYER, c))) gaps.push("no_economic_buyer");
  if (!deal.contacts.some((c) => fits(CHAMPION, c))) gaps.push("no_champion");
  if (!execRecent) gaps.push("no_exec_engagement_30d");
  return { people, gaps: gaps.map((gap) => ({ gap, advice: GAP_ADVICE[gap] })) };
}
