import { describe, expect, it } from "vitest";
import {
  type FeedbackItem,
  feedbackThemes,
  matchThemes,
  normaliseText,
  THEME_LEXICON,
} from "./feedback-themes";

const nps = (id: string, accountId: string, score: number, text: string, at: string): FeedbackItem => ({
  source: "nps",
  id,
  accountId,
  text,
  score,
  at,
});
const ticket = (id: string, accountId: string, text: string, at: string): FeedbackItem => ({
  source: "ticket",
  id,
  accountId,
  text,
  score: null,
  at,
});

describe("feedback themes", () => {
  it("normalises case, accents and punctuation before matching whole words", () => {
    expect(normaliseText("  Pricing—is TOO high!! Café ")).toBe("pricing is too high cafe");
    expect([...matchThemes("The API is slow.").keys()].sort()).toEqual(["integrations", "performance"]);
    // "slowly" is not "slow": whole words only
    expect(matchThemes("It loads slowly").has("performance")).toBe(false);
  });

  it("every lexicon term is already normalised, so it can match", () => {
    for (const terms of Object.values(THEME_LEXICON)) for (const t of terms) expect(normaliseText(t)).toBe(t);
  });

  it("counts mentions, accounts, ARR, detractor share, terms, newest quotes and other", () => {
    const items = [
      nps("n1", "a1", 3, "Too expensive for what we get.", "2026-03-01"),
      nps("n2", "a2", 9, "Pricing is fair, great value for money", "2026-03-02"),
      nps("n3", "a1", 5, "Reports keep timing out", "2026-03-03"),
      ticket("t1", "a3", "Invoice was charged twice", "2026-03-04"),
      ticket("t2", "a1", "Dashboard extremely slow", "2026-03-05"),
      nps("n4", "a2", 10, "Love it", "2026-03-06"),
    ];
    const arr = new Map([
      ["a1", 1000],
      ["a2", 500],
    ]);
    const r = feedbackThemes(items, arr, 2);

    expect(r.other).toEqual({ mentions: 1, share: 0.167 });
    const by = Object.fromEntries(r.themes.map((t) => [t.theme, t]));
    expect(by.pricing).toMatchObject({
      mentions: 2,
      nps_comments: 2,
      tickets: 0,
      accounts: 2,
      arr: 1500,
      detractor_share: 0.5,
      quotes: ["Pricing is fair, great value for money", "Too expensive for what we get."],
    });
    expect(by.pricing?.matched_terms.sort()).toEqual(["expensive", "pricing", "value for money"]);
    expect(by.performance).toMatchObject({
      mentions: 2,
      nps_comments: 1,
      tickets: 1,
      accounts: 1,
      arr: 1000,
    });
    expect(by.performance?.detractor_share).toBe(1);
    // a ticket-only theme has no detractor share; an account without known ARR adds 0
    expect(by.billing).toMatchObject({ mentions: 1, tickets: 1, arr: 0, detractor_share: null });
    expect(by.billing?.matched_terms).toEqual(["charged", "charged twice", "invoice"]);
    // most mentioned first, then by name
    expect(r.themes.map((t) => t.theme).slice(0, 3)).toEqual(["performance", "pricing", "reporting"]);
  });

  it("shortens long quotes and is empty without items", () => {
    const long = `Pricing ${"x".repeat(300)}`;
    const r = feedbackThemes([nps("n1", "a1", 2, long, "2026-01-01")], new Map());
    expect(r.themes[0]?.quotes[0]?.length).toBe(100);
    expect(feedbackThemes([], new Map())).toEqual({ themes: [], other: { mentions: 0, share: null } });
  });
});
