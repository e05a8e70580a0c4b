import type { SqlDb } from "@revops/store";
import { modelVisibleTokens, type SandboxServer, withSandboxServer } from "@revops/testing";
import { describe, expect, it } from "vitest";
import { createCustomerSuccessServer } from "../src/server";

/** qbr_prep's figures recomputed with SQL on the sandbox rows (Ivyhill Inc: the documented renewal in commit). */
let db: SqlDb;
let s: SandboxServer["s"];
let today: string;
withSandboxServer(
  "cs-qbr",
  () => [createCustomerSuccessServer()],
  (h) => {
    ({ db, s, today } = h);
  },
);

const day = (n: number) => new Date(Date.parse(today) + n * 86_400_000).toISOString().slice(0, 10);
type Fact = { area: string; fact: string; value: number | string | null; source: string };

describe("qbr_prep", () => {
  it("states every figure with its source, each equal to SQL on the raw rows", async () => {
    const acc = await db.one<{ id: string; arr: number }>(
      "SELECT id, arr FROM sb_accounts WHERE name = 'Ivyhill Inc'",
    );
    const id = String(acc?.id);
    const r = await s.call("qbr_prep", { account_id: id });
    expect(r.isError, r.text).toBe(false);
    const facts = r.data.facts as Fact[];
    const value = (area: string, start: string) =>
      facts.find((f) => f.area === area && f.fact.startsWith(start))?.value;
    expect(facts.every((f) => f.source.length > 0)).toBe(true);
    expect(r.data.arr).toBe(Number(acc?.arr));
    const t = await db.one<{ n: number; urgent: number; bad: number }>(
      `SELECT COUNT(*) AS n, SUM(CASE WHEN priority = 'urgent' THEN 1 ELSE 0 END) AS urgent,
         SUM(CASE WHEN csat = 'bad' THEN 1 ELSE 0 END) AS bad
       FROM sb_tickets WHERE account_id = ? AND created_at >= ? AND created_at < ?`,
      [id, day(-90), day(1)],
    );
    expect(value("support", "tickets in the last 90")).toBe(Number(t?.n));
    expect(value("support", "urgent")).toBe(Number(t?.urgent ?? 0));
    expect(value("support", "bad CSAT")).toBe(Number(t?.bad ?? 0));
    const nps = await db.one<{ avg: number | null }>(
      "SELECT AVG(score * 1.0) AS avg FROM sb_nps_responses WHERE account_id = ? AND responded_at >= ? AND responded_at < ?",
      [id, day(-180), day(1)],
    );
    expect(value("nps", "average NPS")).toBe(
      nps?.avg === null ? null : Math.round(Number(nps?.avg) * 10) / 10,
    );
    const sub = await db.one<{ seats: number; renewal_date: string }>(
      "SELECT seats, renewal_date FROM sb_subscriptions WHERE account_id = ? AND status = 'active'",
      [id],
    );
    expect(value("renewal", "renewal date")).toBe(sub?.renewal_date);
    const d = new Date(`${today}T00:00:00Z`);
    const month = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 0)).toISOString().slice(0, 7);
    const mau = await db.one<{ active_users: number }>(
      "SELECT active_users FROM sb_usage_monthly WHERE account_id = ? AND month = ?",
      [id, month],
    );
    expect(value("usage", "monthly actives per seat")).toBe(
      Math.round((Number(mau?.active_users) / Number(sub?.seats)) * 100) / 100,
    );
    const deal = await db.one<{ id: string; stage: string; forecast_category: string }>(
      "SELECT id, stage, forecast_category FROM sb_deals WHERE account_id = ? AND type = 'renewal' AND stage NOT IN ('closed_won', 'closed_lost')",
      [id],
    );
    expect(value("renewal", `renewal deal ${deal?.id}`)).toBe(`${deal?.stage}, ${deal?.forecast_category}`);
    expect(deal?.forecast_category).toBe("commit");
    // the same health score account_health reports
    const health = await s.call("account_health", { account_id: id, months: 1 });
    expect(value("health", "health score")).toBe(health.data.score);
    const recent = await db.query<{ id: string }>(
      "SELECT id FROM sb_tickets WHERE account_id = ? ORDER BY created_at DESC, id DESC LIMIT 3",
      [id],
    );
    expect(r.data.recent_tickets.map((x: { id: string }) => x.id)).toEqual(recent.map((x) => x.id));
    expect(r.text).toContain("<<<untrusted ticket subject");
  });

  it("refuses an account that is not a customer, naming the field, and keeps within the token budget", async () => {
    const r = await s.call("qbr_prep", { account_id: "acc_none" });
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/No customer account acc_none/);
    const tools = await s.client.listTools();
    expect(modelVisibleTokens(tools.tools.find((t) => t.name === "qbr_prep") as never)).toBeLessThanOrEqual(
      100,
    );
  });
});
