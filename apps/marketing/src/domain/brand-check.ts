import { fleschKincaid } from "flesch-kincaid";
import { syllable } from "syllable";
import type { BrandGuide } from "./brand-guide";
import type { ApprovedClaim } from "./personas";

/** The guide with these approved claims (brand://claims) in place of its own list. */
export const withClaims = (guide: BrandGuide, claims: readonly ApprovedClaim[]): BrandGuide => ({
  ...guide,
  claims: { ...guide.claims, approved: claims.map(({ claim, proof }) => ({ claim, proof })) },
});

export type BrandRule = "banned_word" | "claim_needs_proof" | "voice" | "reading_level";

export interface BrandFinding {
  rule: BrandRule;
  severity: "error" | "warning";
  /** The exact words that break the rule. */
  match: string;
  /** The sentence they are in. */
  quote: string;
  fix: string;
}

export interface Reading {
  grade: number;
  words: number;
  sentences: number;
  syllables: number;
}

interface Sentence {
  text: string;
  start: number;
  end: number;
}

const WORD = /[A-Za-z0-9]+(?:['’-][A-Za-z0-9]+)*/g;
const NUMBER_CLAIM = /(?<![\w.])\d+(?:[.,]\d+)?\s?(?:%|percent\b|x\b|×|times\b)/gi;
const SHOUTING = /(?<![\w-])[A-Z]{4,}(?![\w-])/g;
const QUOTE_MAX = 200;

const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** Whole words only: "best" does not match "bestow", "#1" does not match "#10". */
const termPattern = (term: string) => new RegExp(`(?<![A-Za-z0-9_-])${literal(term)}(?![A-Za-z0-9_-])`, "gi");

/** Sentences end at . ! or ? followed by a space or the end; a text with no ending is one sentence. */
export function sentencesOf(text: string): Sentence[] {
  const out: Sentence[] = [];
  const ends = /[.!?]+(?=\s|$)|\n\s*\n/g;
  let start = 0;
  for (const m of text.matchAll(ends)) {
    const end = (m.index ?? 0) + m[0].length;
    out.push({ text: text.slice(start, end), start, end });
    start = end;
  }
  if (start < text.length) out.push({ text: text.slice(start), start, end: text.length });
  return out
    .map((s) => {
      const lead = s.text.length - s.text.trimStart().length;
      return { text: s.text.trim(), start: s.start + lead, end: s.end };
    })
    .filter((s) => (s.text.match(WORD) ?? []).length > 0);
}

const wordsOf = (text: string) => text.match(WORD) ?? [];
const syllablesOf = (words: readonly string[]) => words.reduce((n, w) => n + Math.max(1, syllable(w)), 0);

/** Flesch-Kincaid grade over the text's sentences, words and syllables (syllables counted by `syllable`). */
export function readingOf(text: string): Reading {
  const sentences = sentencesOf(text);
  const words = sentences.flatMap((s) => wordsOf(s.text));
  const syllables = syllablesOf(words);
  const grade =
    words.length === 0
      ? 0
      : fleschKincaid({ sentence: sentences.length, word: words.length, syllable: syllables });
  return {
    grade: Math.round(grade * 10) / 10,
    words: words.length,
    sentences: sentences.length,
    syllables,
  };
}

/** Every place the text breaks the guide, in text order, each with the sentence it is in and its fix. */
export function checkBrand(text: string, guide: BrandGuide): { findings: BrandFinding[]; reading: Reading } {
  const sentences = sentencesOf(text);
  const sentenceAt = (i: number) => {
    const s = sentences.find((x) => i >= x.start && i < x.end) ?? sentences.at(-1);
    const t = s?.text ?? text.trim();
    return t.length > QUOTE_MAX ? `${t.slice(0, QUOTE_MAX - 1)}…` : t;
  };
  const found: (BrandFinding & { at: number })[] = [];
  const add = (at: number, f: BrandFinding) => found.push({ ...f, at });
  const terms = (
    list: BrandGuide["banned"],
    rule: BrandRule,
    severity: "error" | "warning",
    skip = noSpans,
  ) => {
    for (const t of list)
      for (const m of text.matchAll(termPattern(t.term))) {
        const at = m.index ?? 0;
        if (!skip(at, at + m[0].length))
          add(at, { rule, severity, match: m[0], quote: sentenceAt(at), fix: t.fix });
      }
  };

  terms(guide.banned, "banned_word", "error");
  // claims inside an approved claim are proven already
  const approved = guide.claims.approved.flatMap((a) =>
    [...text.matchAll(new RegExp(literal(a.claim), "gi"))].map((m) => [
      m.index ?? 0,
      (m.index ?? 0) + m[0].length,
    ]),
  );
  const isApproved = (from: number, to: number) =>
    approved.some(([a, b]) => from >= (a ?? 0) && to <= (b ?? 0));
  terms(guide.claims.need_proof, "claim_needs_proof", "error", isApproved);
  if (guide.claims.numbers_need_proof)
    for (const m of text.matchAll(NUMBER_CLAIM)) {
      const at = m.index ?? 0;
      if (!isApproved(at, at + m[0].length))
        add(at, {
          rule: "claim_needs_proof",
          severity: "error",
          match: m[0],
          quote: sentenceAt(at),
          fix: "Cite the source of this figure (study, customer, benchmark), or add it to the approved claims.",
        });
    }

  terms(guide.voice.avoid, "voice", "warning");
  const acronyms = new Set(guide.voice.acronyms);
  for (const m of text.matchAll(SHOUTING))
    if (!acronyms.has(m[0]))
      add(m.index ?? 0, {
        rule: "voice",
        severity: "warning",
        match: m[0],
        quote: sentenceAt(m.index ?? 0),
        fix: `Write "${m[0]}" in sentence case; capitals read as shouting (acronyms: add them to the guide).`,
      });
  const bangs = [...text.matchAll(/!/g)];
  const extra = bangs[guide.voice.max_exclamations];
  if (extra)
    add(extra.index ?? 0, {
      rule: "voice",
      severity: "warning",
      match: "!",
      quote: sentenceAt(extra.index ?? 0),
      fix: `${bangs.length} exclamation marks; use at most ${guide.voice.max_exclamations} and end the others with a period.`,
    });

  const reading = readingOf(text);
  for (const s of sentences) {
    const n = wordsOf(s.text).length;
    if (n > guide.reading.max_sentence_words)
      add(s.start, {
        rule: "reading_level",
        severity: "warning",
        match: `${n} words`,
        quote: sentenceAt(s.start),
        fix: `Split this sentence: ${n} words, the guide allows ${guide.reading.max_sentence_words}.`,
      });
  }
  if (reading.grade > guide.reading.max_grade) {
    // the sentence that pulls the grade up most: most syllables per word, then the longest
    const hardest = [...sentences].sort((a, b) => weight(b.text) - weight(a.text))[0];
    add(hardest?.start ?? 0, {
      rule: "reading_level",
      severity: "warning",
      match: `grade ${reading.grade}`,
      quote: sentenceAt(hardest?.start ?? 0),
      fix: `The text reads at grade ${reading.grade}; the guide asks for ${guide.reading.max_grade} or below. Use shorter words and sentences, starting here.`,
    });
  }
  return {
    findings: found.sort((a, b) => a.at - b.at).map(({ at: _, ...f }) => f),
    reading,
  };
}

const noSpans = (_from: number, _to: number) => false;

/** Flesch-Kincaid's own weights for one sentence: 0.39 × words + 11.8 × syllables per word. */
function weight(sentence: string): number {
  const w = wordsOf(sentence);
  return w.length === 0 ? 0 : 0.39 * w.length + (11.8 * syllablesOf(w)) / w.length;
}
