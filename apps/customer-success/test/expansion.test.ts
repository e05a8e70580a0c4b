import type { SqlDb } from "@revops/store";
import { modelVisibleTokens, type SandboxServer, withSandboxServer } from "@revops/testing";
import { describe, expect, it } from "vitest";
import { createCustomerSuccessServer } from "../src/server";

/** expansion_signals against the potential recomputed here from raw usage, subscription and account rows (SQL). */
let db: SqlDb;
let s: SandboxServer["s"];
let today: string;
withSandboxServer(
  "cs-expansion",
  () => [createCustomerSuccessServer()],
  (h) => {
    ({ db, s, today } = h);
  },
);

const DAY = 86_400_000;
const minus = (day: string, n: number) => new Date(Date.parse(day) - n * DAY).toISOString().slice(0, 10);
const lastMonth = (day: string) => {
  const d = new Date(Date.parse(day));
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
};
const med = (xs: number[]) => {
  const v = [...xs].sort((a, b) => a - b);
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? (v[m] as number) : ((v[m - 1] as number) + (v[m] as number)) / 2;
};

interface Want {
  id: string;
  arr: number;
  seats: number;
  plan: string;
  seat: number;
  upgrade: number;
}

/** The rule written out again: seats back to 80% when ≥ 80% used; next plan when ≥ 60% used and key share ≥ median. */
async function expected(): Promise<Want[]> {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT a.id, a.arr, s.seats, s.plan, m.active_users AS mau,
       (SELECT SUM(events) FROM sb_usage_daily x WHERE x.account_id = a.id AND x.day >= ? AND x.day < ?) AS last30,
       (SELECT SUM(events) FROM sb_usage_daily x WHERE x.account_id = a.id AND x.day >= ? AND x.day < ?) AS prev30,
       (SELECT SUM(key_feature_uses) FROM sb_usage_daily x WHERE x.account_id = a.id AND x.day >= ? AND x.day < ?) AS key30
     FROM sb_accounts a JOIN sb_subscriptions s ON s.account_id = a.id AND s.status = 'active'
     LEFT JOIN sb_usage_monthly m ON m.account_id = a.id AND m.month = ?
     WHERE a.lifecycle = 'customer'`,
    [minus(today, 30), today, minus(today, 60), minus(today, 30), minus(today, 30), today, lastMonth(today)],
  );
  const accts = rows.map((r) => ({
    id: String(r.id),
    arr: Number(r.arr),
    seats: Number(r.seats),
    plan: String(r.plan),
    mau: r.mau === null ? null : Number(r.mau),
    last30: Number(r.last30 ?? 0),
    prev30: Number(r.prev30 ?? 0),
    key30: Number(r.key30 ?? 0),
  }));
  const prices = new Map<string, number>();
  for (const p of new Set(accts.map((a) => a.plan)))
    prices.set(p, med(accts.filter((a) => a.plan === p).map((a) => a.arr / a.seats)));
  const share = (a: (typeof accts)[number]) => (a.last30 > 0 ? a.key30 / a.last30 : null);
  const medianShare = med(accts.flatMap((a) => share(a) ?? []));
  return accts.map((a) => {
    const steady = a.prev30 > 0 && (a.last30 - a.prev30) / a.prev30 > -0.15;
    const used = a.mau === null ? null : a.mau / a.seats;
    const extra =
      steady && used !== null && used >= 0.8 ? Math.max(0, Math.ceil((a.mau as number) / 0.8) - a.seats) : 0;
    const own = prices.get(a.plan) as number;
    const next = [...prices.values()].filter((p) => p > own).sort((x, y) => x - y)[0];
    const sh = share(a);
    const ready =
      steady && next !== undefined && used !== null && used >= 0.6 && sh !== null && sh >= medianShare;
    return {
      id: a.id,
      arr: a.arr,
      seats: a.seats,
      plan: a.plan,
      seat: Math.round(extra * (a.arr / a.seats)),
      upgrade: ready && next !== undefined ? Math.round((next - a.arr / a.seats) * a.seats) : 0,
    };
  });
}

interface Row {
  account_id: string;
  plan: string;
  seats: number;
  seat_expansion: number;
  plan_upgrade: number;
  potential: number;
  white_space: string[];
  evidence: string;
}

describe("expansion_signals", () => {
  it("ranks every customer with potential by dollars, each figure recomputed from the rows", async () => {
    const want = (await expected())
      .filter((w) => w.seat + w.upgrade > 0)
      .sort((a, b) => b.seat + b.upgrade - (a.seat + a.upgrade) || b.arr - a.arr || a.id.localeCompare(b.id));
    const r = await s.call("expansion_signals", { limit: 100 });
    expect(r.data.total.with_potential).toBe(want.length);
    expect(r.data.total.potential).toBe(want.reduce((t, w) => t + w.seat + w.upgrade, 0));
    expect(r.data.total.seat_expansion).toBe(want.reduce((t, w) => t + w.seat, 0));
    expect(r.data.total.plan_upgrade).toBe(want.reduce((t, w) => t + w.upgrade, 0));
    const rows = r.data.accounts as Row[];
    expect(rows.map((x) => x.account_id)).toEqual(want.slice(0, 100).map((w) => w.id));
    for (const [i, x] of rows.entries()) {
      const w = want[i] as Want;
      expect([x.seat_expansion, x.plan_upgrade, x.potential]).toEqual([
        w.seat,
        w.upgrade,
        w.seat + w.upgrade,
      ]);
      expect(x.evidence).toMatch(/seats active in \d{4}-\d{2}/);
    }
    // both kinds of signal exist in the book, and enterprise customers have no plan above theirs
    expect(want.some((w) => w.seat > 0) && want.some((w) => w.upgrade > 0)).toBe(true);
    for (const x of rows.filter((y) => y.plan === "enterprise")) expect(x.white_space).toEqual([]);
    for (const x of rows.filter((y) => y.plan === "starter"))
      expect(x.white_space).toEqual(["growth", "enterprise"]);
    expect(r.data.meta.inputs).toMatchObject({ price_per_seat_starter: 240, price_per_seat_enterprise: 600 });
  });

  it("filters by plan and owner, and keeps within the token budget", async () => {
    const want = (await expected()).filter((w) => w.plan === "growth" && w.seat + w.upgrade > 0);
    const r = await s.call("expansion_signals", { plan: "Growth", limit: 3 });
    expect(r.data.total.with_potential).toBe(want.length);
    expect(r.data.beyond_limit).toBe(Math.max(0, want.length - 3));
    expect((r.data.accounts as Row[]).every((x) => x.plan === "growth")).toBe(true);
    const owned = await s.call("expansion_signals", { owner: "maya" });
    expect((owned.data.accounts as { owner: string }[]).every((x) => /maya/i.test(x.owner))).toBe(true);
    const { tools } = await s.client.listTools();
    const t = tools.find((x) => x.name === "expansion_signals");
    if (!t) throw new Error("expansion_signals is not listed");
    const tokens = modelVisibleTokens(t);
    console.info(`expansion_signals: ${tokens} model-visible tokens`);
    expect(tokens).toBeLessThanOrEqual(120);
  });
});
