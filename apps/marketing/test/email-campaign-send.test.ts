import { approvalsAdmin, createGuard, guardConfig, guardMigrations, SuppressionList } from "@revops/guards";
import { approvalIdIn, connectGuarded, type GuardedHarness } from "@revops/guards/testing";
import { type KeyValue, migrate, openKv, openSql, type SqlDb } from "@revops/store";
import { tempDataDir } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMarketingServer } from "../src/server";

const TOOL = "email_campaign_send";
const config = guardConfig({
  GUARD_TOKEN_SECRET: "email-send-secret-email-send-secret!!",
  CONFIRMATION_MODE: "inband",
  GUARD_OWN_DOMAINS: ["example.com"],
});
// midday UTC today, so the test send (judged now, in UTC) is outside quiet hours whatever the hour; the approval
// admin keeps the wall clock, so the day must be today's
const NOON = () => new Date(`${new Date().toISOString().slice(0, 10)}T12:00:00Z`);

let guardSql: SqlDb;
let kv: KeyValue;
let data: SqlDb;
let plain: GuardedHarness;
let asking: GuardedHarness;
let admin: ReturnType<typeof approvalsAdmin>;
let list: { id: string; name: string };
let members: { id: string; email: string }[];
let unsubscribed: string;
let suppressed: string;
const content = { subject: "Spring update", body: "<p>Hello from Northwind: what is new this spring.</p>" };

const count = async (sql: string, args: unknown[] = []) =>
  Number((await data.query<{ n: number }>(sql, args))[0]?.n);

beforeAll(async () => {
  const dataDir = tempDataDir("email-send");
  guardSql = await openSql({ dataDir: tempDataDir("email-send-guard") });
  kv = await openKv({});
  await migrate(guardSql, guardMigrations);
  const guard = createGuard({ config, sql: async () => guardSql, kv: async () => kv, now: NOON });
  const env = { REVOPS_DATA_DIR: dataDir, SANDBOX_SCALE: "0.2" };
  plain = await connectGuarded({ modules: [createMarketingServer()], guard, env });
  asking = await connectGuarded({ modules: [createMarketingServer()], guard, env, elicitation: true });
  admin = approvalsAdmin({ sql: async () => guardSql, config });
  await plain.call("email_stats", {}); // loads the sandbox company
  data = await openSql({ dataDir });
  list = (await data.one<{ id: string; name: string }>(
    "SELECT id, name FROM sb_lists WHERE name = 'Newsletter'",
  )) as {
    id: string;
    name: string;
  };
  members = await data.query(
    "SELECT c.id, c.email FROM sb_list_members m JOIN sb_contacts c ON c.id = m.contact_id WHERE m.list_id = ? ORDER BY c.id",
    [list.id],
  );
  // one member unsubscribes since the list was built, another is on the suppression list
  unsubscribed = (members[0] as { email: string }).email;
  suppressed = (members[1] as { email: string }).email;
  await data.run("UPDATE sb_contacts SET unsubscribed = 1 WHERE email = ?", [unsubscribed]);
  await new SuppressionList(async () => guardSql, NOON).add(suppressed, "complaint");
}, 120_000);

afterAll(async () => {
  await plain?.close();
  await asking?.close();
  await data?.close();
  await guardSql?.close();
  await kv?.close();
});

