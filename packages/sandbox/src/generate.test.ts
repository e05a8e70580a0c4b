import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { dayOf, isoDay } from "./dates.js";
import { collectCompany, generateCompany, planCompany } from "./generate/index.js";
import { makeCtx } from "./generate/types.js";
import { TABLE_COLUMNS, type TableName } from "./schema.js";

function hashCompany(opts: Parameters<typeof generateCompany>[0]): string {
  const h = createHash("sha256");
  for (const chunk of generateCompany(opts)) h.update(JSON.stringify(chunk));
  return h.digest("hex");
}

/** Rows as objects keyed by column name (typed loosely as strings: compare numbers via Number()). */
type Obj = Record<(typeof TABLE_COLUMNS)[TableName][number], string>;
function objects(data: Record<TableName, unknown[][]>, table: TableName): Obj[] {
  const cols = TABLE_COLUMNS[table];
  return data[table].map((r) => Object.fromEntries(cols.map((c, i) => [c, r[i]])) as Obj);
}

const data = collectCompany({});
const T = (t: TableName) => objects(data, t);
const TODAY = "2026-11-23";
const NOW = `${TODAY}T12:00:00Z`;

describe("determinism", () => {
  it("same seed gives byte-identical output; another seed differs", () => {
    const a = hashCompany({ seed: 7 });
    expect(hashCompany({ seed: 7 })).toBe(a);
    expect(hashCompany({ seed: 8 })).not.toBe(a);
    expect(hashCompany({ seed: 7, chunkSize: 333 })).not.toBe(a); // chunking differs, rows do not:
    const rows = (o: object) => JSON.stringify(collectCompany(o));
    expect(rows({ seed: 7, chunkSize: 333 })).toBe(rows({ seed: 7 }));
  });

  it("validates options", () => {
    expect(() => makeCtx({ scale: 0 })).toThrow(/scale/);
    expect(() => makeCtx({ seed: 1.5 })).toThrow(/seed/);
    expect(() => makeCtx({ today: "nope" })).toThrow(/Invalid date/);
  });
});

describe("counts", () => {
  const targets: [TableName, number][] = [
    ["sb_accounts", 500],
    ["sb_contacts", 2000],
    ["sb_leads", 1000],
    ["sb_deals", 800],
    ["sb_activities", 20000],
    ["sb_campaigns", 30],
    ["sb_tickets", 3000],
    ["sb_nps_responses", 1500],
    ["sb_users", 12],
  ];
  it.each(targets)("%s within 5%% of %d at scale 1", (table, n) => {
    expect(Math.abs(data[table].length - n)).toBeLessThanOrEqual(n * 0.05);
  });

  it("scale 2 doubles the counts", () => {
    const two = collectCompany({ scale: 2 });
    for (const [table, n] of targets) {
      if (table === "sb_users") continue;
      expect(Math.abs(two[table].length - 2 * n), table).toBeLessThanOrEqual(2 * n * 0.05);
    }
    const ratio = two.sb_usage_daily.length / data.sb_usage_daily.length;
    expect(ratio).toBeGreaterThan(1.8);
    expect(ratio).toBeLessThan(2.2);
  });
});

