import { guardConfig } from "@revops/guards";
import type { SqlDb } from "@revops/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_BRAND_GUIDE } from "../src/domain/brand-guide";
import { DEFAULT_PERSONAS, SANDBOX_CLAIMS } from "../src/domain/personas";
import { approvalHarness } from "./approval-harness";

// The content_plan toolset through the official MCP client behind the real guard (approval queue); every count is
// recomputed with SQL over sb_content_items and every channel figure over sb_campaigns, sb_leads and sb_deals.

const config = guardConfig({ CONFIRMATION_MODE: "approval" });

let h: Awaited<ReturnType<typeof approvalHarness>>;
let data: SqlDb;
let today: string;
let live: { id: string; name: string; channel: string };

const n = (v: unknown) => Number(v ?? 0);
const call = (tool: string, args: Record<string, unknown>) => h.call(tool, args);
const approveAndRun = (tool: string, args: Record<string, unknown>) =>
  h.approveAndRun(tool, args, "content-lead");
const countBy = async (col: string, where: string, args: unknown[]) =>
  Object.fromEntries(
    (
      await data.query<{ k: string; n: number }>(
        `SELECT ${col} AS k, COUNT(*) AS n FROM sb_content_items WHERE ${where} GROUP BY ${col}`,
        args,
      )
    ).map((r) => [r.k, n(r.n)]),
  );
const nonZero = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v > 0));
const addDays = (iso: string, d: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + d * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  h = await approvalHarness("content-plan", config);
  ({ data, today } = h);
  live = (await data.one<{ id: string; name: string; channel: string }>(
    "SELECT id, name, channel FROM sb_campaigns WHERE status = 'active' AND channel = 'webinar' ORDER BY id LIMIT 1",
  )) as typeof live;
}, 120_000);

afterAll(async () => h?.close());

describe("content_calendar", () => {
  it("lists the next 30 days with totals by status and type, recomputed with SQL, and says it is the system of record", async () => {
    const r = await call("content_calendar", {});
    expect(r.isError, r.text).toBe(false);
    const to = addDays(today, 30);
    const where = "day >= ? AND day <= ?";
    expect({ from: r.data.from, to: r.data.to }).toEqual({ from: today, to });
    expect(nonZero(r.data.by_status)).toEqual(await countBy("status", where, [today, to]));
    expect(nonZero(r.data.by_type)).toEqual(await countBy("type", where, [today, to]));
    expect(r.data.total).toBe(r.data.items.length);
    expect(r.data.note).toMatch(/system of record for the content calendar/);
    const social = await call("content_calendar", { from: "2026-08-01", to: "2027-03-01", type: "social" });
    const all = await countBy("type", "day >= ? AND day <= ?", ["2026-08-01", "2027-03-01"]);
    expect(social.data.total).toBe(all.social);
    expect(social.data.left_out.by_filters).toBe(
      Object.values(all).reduce((s, v) => s + v, 0) - (all.social ?? 0),
    );
    for (const row of social.data.items) expect(row.type).toBe("social");
  });

  it("refuses a bad range or value, naming the field and the fix", async () => {
    expect((await call("content_calendar", { from: "2026-12-01", to: "2026-11-01" })).text).toMatch(
      /to 2026-11-01 is before from/,
    );
    expect((await call("content_calendar", { from: "2026-01-01", to: "2027-06-01" })).text).toMatch(
      /longer than 366 days/,
    );
    const bad = await call("content_calendar", { status: "done" });
    expect(bad.isError).toBe(true);
    expect(bad.text).toMatch(/status must be one of idea, draft, review, scheduled, published/);
  });
});

