import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { connectInProcess, tempDataDir } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DEFAULT_BRAND_GUIDE } from "../src/domain/brand-guide";
import { loadBrandGuide } from "../src/integrations/brand-config";
import { createMarketingServer } from "../src/server";

// Expectations are counted by hand: syllables per word, words, sentences, and the Flesch-Kincaid grade
// 0.39 × words/sentences + 11.8 × syllables/words − 15.59.

const LONG_WORDS = "Comprehensive organizational transformation necessitates administrative commitment.";
const SIMPLE = "The cat sat on the mat. We like it.";

let s: Awaited<ReturnType<typeof connectInProcess>>;

beforeAll(async () => {
  s = await connectInProcess([createMarketingServer()]);
});
afterAll(async () => s?.close());

const check = async (text: string, client = s) => {
  const r = await client.call("brand_check", { text });
  expect(r.isError, r.text).toBe(false);
  return r.data;
};

describe("brand_check with the default guide", () => {
  it("quotes each banned word, unproven claim and off-voice phrase with its fix, in text order", async () => {
    const first = "Our best-in-class platform is the #1 choice!";
    const r = await check(`${first} Cut forecast errors by 40%. It is cheap!! Read the GUIDE.`);
    expect(r.findings).toEqual([
      {
        rule: "voice",
        severity: "warning",
        match: "best-in-class",
        quote: first,
        fix: "Name the measure you lead on, with its proof.",
      },
      {
        rule: "claim_needs_proof",
        severity: "error",
        match: "#1",
        quote: first,
        fix: "Cite the ranking, or drop it.",
      },
      {
        rule: "claim_needs_proof",
        severity: "error",
        match: "40%",
        quote: "Cut forecast errors by 40%.",
        fix: "Cite the source of this figure (study, customer, benchmark), or add it to the approved claims.",
      },
      {
        rule: "banned_word",
        severity: "error",
        match: "cheap",
        quote: "It is cheap!!",
        fix: 'Use "affordable" or state the price.',
      },
      {
        rule: "voice",
        severity: "warning",
        match: "!",
        quote: "It is cheap!!",
        fix: "3 exclamation marks; use at most 1 and end the others with a period.",
      },
      {
        rule: "voice",
        severity: "warning",
        match: "GUIDE",
        quote: "Read the GUIDE.",
        fix: 'Write "GUIDE" in sentence case; capitals read as shouting (acronyms: add them to the guide).',
      },
    ]);
    expect(r).toMatchObject({ passed: false, errors: 3, warnings: 3, guide: DEFAULT_BRAND_GUIDE.name });
  });

  it("matches whole words only, and lets listed acronyms be", async () => {
    const r = await check("They bestow a CRM on #10 teams, not the best one.");
    expect(r.findings.map((f: { match: string }) => f.match)).toEqual(["best"]);
  });

  it("grades plain text by hand: 9 words, 9 syllables, 2 sentences → grade −2.0, nothing found", async () => {
    const r = await check(SIMPLE);
    // 0.39 × 9/2 + 11.8 × 9/9 − 15.59 = −2.035
    expect(r.reading).toEqual({ grade: -2, max_grade: 9, words: 9, sentences: 2, syllables: 9 });
    expect(r).toMatchObject({ passed: true, errors: 0, warnings: 0, findings: [] });
  });

  it("flags a text above the guide's grade, quoting the sentence that pulls it up", async () => {
    // 6 words, 4+6+4+4+5+3 = 26 syllables, 1 sentence: 0.39 × 6 + 11.8 × 26/6 − 15.59 = 37.88
    const r = await check(`${SIMPLE} ${LONG_WORDS}`);
    // whole text: 15 words, 35 syllables, 3 sentences: 0.39 × 5 + 11.8 × 35/15 − 15.59 = 13.89
    expect(r.reading).toEqual({ grade: 13.9, max_grade: 9, words: 15, sentences: 3, syllables: 35 });
    expect(r.findings).toEqual([
      {
        rule: "reading_level",
        severity: "warning",
        match: "grade 13.9",
        quote: LONG_WORDS,
        fix: "The text reads at grade 13.9; the guide asks for 9 or below. Use shorter words and sentences, starting here.",
      },
    ]);
    expect(r.passed).toBe(true);
  });

  it("flags a sentence over the word limit: 30 one-syllable words → grade 7.9, one finding", async () => {
    const text = `${"the dog ran ".repeat(10).trim()}.`;
    const r = await check(text);
    // 0.39 × 30 + 11.8 × 1 − 15.59 = 7.91
    expect(r.reading).toMatchObject({ grade: 7.9, words: 30, sentences: 1, syllables: 30 });
    expect(r.findings).toEqual([
      {
        rule: "reading_level",
        severity: "warning",
        match: "30 words",
        quote: text,
        fix: "Split this sentence: 30 words, the guide allows 25.",
      },
    ]);
  });

  it("serves the guide it applies as brand://guide", async () => {
    const r = await s.client.readResource({ uri: "brand://guide" });
    const text = (r.contents[0] as { text: string }).text;
    expect(JSON.parse(text)).toEqual(DEFAULT_BRAND_GUIDE);
  });
});