describe("internal consistency", () => {
  const ids = (t: TableName) => new Set(T(t).map((r) => r.id));
  const accounts = new Map(T("sb_accounts").map((a) => [a.id, a]));
  const contacts = new Map(T("sb_contacts").map((c) => [c.id, c]));
  const deals = new Map(T("sb_deals").map((d) => [d.id, d]));
  const users = ids("sb_users");
  const campaigns = ids("sb_campaigns");
  const leads = ids("sb_leads");

  it("ids and account names are unique", () => {
    for (const t of Object.keys(TABLE_COLUMNS) as TableName[]) {
      if (["sb_usage_daily", "sb_usage_monthly", "sb_list_members", "sb_web_traffic"].includes(t)) continue;
      expect(ids(t).size, t).toBe(data[t].length);
    }
    // a list member is keyed by (list_id, contact_id)
    expect(new Set(data.sb_list_members.map((m) => `${m[0]}/${m[1]}`)).size).toBe(
      data.sb_list_members.length,
    );
    // web traffic is keyed by (day, source, medium, landing_page)
    const traffic = data.sb_web_traffic.map((r) => r.slice(0, 4).join("/"));
    expect(new Set(traffic).size).toBe(traffic.length);
    expect(new Set(T("sb_accounts").map((a) => a.name)).size).toBe(500);
    expect(new Set(T("sb_accounts").map((a) => a.domain)).size).toBe(500);
  });

  it("every foreign key resolves", () => {
    for (const a of accounts.values()) expect(users.has(a.owner_id)).toBe(true);
    for (const c of contacts.values()) expect(accounts.has(c.account_id)).toBe(true);
    for (const d of deals.values()) {
      expect(accounts.get(d.account_id)?.owner_id).toBe(d.owner_id);
    }
    for (const s of T("sb_subscriptions")) expect(accounts.has(s.account_id)).toBe(true);
    for (const h of T("sb_deal_stage_history")) expect(deals.has(h.deal_id)).toBe(true);
    for (const l of T("sb_leads")) {
      if (l.campaign_id) expect(campaigns.has(l.campaign_id)).toBe(true);
      if (l.converted_deal_id) expect(deals.has(l.converted_deal_id)).toBe(true);
    }
    for (const t of T("sb_campaign_touches")) {
      expect(campaigns.has(t.campaign_id)).toBe(true);
      expect(t.lead_id ? leads.has(t.lead_id) : contacts.has(t.contact_id)).toBe(true);
    }
    for (const x of [...T("sb_activities"), ...T("sb_tickets"), ...T("sb_nps_responses")]) {
      expect(accounts.has(x.account_id)).toBe(true);
      if (x.contact_id) expect(contacts.get(x.contact_id)?.account_id).toBe(x.account_id);
      if (x.deal_id) expect(deals.get(x.deal_id)?.account_id).toBe(x.account_id);
    }
    for (const u of [...T("sb_usage_daily"), ...T("sb_usage_monthly")])
      expect(accounts.get(u.account_id)?.lifecycle).toMatch(/^(customer|churned)$/);
  });

  it("contact emails are at the account domain", () => {
    for (const c of contacts.values()) {
      expect(String(c.email).endsWith(`@${accounts.get(c.account_id)?.domain}`)).toBe(true);
    }
    const unsub = [...contacts.values()].filter((c) => Number(c.unsubscribed) === 1).length;
    expect(unsub).toBeGreaterThan(20);
    expect(unsub).toBeLessThan(120);
  });

  it("deal dates: created before close, closed deals in the past, 8-quarter window", () => {
    let slipped = 0;
    let open = 0;
    for (const d of deals.values()) {
      expect(d.created_date < d.close_date, String(d.id)).toBe(true);
      expect(String(d.created_date) < TODAY).toBe(true);
      const closed = d.stage === "closed_won" || d.stage === "closed_lost";
      if (closed) {
        expect(d.close_date < TODAY).toBe(true);
        expect(d.close_date >= "2025-01-01").toBe(true);
      } else {
        expect(d.close_date <= "2027-03-31").toBe(true);
        open++;
        if (String(d.close_date) < TODAY) slipped++;
      }
      expect(String(d.last_activity_at) <= NOW).toBe(true);
    }
    expect(slipped / open).toBeGreaterThan(0.02); // ~5% of open deals have slipped
    expect(slipped / open).toBeLessThan(0.09);
  });

  it("stage history is monotone and ends at the current stage", () => {
    const order = ["prospecting", "qualification", "proposal", "negotiation"];
    const byDeal = new Map<string, Obj[]>();
    for (const h of T("sb_deal_stage_history")) byDeal.set(h.deal_id, [...(byDeal.get(h.deal_id) ?? []), h]);
    expect(byDeal.size).toBe(deals.size);
    for (const [id, rows] of byDeal) {
      const d = deals.get(id) as Obj;
      expect(rows[0]?.from_stage).toBeNull();
      expect(String(rows[0]?.changed_at).slice(0, 10)).toBe(d.created_date);
      expect(rows.at(-1)?.to_stage).toBe(d.stage);
      for (let i = 1; i < rows.length; i++) {
        const prev = rows[i - 1] as Obj;
        const cur = rows[i] as Obj;
        expect(cur.from_stage).toBe(prev.to_stage);
        expect(String(cur.changed_at) > String(prev.changed_at)).toBe(true);
        if (order.includes(String(cur.to_stage))) {
          expect(order.indexOf(String(cur.to_stage))).toBeGreaterThan(order.indexOf(String(prev.to_stage)));
        }
      }
      expect(String(rows.at(-1)?.changed_at) <= NOW).toBe(true);
      if (d.stage === "closed_won" || d.stage === "closed_lost") {
        expect(String(rows.at(-1)?.changed_at).slice(0, 10)).toBe(d.close_date);
      }
    }
  });

  it("activities fit the deal lifecycle and define last_activity_at", () => {
    const last = new Map<string, string>();
    for (const a of T("sb_activities")) {
      expect(String(a.occurred_at) <= NOW).toBe(true);
      if (!a.deal_id) continue;
      const d = deals.get(a.deal_id) as Obj;
      expect(String(a.occurred_at) >= String(d.created_date)).toBe(true);
      const prev = last.get(a.deal_id as string);
      if (!prev || prev < String(a.occurred_at)) last.set(a.deal_id as string, String(a.occurred_at));
    }
    for (const d of deals.values()) expect(last.get(d.id as string)).toBe(d.last_activity_at);
  });

  it("leads convert into new-business deals at the same company, before the deal", () => {
    const converted = T("sb_leads").filter((l) => l.status === "converted");
    expect(converted.length).toBeGreaterThan(100);
    for (const l of converted) {
      const d = deals.get(l.converted_deal_id) as Obj;
      expect(d.type).toBe("new_business");
      expect(accounts.get(d.account_id)?.name).toBe(l.company);
      expect(String(l.created_at).slice(0, 10) <= String(d.created_date)).toBe(true);
    }
    for (const l of T("sb_leads")) expect(l.converted_deal_id === null).toBe(l.status !== "converted");
  });

  it("campaign touches and lead dates sit inside campaign windows; nothing is in the future", () => {
    const windows = new Map(T("sb_campaigns").map((c) => [c.id, c]));
    for (const t of T("sb_campaign_touches")) {
      const c = windows.get(t.campaign_id) as Obj;
      expect(String(t.occurred_at) >= String(c.start_date)).toBe(true);
      expect(String(t.occurred_at) <= NOW).toBe(true);
    }
    for (const c of windows.values()) {
      expect(c.status === "planned").toBe(String(c.start_date) > TODAY);
      if (c.status === "planned") expect(c.spend).toBe(0);
    }
    for (const x of [...T("sb_tickets"), ...T("sb_nps_responses"), ...T("sb_leads")]) {
      expect(String(x.created_at ?? x.responded_at) <= NOW).toBe(true);
    }
  });

  it("tickets, subscriptions and usage are coherent", () => {
    for (const t of T("sb_tickets")) {
      const done = t.status === "solved" || t.status === "closed";
      expect(t.solved_at !== null).toBe(done);
      if (done) expect(String(t.solved_at) > String(t.created_at)).toBe(true);
      if (t.csat !== null) expect(done).toBe(true);
    }
    const todayDay = dayOf(TODAY);
    const churnDay = new Map<string, string>();
    for (const s of T("sb_subscriptions")) {
      expect(s.start_date < s.renewal_date).toBe(true);
      if (s.status === "active") {
        expect(accounts.get(s.account_id)?.lifecycle).toBe("customer");
        expect(s.renewal_date > TODAY && String(s.renewal_date) <= isoDay(todayDay + 366)).toBe(true);
      } else if (s.status === "renewed") {
        expect(accounts.get(s.account_id)?.lifecycle).toMatch(/^(customer|churned)$/);
        expect(String(s.renewal_date) <= TODAY).toBe(true);
      } else {
        expect(s.status).toBe("cancelled");
        expect(accounts.get(s.account_id)?.lifecycle).toBe("churned");
        churnDay.set(s.account_id, s.renewal_date);
      }
    }
    for (const u of T("sb_usage_daily")) {
      const end = churnDay.get(u.account_id) ?? TODAY;
      expect(String(u.day) < end && String(u.day) >= isoDay(dayOf(end) - 180)).toBe(true);
      expect(Number(u.active_users)).toBeLessThanOrEqual(Number(u.events));
    }
  });

  it("keeps a hidden ~8% at-risk cohort (not stored anywhere)", () => {
    const plan = planCompany({});
    const customers = plan.accounts.filter((a) => a.lifecycle === "customer");
    const risky = customers.filter((a) => a.atRisk);
    expect(risky.length / customers.length).toBeCloseTo(0.08, 2);
    for (const cols of Object.values(TABLE_COLUMNS)) expect(cols.join()).not.toMatch(/risk/);
  });
});
