import type { SqlDb } from "@revops/store";
import { modelVisibleTokens, type SandboxServer, withSandboxServer } from "@revops/testing";
import { describe, expect, it } from "vitest";
import { createCustomerSuccessServer } from "../src/server";

/** ticket_trends against every figure recomputed here in SQL from sb_tickets (SQLite date functions). */
let db: SqlDb;
let s: SandboxServer["s"];
let today: string;
withSandboxServer(
  "cs-trends",
  () => [createCustomerSuccessServer()],
  (h) => {
    ({ db, s, today } = h);
  },
);

const minus = (day: string, n: number) =>
  new Date(Date.parse(day) - n * 86_400_000).toISOString().slice(0, 10);
const IN_PERIOD = "created_at >= :from AND substr(created_at, 1, 10) <= :to";
const bind = (sql: string, from: string, to: string) =>
  sql.replaceAll(":from", `'${from}'`).replaceAll(":to", `'${to}'`);

/** Nearest-rank percentile in SQL: the value at row ceil(p·n) of the sorted non-null values. */
async function pct(expr: string, where: string, p: number, from: string, to: string, scale = 1) {
  const n = Number(
    (
      await db.one<{ n: number }>(
        bind(
          `SELECT COUNT(*) AS n FROM sb_tickets WHERE ${IN_PERIOD} AND ${where} AND ${expr} IS NOT NULL`,
          from,
          to,
        ),
      )
    )?.n,
  );
  if (n === 0) return null;
  const row = await db.one<{ v: number }>(
    bind(
      `SELECT ${expr} AS v FROM sb_tickets WHERE ${IN_PERIOD} AND ${where} AND ${expr} IS NOT NULL
       ORDER BY v LIMIT 1 OFFSET ${Math.max(0, Math.ceil(p * n) - 1)}`,
      from,
      to,
    ),
  );
  return Math.round((Number(row?.v) / scale) * 10) / 10;
}

const RESOLUTION =
  "CASE WHEN solved_at IS NULL THEN NULL ELSE CAST(ROUND((julianday(solved_at) - julianday(created_at)) * 1440) AS INTEGER) END";
const share = (good: number, rated: number) => (rated > 0 ? Math.round((good / rated) * 1000) / 1000 : null);