describe("email_campaign_send on the sandbox, through the MCP client", () => {
  it("refuses a campaign send whose content was never test-sent, naming test_to", async () => {
    const r = await plain.call(TOOL, { list_id: list.id, ...content, dry_run: true });
    expect(r.isError).toBe(true);
    expect(r.text).toContain("test send");
    expect(r.text).toContain("test_to");
    expect(await count("SELECT COUNT(*) AS n FROM sb_email_sends")).toBe(0);
  });

  it("test send: confirmed in the conversation, goes to the test address only, once", async () => {
    const args = { list_id: list.id, ...content, test_to: ["me@example.com"] };
    asking.answerWith(() => ({ action: "accept", content: { confirmation: "send to 1" } }));
    const r = await asking.call(TOOL, args);
    expect(r.isError, r.text).toBe(false);
    expect(r.data).toMatchObject({ send: { kind: "test", recipients: 1 }, written: { system: "sandbox" } });
    expect(await count("SELECT COUNT(*) AS n FROM sb_email_deliveries")).toBe(1);
    expect(await count("SELECT COUNT(*) AS n FROM sb_email_deliveries WHERE email = 'me@example.com'")).toBe(
      1,
    );
  });

  it("dry run: recipients, removals with reasons, sample, content, schedule and throttle; nothing sent", async () => {
    const r = await plain.call(TOOL, { list_id: list.id, ...content, dry_run: true });
    expect(r.isError, r.text).toBeFalsy();
    const plan = r.data?.plan;
    expect(plan.count).toBe(members.length - 2);
    expect(plan.removed).toMatchObject({ unsubscribed: 1, suppressed: 1, bounced: 0 });
    expect(plan.removed.sample.map((s: { reason: string }) => s.reason)).toEqual([
      "unsubscribed from marketing email",
      "on the suppression list",
    ]);
    expect(plan.recipients.length).toBe(Math.min(10, members.length - 2));
    expect(plan.subject).toBe(content.subject);
    expect(plan.body_excerpt).toBe(content.body);
    expect(plan.throttle).toEqual({ batch_size: 500, batches_per_minute: 1 });
    const total = plan.schedule.reduce((n: number, w: { recipients: number }) => n + w.recipients, 0);
    expect(total).toBe(plan.count);
    // every wave lands at 08:00-19:59 local time for each of its zones
    for (const w of plan.schedule)
      for (const tz of w.time_zones) {
        const h = Number(
          new Intl.DateTimeFormat("en-US", { hour: "numeric", hourCycle: "h23", timeZone: tz }).format(
            new Date(w.send_at),
          ),
        );
        expect(h >= 8 && h < 20, `${tz} at ${w.send_at}`).toBe(true);
      }
    expect(r.data?.approval_required.join(" ")).toMatch(/high risk|over the 50/);
    expect(await count("SELECT COUNT(*) AS n FROM sb_email_sends WHERE kind = 'campaign'")).toBe(0);
  });

  it("approval: runs once with the approval id; changed arguments and reuse are refused; suppressed never sent", async () => {
    config.CONFIRMATION_MODE = "approval";
    try {
      const args = { list_id: list.id, ...content };
      const queued = await plain.call(TOOL, args);
      const id = approvalIdIn(queued.text) as string;
      expect(id, queued.text).toBeDefined();
      await admin.approve(id, "marketing-lead");
      const changed = await plain.call(TOOL, { ...args, list_id: "lst_0001", approval_id: id });
      expect(changed.isError).toBe(true);
      expect(changed.text).toContain("other arguments");
      expect(await count("SELECT COUNT(*) AS n FROM sb_email_sends WHERE kind = 'campaign'")).toBe(0);
      const ok = await plain.call(TOOL, { ...args, approval_id: id });
      expect(ok.isError, ok.text).toBe(false);
      expect(ok.data).toMatchObject({ send: { kind: "campaign", recipients: members.length - 2 } });
      const reused = await plain.call(TOOL, { ...args, approval_id: id });
      expect(reused.isError).toBe(true);
      expect(await count("SELECT COUNT(*) AS n FROM sb_email_sends WHERE kind = 'campaign'")).toBe(1);
      const sendId = ok.data?.send.id as string;
      expect(await count("SELECT COUNT(*) AS n FROM sb_email_deliveries WHERE send_id = ?", [sendId])).toBe(
        members.length - 2,
      );
      for (const never of [unsubscribed, suppressed])
        expect(await count("SELECT COUNT(*) AS n FROM sb_email_deliveries WHERE email = ?", [never])).toBe(0);
      expect(
        await count("SELECT COUNT(*) AS n FROM sb_changes WHERE entity = 'email_send' AND record_id = ?", [
          sendId,
        ]),
      ).toBe(1);
    } finally {
      config.CONFIRMATION_MODE = "inband";
    }
  });

  it("email_stats: the figures recomputed from the raw delivery rows", async () => {
    const r = await plain.call("email_stats", {});
    expect(r.isError, r.text).toBe(false);
    const campaign = r.data?.sends.find((s: { kind: string }) => s.kind === "campaign");
    const raw = await data.one<Record<string, number>>(
      `SELECT COUNT(*) AS requests, SUM(bounced) AS bounces, SUM(opens) AS opens,
         SUM(CASE WHEN opens > 0 THEN 1 ELSE 0 END) AS uo, SUM(CASE WHEN clicks > 0 THEN 1 ELSE 0 END) AS uc,
         SUM(clicks) AS clicks, SUM(unsubscribed) AS unsub, SUM(spam) AS spam
       FROM sb_email_deliveries WHERE send_id = ?`,
      [campaign?.id],
    );
    const n = (k: string) => Number(raw?.[k]);
    expect(campaign).toMatchObject({
      requests: n("requests"),
      delivered: n("requests") - n("bounces"),
      bounces: n("bounces"),
      opens: n("opens"),
      unique_opens: n("uo"),
      clicks: n("clicks"),
      unique_clicks: n("uc"),
      unsubscribes: n("unsub"),
      spam_reports: n("spam"),
    });
    const delivered = n("requests") - n("bounces");
    expect(campaign?.rates.unique_open).toEqual({
      rate: Math.round((n("uo") / delivered) * 10_000) / 10_000,
      of: delivered,
    });
    expect(n("uo")).toBeGreaterThan(0);
    expect(r.data?.meta.caveats.join(" ")).toContain("simulated");
  });

  it("a later send removes the addresses that hard-bounced before, with the reason", async () => {
    const next = { subject: "Summer update", body: "<p>Summer news.</p>" };
    asking.answerWith(() => ({ action: "accept", content: { confirmation: "send to 1" } }));
    const test = await asking.call(TOOL, { list_id: list.id, ...next, test_to: ["me@example.com"] });
    expect(test.isError, test.text).toBe(false);
    // at this scale the simulated 2% may bounce no one: one delivery is marked bounced as a mailbox would report it
    await data.run(
      `UPDATE sb_email_deliveries SET bounced = 1 WHERE email = (SELECT MIN(email) FROM sb_email_deliveries d
         JOIN sb_email_sends s ON s.id = d.send_id WHERE s.kind = 'campaign')`,
    );
    const r = await plain.call(TOOL, { list_id: list.id, ...next, dry_run: true });
    const bounced = await count(
      `SELECT COUNT(DISTINCT d.email) AS n FROM sb_email_deliveries d JOIN sb_contacts c ON c.email = d.email
       JOIN sb_list_members m ON m.contact_id = c.id AND m.list_id = ? WHERE d.bounced = 1`,
      [list.id],
    );
    expect(bounced).toBeGreaterThan(0);
    expect(r.data?.plan.removed.bounced).toBe(bounced);
    expect(r.data?.plan.count).toBe(members.length - 2 - bounced);
  });
});
