import { roleFromTitle } from "./roles";

/** What qualification reads from a deal: its next step, activities (subject text) and contacts. */
export interface QualifyInput {
  nextStep: string | null;
  activities: { id: string; subject: string; occurredAt: string }[];
  contacts: { id: string; name: string; title: string; role: string | null }[];
}

export const FRAMEWORKS = ["bant", "meddicc", "champ"] as const;
export type Framework = (typeof FRAMEWORKS)[number];

export interface Evidence {
  source: "activity" | "next_step" | "contact";
  id: string | null;
  at: string | null;
  excerpt: string;
}
export interface ElementResult {
  element: string;
  known: boolean;
  evidence: Evidence[];
  /** Questions to ask next; empty when the element is known. */
  ask: string[];
}

/** One element's rule: words in activity subjects / the next step, or a contact whose CRM role or title fits. */
interface Rule {
  words: RegExp;
  /** A contact counts as evidence when its CRM role matches this, or (no CRM role) its title suggests one of these. */
  people?: { crm: RegExp; titleRoles: string[] };
  ask: string[];
}

type People = NonNullable<Rule["people"]>;
/** Who counts as the economic buyer (or authority) and as a champion; shared with the buying-committee map. */
export const BUYER: People = {
  crm: /economic|buyer|decision|sponsor|executive/i,
  titleRoles: ["economic_buyer", "decision_maker"],
};
export const CHAMPION: People = { crm: /champion|coach|advocate/i, titleRoles: [] };

/** Whether a contact fits: by its CRM role where it has one, else by the role its title suggests. */
export function fits(people: People, c: { role: string | null; title: string }): boolean {
  return c.role ? people.crm.test(c.role) : people.titleRoles.includes(roleFromTitle(c.title) ?? "");
}
const BUDGET: Rule = {
  words: /budget|pric(e|ing)|cost|quote|\$/i,
  ask: ["Is budget allocated for this, and how much?", "Who owns that budget?"],
};
const AUTHORITY: Rule = {
  words: /executive|sign[- ]?off|approv|decision maker/i,
  people: BUYER,
  ask: ["Who signs off on this purchase?", "Can we meet them before the proposal?"],
};
const PAIN: Rule = {
  words: /pain|problem|challenge|need|issue|discovery/i,
  ask: ["What problem does this solve, and what does it cost them today?"],
};
const TIMELINE: Rule = {
  words: /timeline|deadline|go[- ]live|launch|by q[1-4]|quarter|urgent|priorit/i,
  ask: ["By when must this be live, and what happens if it slips?"],
};

/** The documented keyword rules per element (activity subjects and the next step; contacts' roles and titles). */
export const RULES: Record<Framework, Record<string, Rule>> = {
  bant: { budget: BUDGET, authority: AUTHORITY, need: PAIN, timeline: TIMELINE },
  meddicc: {
    metrics: {
      words: /metric|roi|kpi|saving|business case|%/i,
      ask: ["Which measurable result will prove success?", "What is the baseline today?"],
    },
    economic_buyer: { ...AUTHORITY, words: /economic buyer|budget owner|executive|cfo/i },
    decision_criteria: {
      words: /criteria|requirement|security review|technical|proof of concept|poc|evaluat/i,
      ask: ["What criteria will they compare vendors on?"],
    },
    decision_process: {
      // the paper process (procurement, legal, contract) is folded into it
      words: /decision process|approval|procurement|legal|contract|paper|purchas/i,
      ask: ["What are the steps from here to a signed contract?", "Who in procurement or legal is involved?"],
    },
    identify_pain: PAIN,
    champion: {
      words: /champion/i,
      people: CHAMPION,
      ask: ["Who inside sells this for us when we are not in the room?"],
    },
    competition: {
      words: /competit|rival|alternative|incumbent|\bvs\.?\b/i,
      ask: ["Who else are they evaluating, including doing nothing?"],
    },
  },
  champ: { challenges: PAIN, authority: AUTHORITY, money: BUDGET, prioritization: TIMELINE },
};

const MAX_EVIDENCE = 3;
const EXCERPT = 80;

/** Up to EXCERPT characters of `text` around the match. */
function excerpt(text: string, at: number): string {
  const start = Math.max(0, Math.min(at - 20, text.length - EXCERPT));
  return text.slice(start, start + EXCERPT).trim();
}

function evidenceFor(rule: Rule, deal: QualifyInput): Evidence[] {
  const found: Evidence[] = [];
  for (const c of deal.contacts) {
    if (rule.people && fits(rule.people, c))
      found.push({ source: "contact", id: c.id, at: null, excerpt: `${c.name}: ${c.role ?? c.title}` });
  }
  const texts: (Omit<Evidence, "excerpt"> & { text: string })[] = [
    ...(deal.nextStep ? [{ source: "next_step" as const, id: null, at: null, text: deal.nextStep }] : []),
    ...deal.activities.map((a) => ({
      source: "activity" as const,
      id: a.id,
      at: a.occurredAt,
      text: a.subject,
    })),
  ];
  for (const { source, id, at, text } of texts) {
    const m = rule.words.exec(text);
    if (m) found.push({ source, id, at, excerpt: excerpt(text, m.index) });
  }
  return found.slice(0, MAX_EVIDENCE);
}

/** Each element of the framework known (with quoted evidence) or missing (with questions), and the score. */
export function qualify(deal: QualifyInput, framework: Framework) {
  const elements: ElementResult[] = Object.entries(RULES[framework]).map(([element, rule]) => {
    const evidence = evidenceFor(rule, deal);
    return { element, known: evidence.length > 0, evidence, ask: evidence.length ? [] : rule.ask };
  });
  const known = elements.filter((e) => e.known).length;
  return { elements, score: { known, total: elements.length } };
}