describe("ticket_trends", () => {
  for (const period of [{}, { from: "2026-01-01", to: "2026-06-30" }]) {
    it(`recomputes volume, CSAT, percentiles and backlog from the rows (${JSON.stringify(period)})`, async () => {
      const to = (period as { to?: string }).to ?? today;
      const from = (period as { from?: string }).from ?? minus(to, 90);
      const r = await s.call("ticket_trends", { ...period, tags: 50 });
      const t = await db.one<Record<string, number>>(
        bind(
          `SELECT COUNT(*) AS created, SUM(CASE WHEN solved_at IS NOT NULL THEN 1 ELSE 0 END) AS solved,
             SUM(CASE WHEN csat IS NOT NULL THEN 1 ELSE 0 END) AS rated, SUM(CASE WHEN csat = 'good' THEN 1 ELSE 0 END) AS good
           FROM sb_tickets WHERE ${IN_PERIOD}`,
          from,
          to,
        ),
      );
      expect(r.data.totals).toEqual({
        created: Number(t?.created),
        solved: Number(t?.solved),
        csat_rated: Number(t?.rated),
        csat_good: share(Number(t?.good), Number(t?.rated)),
        first_reply_minutes: {
          p50: await pct("first_response_minutes", "1 = 1", 0.5, from, to),
          p90: await pct("first_response_minutes", "1 = 1", 0.9, from, to),
        },
        resolution_hours: {
          p50: await pct(RESOLUTION, "1 = 1", 0.5, from, to, 60),
          p90: await pct(RESOLUTION, "1 = 1", 0.9, from, to, 60),
        },
      });
      for (const p of r.data.by_priority as {
        priority: string;
        tickets: number;
        first_reply_minutes: unknown;
        resolution_hours: unknown;
      }[]) {
        const where = `priority = '${p.priority}'`;
        const n = await db.one<{ n: number }>(
          bind(`SELECT COUNT(*) AS n FROM sb_tickets WHERE ${IN_PERIOD} AND ${where}`, from, to),
        );
        expect(p.tickets).toBe(Number(n?.n));
        expect(p.first_reply_minutes).toEqual({
          p50: await pct("first_response_minutes", where, 0.5, from, to),
          p90: await pct("first_response_minutes", where, 0.9, from, to),
        });
        expect(p.resolution_hours).toEqual({
          p50: await pct(RESOLUTION, where, 0.5, from, to, 60),
          p90: await pct(RESOLUTION, where, 0.9, from, to, 60),
        });
      }
      // every tag, counted with LIKE on the comma-separated column
      const tags = new Set(
        (
          await db.query<{ tags: string }>(
            bind(`SELECT DISTINCT tags FROM sb_tickets WHERE ${IN_PERIOD}`, from, to),
          )
        ).flatMap((x) => x.tags.split(",")),
      );
      const want = [];
      for (const tag of tags) {
        const x = await db.one<Record<string, number>>(
          bind(
            `SELECT COUNT(*) AS n, SUM(CASE WHEN csat IS NOT NULL THEN 1 ELSE 0 END) AS rated,
               SUM(CASE WHEN csat = 'good' THEN 1 ELSE 0 END) AS good
             FROM sb_tickets WHERE ${IN_PERIOD} AND ',' || tags || ',' LIKE ?`,
            from,
            to,
          ),
          [`%,${tag},%`],
        );
        want.push({
          tag,
          tickets: Number(x?.n),
          csat_rated: Number(x?.rated),
          csat_good: share(Number(x?.good), Number(x?.rated)),
        });
      }
      want.sort((a, b) => b.tickets - a.tickets || a.tag.localeCompare(b.tag));
      expect(r.data.by_tag).toEqual(want);
      const months = await db.query<Record<string, unknown>>(
        bind(
          `SELECT substr(created_at, 1, 7) AS month, COUNT(*) AS tickets, SUM(CASE WHEN csat IS NOT NULL THEN 1 ELSE 0 END) AS rated,
             SUM(CASE WHEN csat = 'good' THEN 1 ELSE 0 END) AS good
           FROM sb_tickets WHERE ${IN_PERIOD} GROUP BY substr(created_at, 1, 7) ORDER BY month`,
          from,
          to,
        ),
      );
      expect(r.data.by_month).toEqual(
        months.map((m) => ({
          month: m.month,
          tickets: Number(m.tickets),
          csat_good: share(Number(m.good), Number(m.rated)),
        })),
      );
      const ages = (
        await db.query<{ age: number }>(
          "SELECT CAST(julianday(?) - julianday(substr(created_at, 1, 10)) AS INTEGER) AS age FROM sb_tickets WHERE status IN ('new', 'open', 'pending')",
          [today],
        )
      ).map((x) => Number(x.age));
      const count = (lo: number, hi: number) => ages.filter((a) => a >= lo && a <= hi).length;
      expect(r.data.backlog).toEqual({
        unsolved: ages.length,
        by_age: {
          "0-1d": count(0, 1),
          "2-7d": count(2, 7),
          "8-30d": count(8, 30),
          "31-90d": count(31, 90),
          "90d+": count(91, 1e9),
        },
        oldest_days: ages.length ? Math.max(...ages) : null,
      });
      expect(Number(t?.created)).toBeGreaterThan(100);
    });
  }

  it("lists the top tags only when asked for fewer, refuses a reversed period, and keeps within the token budget", async () => {
    const all = await s.call("ticket_trends", { tags: 50 });
    const few = await s.call("ticket_trends", { tags: 3 });
    expect(few.data.by_tag).toEqual(all.data.by_tag.slice(0, 3));
    expect(few.data.other_tags).toBe(all.data.by_tag.length - 3);
    const bad = await s.client.callTool({
      name: "ticket_trends",
      arguments: { from: "2026-06-01", to: "2026-01-01" },
    });
    expect(bad.isError).toBe(true);
    expect(JSON.stringify(bad.content)).toMatch(/from 2026-06-01 is after to 2026-01-01/);
    const { tools } = await s.client.listTools();
    const t = tools.find((x) => x.name === "ticket_trends");
    if (!t) throw new Error("ticket_trends is not listed");
    const tokens = modelVisibleTokens(t);
    console.info(`ticket_trends: ${tokens} model-visible tokens`);
    expect(tokens).toBeLessThanOrEqual(120);
  });
});