describe("content_item_add and content_item_move", () => {
  it("adds an idea once under a confirmed plan, then moves it with before → after, journalled", async () => {
    const args = {
      title: "Forecasting checklist",
      type: "blog",
      date: addDays(today, 20),
      campaign_id: live.id,
    };
    const { plan, done } = await approveAndRun("content_item_add", args);
    expect(plan.summary).toContain(`to campaign "${live.name}"`);
    expect(plan.side_effects.join(" ")).toMatch(/system of record/);
    expect(done.isError, done.text).toBe(false);
    const id = done.data.item.id;
    expect(done.data).toMatchObject({ created: true, written: { system: "revops", id } });
    const row = await data.one<Record<string, unknown>>("SELECT * FROM sb_content_items WHERE id = ?", [id]);
    expect(row).toMatchObject({
      title: args.title,
      type: "blog",
      status: "idea",
      day: args.date,
      campaign_id: live.id,
    });
    expect(row?.idempotency_key).toBeTruthy();

    const move = { item_id: id, status: "draft", owner: "Leo Martins", date: addDays(today, 25) };
    const moved = await approveAndRun("content_item_move", move);
    expect(moved.plan.changes).toEqual([
      { field: "date", before: args.date, after: move.date },
      { field: "status", before: "idea", after: "draft" },
      { field: "owner", before: row?.owner, after: "Leo Martins" },
    ]);
    expect(moved.done.data).toMatchObject({
      changed: true,
      item: { status: "draft", owner: "Leo Martins", day: move.date },
    });
    const journal = await data.query<{ field: string }>(
      "SELECT field FROM sb_changes WHERE entity = 'content_item' AND record_id = ? ORDER BY field",
      [id],
    );
    expect(journal.map((j) => j.field)).toEqual(["day", "owner", "status", "status"]);
    expect(n((await data.one<{ n: number }>("SELECT COUNT(*) AS n FROM sb_content_moves"))?.n)).toBe(1);
  });

  it("refuses the past, unknown items and campaigns, and an empty move", async () => {
    expect(
      (await call("content_item_add", { title: "x", type: "blog", date: "2026-01-01", dry_run: true })).text,
    ).toMatch(/date 2026-01-01 is before today/);
    expect(
      (
        await call("content_item_add", {
          title: "x",
          type: "blog",
          date: today,
          campaign_id: "cmp_9999",
          dry_run: true,
        })
      ).text,
    ).toMatch(/no campaign cmp_9999/);
    expect(
      (await call("content_item_add", { title: "x", type: "podcast", date: today, dry_run: true })).text,
    ).toMatch(/type must be one of email, blog, social, webinar/);
    expect(
      (await call("content_item_move", { item_id: "cnt_nope", status: "draft", dry_run: true })).text,
    ).toMatch(/no calendar item cnt_nope/);
    expect((await call("content_item_move", { item_id: "cnt_0001", dry_run: true })).text).toMatch(
      /pass date, status or owner/,
    );
  });
});

describe("social_schedule", () => {
  it("keeps the post as a scheduled social item with the brand findings in the plan, and says it is not published", async () => {
    const at = `${addDays(today, 3)}T15:00:00.000Z`;
    const args = {
      channel: "linkedin",
      text: "Our best-in-class forecasts are the #1 choice.",
      at,
      campaign_id: live.id,
    };
    const { plan, done } = await approveAndRun("social_schedule", args);
    expect(plan).toMatchObject({ channel: "linkedin", text: args.text, time: at });
    expect(plan.brand_check.passed).toBe(false);
    expect(
      plan.brand_check.findings.map((f: { rule: string; match: string }) => `${f.rule}:${f.match}`),
    ).toEqual(["voice:best-in-class", "claim_needs_proof:#1"]);
    expect(plan.side_effects.join(" ")).toMatch(/Not published by the suite/);
    expect(done.isError, done.text).toBe(false);
    expect(done.data).toMatchObject({ published: false, brand_errors: 1, created: true });
    expect(done.data.note).toMatch(/Not published by the suite/);
    const row = await data.one<Record<string, unknown>>("SELECT * FROM sb_content_items WHERE id = ?", [
      done.data.item.id,
    ]);
    expect(row).toMatchObject({
      type: "social",
      channel: "linkedin",
      status: "scheduled",
      publish_at: at,
      body: args.text,
    });
  });

  it("refuses a post too long for the network or not in the future", async () => {
    const at = `${addDays(today, 3)}T15:00:00Z`;
    expect(
      (await call("social_schedule", { channel: "x", text: "a".repeat(281), at, dry_run: true })).text,
    ).toMatch(/text is 281 characters; x takes at most 280/);
    expect(
      (
        await call("social_schedule", {
          channel: "x",
          text: "Hello",
          at: "2026-01-01T00:00:00Z",
          dry_run: true,
        })
      ).text,
    ).toMatch(/not in the future/);
    expect(
      (await call("social_schedule", { channel: "myspace", text: "Hello", at, dry_run: true })).text,
    ).toMatch(/channel must be one of linkedin, x, facebook, instagram/);
  });
});