describe("brand_check with BRAND_GUIDE_FILE", () => {
  let custom: Awaited<ReturnType<typeof connectInProcess>>;
  let file: string;
  beforeAll(async () => {
    file = join(tempDataDir("brand-guide"), "guide.json");
    writeFileSync(
      file,
      JSON.stringify({
        name: "Acme guide",
        banned: [{ term: "free trial", fix: 'Say "try it for 14 days".' }],
        claims: { approved: [{ claim: "cut forecast errors by 40%", proof: "2026 customer study" }] },
        reading: { max_grade: 6 },
      }),
    );
    vi.stubEnv("BRAND_GUIDE_FILE", file);
    custom = await connectInProcess([createMarketingServer()]);
  });
  afterAll(async () => {
    await custom?.close();
    vi.unstubAllEnvs();
  });

  it("overlays the file on the default, section by section, and shows the result as brand://guide", async () => {
    const r = await custom.client.readResource({ uri: "brand://guide" });
    const guide = JSON.parse((r.contents[0] as { text: string }).text);
    expect(guide.name).toBe("Acme guide");
    expect(guide.banned).toEqual([{ term: "free trial", fix: 'Say "try it for 14 days".' }]);
    expect(guide.reading).toEqual({ max_grade: 6, max_sentence_words: 25 });
    expect(guide.voice).toEqual(DEFAULT_BRAND_GUIDE.voice);
    expect(guide.claims.need_proof).toEqual(DEFAULT_BRAND_GUIDE.claims.need_proof);
  });

  it("accepts approved claims and applies the file's banned words", async () => {
    const r = await check("We cut forecast errors by 40%. Start a Free Trial today.", custom);
    expect(r.findings).toEqual([
      {
        rule: "banned_word",
        severity: "error",
        match: "Free Trial",
        quote: "Start a Free Trial today.",
        fix: 'Say "try it for 14 days".',
      },
    ]);
  });

  it("refuses a bad file at load, naming the variable, the field and the fix", () => {
    const bad = join(tempDataDir("brand-guide-bad"), "guide.json");
    writeFileSync(bad, JSON.stringify({ reading: { max_grade: "high" } }));
    expect(() => loadBrandGuide({ BRAND_GUIDE_FILE: bad })).toThrow(/BRAND_GUIDE_FILE: .*reading\.max_grade/);
    writeFileSync(bad, "{not json");
    expect(() => loadBrandGuide({ BRAND_GUIDE_FILE: bad })).toThrow(
      /BRAND_GUIDE_FILE: cannot read .* as JSON/,
    );
    expect(loadBrandGuide({})).toBe(DEFAULT_BRAND_GUIDE);
  });
});
