import { z } from "zod";

/** A word or phrase with the fix to suggest; matched whole-word, case-insensitive. */
const TermSchema = z.object({
  term: z.string().trim().min(1).max(80),
  fix: z.string().trim().min(1).max(200),
});

/** The brand guide brand_check applies and brand://guide shows; BRAND_GUIDE_FILE replaces the default. */
export const BrandGuideSchema = z
  .object({
    name: z.string().trim().min(1).max(80),
    voice: z
      .object({
        summary: z.string().max(500),
        /** Phrases off-voice for the brand (jargon, hype), each with the plainer wording. */
        avoid: z.array(TermSchema).max(500).default([]),
        /** More exclamation marks than this in one text is shouting. */
        max_exclamations: z.number().int().min(0).max(20).default(1),
        /** Words of 4+ capitals not in this list read as shouting. */
        acronyms: z.array(z.string().trim().min(2).max(12)).max(500).default([]),
      })
      .strict(),
    banned: z.array(TermSchema).max(500).default([]),
    claims: z
      .object({
        /** Words that make a claim someone may ask us to prove. */
        need_proof: z.array(TermSchema).max(500).default([]),
        /** Percentages and multipliers ("40%", "3x") need proof too. */
        numbers_need_proof: z.boolean().default(true),
        /** Claims with proof on file: text containing one of them is not flagged for it. */
        approved: z
          .array(
            z.object({ claim: z.string().trim().min(1).max(300), proof: z.string().trim().min(1).max(300) }),
          )
          .max(200)
          .default([]),
      })
      .strict(),
    reading: z
      .object({
        /** Highest Flesch-Kincaid grade for the whole text. */
        max_grade: z.number().min(1).max(20).default(9),
        /** Sentences longer than this many words are flagged. */
        max_sentence_words: z.number().int().min(5).max(100).default(25),
      })
      .strict(),
  })
  .strict();

export type BrandGuide = z.output<typeof BrandGuideSchema>;

export const DEFAULT_BRAND_GUIDE: BrandGuide = BrandGuideSchema.parse({
  name: "Default brand guide",
  voice: {
    summary:
      "Plain, confident and specific: short sentences, concrete outcomes, no hype. Speak to the reader as you.",
    avoid: [
      { term: "synergy", fix: "Say what works together and what it achieves." },
      { term: "leverage", fix: 'Use "use".' },
      { term: "best-in-class", fix: "Name the measure you lead on, with its proof." },
      { term: "cutting-edge", fix: "Say what is new and why it matters." },
      { term: "game-changer", fix: "Say what changes for the reader." },
      { term: "revolutionary", fix: "Say what is different, concretely." },
      { term: "world-class", fix: "Name the standard you meet." },
      { term: "seamless", fix: "Say how long it takes or what it needs." },
    ],
    max_exclamations: 1,
    acronyms: [
      "CRM",
      "ROI",
      "SaaS",
      "MQL",
      "SQL",
      "B2B",
      "API",
      "CEO",
      "CFO",
      "CRO",
      "ARR",
      "NPS",
      "USA",
      "GDPR",
    ],
  },
  banned: [
    { term: "cheap", fix: 'Use "affordable" or state the price.' },
    { term: "utilize", fix: 'Use "use".' },
    { term: "crush the competition", fix: "Say what the reader gains; do not attack competitors." },
    { term: "no-brainer", fix: "Give the reason to act." },
  ],
  claims: {
    need_proof: [
      { term: "best", fix: "Cite the ranking or survey, or drop the superlative." },
      { term: "#1", fix: "Cite the ranking, or drop it." },
      { term: "guaranteed", fix: "Link the guarantee's terms, or drop it." },
      { term: "proven", fix: "Cite the study or customer result." },
      { term: "fastest", fix: "Cite the benchmark, or drop the superlative." },
      { term: "leading", fix: "Cite the market share or analyst report, or drop it." },
    ],
    numbers_need_proof: true,
    approved: [],
  },
  reading: { max_grade: 9, max_sentence_words: 25 },
});
