/** Feedback themes: a fixed, documented lexicon matched on normalised words, never a model (explainable, repeatable). */

export const FEEDBACK_THEMES_METHOD = "feedback-themes-v1";

/** Each theme's terms, already normalised (lowercase words separated by single spaces). */
export const THEME_LEXICON: Readonly<Record<string, readonly string[]>> = {
  pricing: [
    "price",
    "prices",
    "pricing",
    "expensive",
    "cost",
    "costs",
    "value for money",
    "too high",
    "renewal quote",
  ],
  billing: [
    "invoice",
    "invoices",
    "billing",
    "charge",
    "charged",
    "charged twice",
    "po number",
    "currency",
    "true up",
  ],
  onboarding: [
    "onboarding",
    "set up",
    "setup",
    "took a while to set up",
    "train",
    "training",
    "new reps",
    "rollout",
  ],
  performance: [
    "slow",
    "slower",
    "too slow",
    "timing out",
    "timeout",
    "timeouts",
    "freezing",
    "taking minutes",
    "faster",
  ],
  reliability: [
    "breaks",
    "broken",
    "still broken",
    "keeps coming back",
    "outage",
    "error",
    "errors",
    "500s",
    "failed",
  ],
  integrations: [
    "sync",
    "salesforce",
    "hubspot",
    "import",
    "api",
    "webhook",
    "webhooks",
    "integration",
    "slack",
    "sso",
  ],
  reporting: [
    "report",
    "reports",
    "reporting",
    "dashboard",
    "dashboards",
    "export",
    "exports",
    "forecast",
    "numbers",
  ],
  support_responsiveness: [
    "support",
    "unresponsive",
    "nobody followed up",
    "no reply",
    "took days",
    "escalate",
  ],
  usability: ["hard to", "clunky", "confusing", "rough edges", "filters", "hard to explain", "usability"],
  feature_request: ["request", "feature request", "idea", "lacks", "missing", "multi currency", "would like"],
};

/** Lowercase, accents and punctuation dropped, words separated by one space: how text and terms are compared. */
export function normaliseText(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** The lexicon's terms found as whole words/phrases in the text, per theme. */
export function matchThemes(text: string, lexicon = THEME_LEXICON): Map<string, string[]> {
  const padded = ` ${normaliseText(text)} `;
  const out = new Map<string, string[]>();
  for (const [theme, terms] of Object.entries(lexicon)) {
    const hits = terms.filter((t) => padded.includes(` ${t} `));
    if (hits.length) out.set(theme, hits);
  }
  return out;
}

export interface FeedbackItem {
  source: "nps" | "ticket";
  id: string;
  accountId: string;
  text: string;
  /** NPS score; null for a ticket. */
  score: number | null;
  at: string;
}

export interface ThemeSummary {
  theme: string;
  mentions: number;
  nps_comments: number;
  tickets: number;
  accounts: number;
  /** ARR of the distinct accounts with a mention (accounts without a known ARR add 0). */
  arr: number;
  /** Detractor (0–6) comments / NPS comments in the theme; null without NPS comments. */
  detractor_share: number | null;
  /** The lexicon terms that matched, most frequent first (at most TERMS_SHOWN). */
  matched_terms: string[];
  /** The newest mentions' text, shortened. */
  quotes: string[];
}

export interface FeedbackThemes {
  themes: ThemeSummary[];
  other: { mentions: number; share: number | null };
}

const QUOTE_CHARS = 100;
/** Matched terms listed per theme: enough to explain it, few enough to keep the page small. */
export const TERMS_SHOWN = 3;
const round3 = (x: number) => Math.round(x * 1000) / 1000;
const shorten = (s: string) => (s.length > QUOTE_CHARS ? `${s.slice(0, QUOTE_CHARS - 1)}…` : s);
const newestFirst = (a: FeedbackItem, b: FeedbackItem) =>
  a.at === b.at ? (a.id < b.id ? 1 : -1) : a.at < b.at ? 1 : -1;

/** Counts each item once under every theme it matches; items matching none are "other". */
export function feedbackThemes(
  items: readonly FeedbackItem[],
  arrByAccount: ReadonlyMap<string, number>,
  quotes = 2,
  lexicon = THEME_LEXICON,
): FeedbackThemes {
  const byTheme = new Map<string, { items: FeedbackItem[]; terms: Map<string, number> }>();
  let other = 0;
  for (const item of [...items].sort(newestFirst)) {
    const hits = matchThemes(item.text, lexicon);
    if (hits.size === 0) other++;
    for (const [theme, terms] of hits) {
      const acc = byTheme.get(theme) ?? { items: [] as FeedbackItem[], terms: new Map<string, number>() };
      acc.items.push(item);
      for (const t of terms) acc.terms.set(t, (acc.terms.get(t) ?? 0) + 1);
      byTheme.set(theme, acc);
    }
  }
  const themes = [...byTheme].map(([theme, { items: its, terms }]): ThemeSummary => {
    const nps = its.filter((i) => i.source === "nps");
    const accounts = new Set(its.map((i) => i.accountId));
    return {
      theme,
      mentions: its.length,
      nps_comments: nps.length,
      tickets: its.length - nps.length,
      accounts: accounts.size,
      arr: [...accounts].reduce((s, a) => s + (arrByAccount.get(a) ?? 0), 0),
      detractor_share: nps.length
        ? round3(nps.filter((i) => (i.score ?? 10) <= 6).length / nps.length)
        : null,
      matched_terms: [...terms]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([t]) => t)
        .slice(0, TERMS_SHOWN),
      quotes: its.slice(0, quotes).map((i) => shorten(i.text)),
    };
  });
  themes.sort((a, b) => b.mentions - a.mentions || a.theme.localeCompare(b.theme));
  return {
    themes,
    other: { mentions: other, share: items.length ? round3(other / items.length) : null },
  };
}