describe("content_brief and the persona and claims resources", () => {
  it("builds a brief from the persona, the approved claims, the guide and the channel economics (recomputed with SQL)", async () => {
    const r = await call("content_brief", {
      persona: "revops_leader",
      campaign_id: live.id,
      keywords: ["forecast"],
    });
    expect(r.isError, r.text).toBe(false);
    const persona = DEFAULT_PERSONAS[0];
    expect(r.data.goal.objective).toBe("registrations");
    expect(r.data.audience.pains).toEqual(persona?.pains.map((p) => p.pain));
    expect(r.data.key_messages[0]).toMatchObject({
      message: "The forecast updates itself from the CRM",
      why: "matches forecast",
    });
    expect(r.data.claims[0]).toMatchObject({
      claim: SANDBOX_CLAIMS[0]?.claim,
      proof: SANDBOX_CLAIMS[0]?.proof,
    });
    expect(r.data.avoid.map((t: { term: string }) => t.term)).toEqual(
      [...DEFAULT_BRAND_GUIDE.banned, ...DEFAULT_BRAND_GUIDE.voice.avoid].map((t) => t.term),
    );
    expect(r.data.reading.target_grade).toBe(9);
    expect(r.data.channels[0].channel).toBe("webinar");
    for (const c of r.data.channels) {
      const sql = await data.one<{ spend: number; pipeline: number }>(
        `SELECT SUM(c.spend) AS spend,
                (SELECT COALESCE(SUM(d.amount), 0) FROM sb_leads l JOIN sb_deals d ON d.id = l.converted_deal_id
                  JOIN sb_campaigns k ON k.id = l.campaign_id
                  WHERE k.channel = ? AND k.status = 'completed' AND k.end_date < ? AND k.spend > 0) AS pipeline
           FROM sb_campaigns c WHERE c.channel = ? AND c.status = 'completed' AND c.end_date < ? AND c.spend > 0`,
        [c.channel, today, c.channel, today],
      );
      const expected = n(sql?.spend) > 0 ? Math.round((n(sql?.pipeline) / n(sql?.spend)) * 100) / 100 : null;
      expect(c.pipeline_per_dollar, c.channel).toBe(expected);
    }
    expect(r.data.meta.inputs).toMatchObject({
      persona: "revops_leader",
      campaign: live.id,
      approved_claims: 3,
    });
    const bad = await call("content_brief", { persona: "cto", campaign_id: live.id, keywords: ["x"] });
    expect(bad.text).toMatch(
      /no persona cto[\s\S]*revops_leader, sales_leader, marketing_leader, finance_leader/,
    );
  });

  it("serves personas and approved claims as resources that brand_check reads", async () => {
    const read = async (uri: string) =>
      JSON.parse(((await h.mcp.client.readResource({ uri })).contents[0] as { text: string }).text);
    expect((await read("brand://personas")).map((p: { id: string }) => p.id)).toEqual(
      DEFAULT_PERSONAS.map((p) => p.id),
    );
    expect(await read("brand://claims")).toEqual(SANDBOX_CLAIMS);
    const approved = await call("brand_check", {
      text: `Teams see forecasts within 5% of the quarter's bookings.`,
    });
    expect(approved.data.findings).toEqual([]);
    const unproven = await call("brand_check", {
      text: "Teams see forecasts within 7% of the quarter's bookings.",
    });
    expect(unproven.data.findings.map((f: { match: string }) => f.match)).toEqual(["7%"]);
  });
});
