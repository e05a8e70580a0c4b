import type { SqlDb } from "@revops/store";
import { modelVisibleTokens, type SandboxServer, withSandboxServer } from "@revops/testing";
import { describe, expect, it } from "vitest";
import { TERMS_SHOWN, THEME_LEXICON } from "../src/domain/feedback-themes";
import { createCustomerSuccessServer } from "../src/server";
import { MAX_TICKET_SUBJECTS } from "../src/tools/feedback/feedback-themes";

/** feedback_themes against theme counts recomputed here from sb_nps_responses / sb_tickets rows (own matcher). */
let db: SqlDb;
let s: SandboxServer["s"];
let today: string;
withSandboxServer(
  "cs-feedback-themes",
  () => [createCustomerSuccessServer()],
  (h) => {
    ({ db, s, today } = h);
  },
);

const minus = (day: string, n: number) =>
  new Date(Date.parse(day) - n * 86_400_000).toISOString().slice(0, 10);

/** An independent matcher: a regex per term, words joined by any run of non-alphanumerics, at word edges. */
const termRegex = (term: string) =>
  new RegExp(`(^|[^a-z0-9])${term.split(" ").join("[^a-z0-9]+")}($|[^a-z0-9])`);
const MATCHERS = Object.entries(THEME_LEXICON).map(([theme, terms]) => ({
  theme,
  terms: terms.map((t) => ({ t, re: termRegex(t) })),
}));

interface Raw {
  kind: "nps" | "ticket";
  account_id: string;
  text: string;
  score: number | null;
}

describe("feedback_themes", () => {
  // the last period holds more tickets than the cap: only the newest are read, and a caveat says so
  for (const period of [{}, { from: "2026-01-01", to: "2026-06-30" }, { from: "2025-06-01" }]) {
    it(`recomputes themes from the raw rows (${JSON.stringify(period)})`, async () => {
      const to = (period as { to?: string }).to ?? today;
      const from = (period as { from?: string }).from ?? minus(to, 90);
      const r = await s.call("feedback_themes", period);
      const nps = await db.query<Raw>(
        `SELECT 'nps' AS kind, account_id, comment AS text, score FROM sb_nps_responses
         WHERE responded_at >= ? AND substr(responded_at, 1, 10) <= ? AND comment IS NOT NULL AND TRIM(comment) <> ''`,
        [from, to],
      );
      const tickets = await db.query<Raw>(
        `SELECT 'ticket' AS kind, account_id, subject AS text, NULL AS score FROM sb_tickets
         WHERE created_at >= ? AND substr(created_at, 1, 10) <= ? ORDER BY created_at DESC, id DESC LIMIT ?`,
        [from, to, MAX_TICKET_SUBJECTS],
      );
      const arr = new Map(
        (
          await db.query<{ id: string; arr: number }>(
            "SELECT id, arr FROM sb_accounts WHERE lifecycle = 'customer'",
          )
        ).map((a) => [a.id, Number(a.arr)]),
      );
      const rows = [...nps, ...tickets];
      const want = new Map<string, { rows: Raw[]; terms: Map<string, number> }>();
      let other = 0;
      for (const row of rows) {
        const lower = row.text.toLowerCase();
        let any = false;
        for (const { theme, terms } of MATCHERS) {
          const hit = terms.filter(({ re }) => re.test(lower)).map(({ t }) => t);
          if (!hit.length) continue;
          any = true;
          const w = want.get(theme) ?? { rows: [] as Raw[], terms: new Map<string, number>() };
          w.rows.push(row);
          for (const t of hit) w.terms.set(t, (w.terms.get(t) ?? 0) + 1);
          want.set(theme, w);
        }
        if (!any) other++;
      }
      expect(r.data.meta.inputs).toEqual({ nps_comments: nps.length, tickets: tickets.length });
      expect(r.data.other).toEqual({
        mentions: other,
        share: Math.round((other / rows.length) * 1000) / 1000,
      });
      const got = r.data.themes as {
        theme: string;
        mentions: number;
        nps_comments: number;
        tickets: number;
        accounts: number;
        arr: number;
        detractor_share: number | null;
        matched_terms: string[];
        quotes: string[];
      }[];
      expect(got.map((t) => t.theme).sort()).toEqual([...want.keys()].sort());
      for (const t of got) {
        const w = want.get(t.theme);
        if (!w) throw new Error(`unexpected theme ${t.theme}`);
        const npsRows = w.rows.filter((x) => x.kind === "nps");
        const accounts = new Set(w.rows.map((x) => x.account_id));
        expect(t).toMatchObject({
          mentions: w.rows.length,
          nps_comments: npsRows.length,
          tickets: w.rows.length - npsRows.length,
          accounts: accounts.size,
          arr: [...accounts].reduce((sum, a) => sum + (arr.get(a) ?? 0), 0),
          detractor_share: npsRows.length
            ? Math.round((npsRows.filter((x) => Number(x.score) <= 6).length / npsRows.length) * 1000) / 1000
            : null,
        });
        // the most frequent terms, ties by name
        const top = [...w.terms].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, TERMS_SHOWN);
        expect(t.matched_terms).toEqual(top.map(([term]) => term));
        expect(t.quotes.length).toBe(Math.min(2, w.rows.length));
        // each quote is one of the theme's own texts
        for (const q of t.quotes)
          expect(w.rows.some((x) => x.text.startsWith(q.replace(/…$/, "")))).toBe(true);
      }
      console.info(
        `feedback_themes ${from}..${to}: ${nps.length} comments, ${tickets.length} tickets, other ${other};`,
        got.map((t) => `${t.theme} ${t.mentions}`).join(", "),
        r.data.meta.caveats,
      );
      const all = await db.one<{ n: number }>(
        "SELECT COUNT(*) AS n FROM sb_tickets WHERE created_at >= ? AND substr(created_at, 1, 10) <= ?",
        [from, to],
      );
      const capped = `Only the newest ${MAX_TICKET_SUBJECTS} of ${Number(all?.n)} tickets' subjects were read.`;
      expect(r.data.meta.caveats.includes(capped)).toBe(Number(all?.n) > MAX_TICKET_SUBJECTS);
      expect(rows.length).toBeGreaterThan(50);
      expect(got.length).toBeGreaterThan(5);
      expect(r.data.meta.method).toMatch(/^feedback-themes-v1/);
      expect(r.data.meta.as_of).toBe(today);
    });
  }

  it("refuses a reversed period and keeps within the token budget", async () => {
    const bad = await s.client.callTool({
      name: "feedback_themes",
      arguments: { from: "2026-06-01", to: "2026-01-01" },
    });
    expect(bad.isError).toBe(true);
    expect(JSON.stringify(bad.content)).toMatch(/from 2026-06-01 is after to 2026-01-01/);
    const { tools } = await s.client.listTools();
    const t = tools.find((x) => x.name === "feedback_themes");
    if (!t) throw new Error("feedback_themes is not listed");
    const tokens = modelVisibleTokens(t);
    console.info(`feedback_themes: ${tokens} model-visible tokens`);
    expect(tokens).toBeLessThanOrEqual(100);
  });
});
