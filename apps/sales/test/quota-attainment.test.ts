import { openSql, type SqlDb } from "@revops/store";
import { connectInProcess, tempDataDir } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSalesServer } from "../src/server";

type Server = Awaited<ReturnType<typeof connectInProcess>>;
const PROBABILITY: Record<string, number> = {
  prospecting: 10,
  qualification: 25,
  proposal: 50,
  negotiation: 75,
};
const pct = (n: number) => Math.round(n * 1000) / 10;

/** Every figure of the table straight from sb_quotas, sb_deals and sb_meta with SQL (no code under test). */
async function tableBySql(db: SqlDb, quarter: string, from: string, to: string) {
  const today = (await db.one<{ today: string }>("SELECT today FROM sb_meta"))?.today as string;
  const days = await db.one<{ total: number; elapsed: number }>(
    `SELECT CAST(julianday(?) - julianday(?) + 1 AS INTEGER) AS total,
            CAST(MIN(MAX(julianday(?) - julianday(?) + 1, 0), julianday(?) - julianday(?) + 1) AS INTEGER) AS elapsed`,
    [to, from, today, from, to, from],
  );
  const quotas = await db.query<{ owner_id: string; amount: number }>(
    "SELECT owner_id, amount FROM sb_quotas WHERE quarter = ?",
    [quarter],
  );
  const sums = await db.query<{
    owner_id: string;
    won_nb: number;
    won_ex: number;
    won_rn: number;
    open: number;
    weighted: number;
    past_due: number;
  }>(
    `SELECT owner_id,
       SUM(CASE WHEN stage = 'closed_won' AND type = 'new_business' THEN amount ELSE 0 END) AS won_nb,
       SUM(CASE WHEN stage = 'closed_won' AND type = 'expansion' THEN amount ELSE 0 END) AS won_ex,
       SUM(CASE WHEN stage = 'closed_won' AND type = 'renewal' THEN amount ELSE 0 END) AS won_rn,
       SUM(CASE WHEN stage NOT IN ('closed_won', 'closed_lost') AND type <> 'renewal' THEN amount ELSE 0 END) AS open,
       SUM(CASE WHEN type = 'renewal' THEN 0 WHEN stage = 'prospecting' THEN amount * ${PROBABILITY.prospecting}
         WHEN stage = 'qualification' THEN amount * ${PROBABILITY.qualification} WHEN stage = 'proposal' THEN amount * ${PROBABILITY.proposal}
         WHEN stage = 'negotiation' THEN amount * ${PROBABILITY.negotiation} ELSE 0 END) / 100.0 AS weighted,
       SUM(CASE WHEN stage NOT IN ('closed_won', 'closed_lost') AND type <> 'renewal' AND close_date < ? THEN 1 ELSE 0 END) AS past_due
     FROM sb_deals WHERE close_date BETWEEN ? AND ? GROUP BY owner_id`,
    [today, from, to],
  );
  const expected = Number(days?.elapsed) / Number(days?.total);
  const line = (s: (typeof sums)[number] | undefined, quota: number | null) => {
    const bookings = Number(s?.won_nb ?? 0) + Number(s?.won_ex ?? 0);
    const open = Number(s?.open ?? 0);
    const gap = quota === null ? null : Math.max(0, quota - bookings);
    const weighted = Math.round(Number(s?.weighted ?? 0));
    return {
      bookings,
      renewal: Number(s?.won_rn ?? 0),
      quota,
      attainment_pct: quota ? pct(bookings / quota) : null,
      open_pipeline: open,
      weighted_pipeline: weighted,
      gap,
      coverage: gap ? Math.round((open / gap) * 100) / 100 : null,
      projected_attainment_pct: quota ? pct((bookings + weighted) / quota) : null,
      past_due: Number(s?.past_due ?? 0),
    };
  };
  const quotaOf = new Map(quotas.map((q) => [q.owner_id, Number(q.amount)]));
  const ids = [...new Set([...quotaOf.keys(), ...sums.map((s) => s.owner_id)])].sort();
  const total = (k: keyof (typeof sums)[number]) => sums.reduce((t, s) => t + Number(s[k]), 0);
  const team = {
    owner_id: "team",
    won_nb: total("won_nb"),
    won_ex: total("won_ex"),
    won_rn: total("won_rn"),
    open: total("open"),
    weighted: total("weighted"),
    past_due: total("past_due"),
  };
  return {
    days: { elapsed: Number(days?.elapsed), total: Number(days?.total) },
    expected_attainment_pct: pct(expected),
    reps: ids.map((id) => ({
      owner_id: id,
      ...line(
        sums.find((s) => s.owner_id === id),
        quotaOf.get(id) ?? null,
      ),
    })),
    team: line(team, quotas.length ? quotas.reduce((t, q) => t + Number(q.amount), 0) : null),
  };
}

// biome-ignore lint/suspicious/noExplicitAny: the structured result is compared field by field
const pick = (l: any) => ({
  bookings: l.bookings,
  renewal: l.won.renewal,
  quota: l.quota,
  attainment_pct: l.attainment_pct,
  open_pipeline: l.open_pipeline,
  weighted_pipeline: l.weighted_pipeline,
  gap: l.gap,
  coverage: l.coverage,
  projected_attainment_pct: l.projected_attainment_pct,
  past_due: l.past_due,
});

describe("quota_attainment on the sandbox, recomputed with SQL", () => {
  let s: Server;
  let db: SqlDb;
  const dir = tempDataDir("quota-attainment");
  beforeAll(async () => {
    s = await connectInProcess([createSalesServer()], {
      env: { REVOPS_TOOLSETS: "planning", REVOPS_DATA_DIR: dir },
    });
    await s.call("pipeline_settings", {}); // loads the company
    db = await openSql({ dataDir: dir });
  }, 120_000);
  afterAll(async () => {
    await s?.close();
    await db?.close();
  });

  it.each([
    ["2026-Q4", "2026-10-01", "2026-12-31"],
    ["2026-Q3", "2026-07-01", "2026-09-30"],
  ])("matches SQL for %s, every rep and the team", async (quarter, from, to) => {
    const r = await s.call("quota_attainment", { quarter });
    expect(r.isError, r.text).toBeFalsy();
    const want = await tableBySql(db, quarter, from, to);
    expect(r.data.days).toEqual(want.days);
    expect(r.data.expected_attainment_pct).toBe(want.expected_attainment_pct);
    expect(r.data.reps.map((l: { owner_id: string }) => l.owner_id)).toEqual(
      want.reps.map((l) => l.owner_id),
    );
    // biome-ignore lint/suspicious/noExplicitAny: structured rows
    expect(r.data.reps.map((l: any) => ({ owner_id: l.owner_id, ...pick(l) }))).toEqual(want.reps);
    const { owner_id: _team, ...team } = { owner_id: "team", ...want.team };
    expect(pick(r.data.team)).toEqual(team);
    expect(r.data.meta.caveats.join(" ")).toMatch(/renewals are shown, not counted/);
    if (quarter === "2026-Q4") console.log(r.text);
  });

  it("defaults to the sandbox's current quarter and says how it knows", async () => {
    const r = await s.call("quota_attainment", {});
    expect(r.data.quarter).toBe("2026-Q4");
    expect(r.data.meta).toMatchObject({
      method: "quota-attainment v2 (CRM quotas, else configured)",
      as_of: "2026-11-23",
      source: "sandbox",
    });
    expect(r.data.meta.inputs.quota_source).toBe("pipeline_settings");
    // the sandbox CRM keeps no quota objects: every quota is a configured one, and the result says so
    for (const l of r.data.reps as { quota: number | null; quota_source: string | null }[])
      expect(l.quota_source).toBe(l.quota === null ? null : "configured");
    expect(r.data.meta.caveats.join(" ")).toMatch(/sandbox CRM keeps no quota objects.*pipeline_settings/);
  });
});
