import { approvalsAdmin, createGuard, guardConfig, guardMigrations } from "@revops/guards";
import { approvalIdIn, connectGuarded, type GuardedHarness } from "@revops/guards/testing";
import { resetSandbox } from "@revops/sandbox";
import { type KeyValue, migrate, openKv, openSql, type SqlDb } from "@revops/store";
import { tempDataDir } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMarketingServer } from "../src/server";

const TOOL = "email_campaign_create";
const config = guardConfig({
  GUARD_TOKEN_SECRET: "email-create-secret-email-create-secret",
  CONFIRMATION_MODE: "approval",
  GUARD_OWN_DOMAINS: ["example.com"],
});
// midday UTC today: the test send is outside quiet hours; the approval admin keeps the wall clock
const NOON = () => new Date(`${new Date().toISOString().slice(0, 10)}T12:00:00Z`);

let guardSql: SqlDb;
let kv: KeyValue;
let data: SqlDb;
let h: GuardedHarness;
let admin: ReturnType<typeof approvalsAdmin>;
let list: { id: string; name: string };
let item: { id: string; title: string };
const body = "<p>Our new forecast view is cheap to set up and saves an hour a week.</p>";

const count = async (sql: string, args: unknown[] = []) =>
  Number((await data.query<{ n: number }>(sql, args))[0]?.n);

async function approved(tool: string, args: Record<string, unknown>) {
  const queued = await h.call(tool, args);
  const id = approvalIdIn(queued.text) as string;
  expect(id, queued.text).toBeDefined();
  await admin.approve(id, "marketing-lead");
  return { queued, id, run: await h.call(tool, { ...args, approval_id: id }) };
}

beforeAll(async () => {
  const dataDir = tempDataDir("email-create");
  guardSql = await openSql({ dataDir: tempDataDir("email-create-guard") });
  kv = await openKv({});
  await migrate(guardSql, guardMigrations);
  const guard = createGuard({ config, sql: async () => guardSql, kv: async () => kv, now: NOON });
  h = await connectGuarded({
    modules: [createMarketingServer()],
    guard,
    env: { REVOPS_DATA_DIR: dataDir, SANDBOX_SCALE: "0.2" },
  });
  admin = approvalsAdmin({ sql: async () => guardSql, config });
  await h.call("email_stats", {}); // loads the sandbox company
  data = await openSql({ dataDir });
  list = (await data.one("SELECT id, name FROM sb_lists WHERE name = 'Newsletter'")) as typeof list;
  item = (await data.one(
    "SELECT id, title FROM sb_content_items WHERE type = 'email' ORDER BY id LIMIT 1",
  )) as typeof item;
}, 120_000);

afterAll(async () => {
  await h?.close();
  await data?.close();
  await guardSql?.close();
  await kv?.close();
});

describe("email_campaign_create on the sandbox, through the MCP client", () => {
  it("dry run: list, sender, the calendar item's title as subject and brand findings; nothing written", async () => {
    const r = await h.call(TOOL, { list_id: list.id, content_item_id: item.id, body, dry_run: true });
    expect(r.isError, r.text).toBe(false);
    const plan = r.data?.plan as Record<string, unknown>;
    expect(plan.summary).toContain(`Draft "${item.title}" for list ${list.name} (${list.id}`);
    expect(plan.summary).toContain("brand check: 1 errors");
    expect(plan.content_item).toMatchObject({ id: item.id, title: item.title });
    expect(plan.sender).toContain("sandbox");
    expect(JSON.stringify(plan.brand_check)).toContain("cheap");
    expect(plan.recipients).toEqual([]);
    expect(await count("SELECT COUNT(*) AS n FROM sb_email_drafts")).toBe(0);
  });

  it("names the field and the fix for bad input", async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ list_id: list.id }, /subject and body/],
      [{ list_id: list.id, content_item_id: "cnt_nope", body }, /content_item_id/],
      [{ list_id: "lst_nope", subject: "Hi", body }, /list_id/],
      [{ list_id: list.id, subject: "", body }, /subject/],
    ];
    for (const [args, message] of cases) {
      const r = await h.call(TOOL, { ...args, dry_run: true });
      expect(r.isError, JSON.stringify(args)).toBe(true);
      expect(r.text, JSON.stringify(args)).toMatch(message);
    }
  });

  it("approved: one draft, journalled; the approval again adds nothing; the draft is sent by id once, after a test send", async () => {
    const args = { list_id: list.id, subject: "Spring forecast", body: "<p>Forecasts in minutes.</p>" };
    const { id, run } = await approved(TOOL, args);
    expect(run.isError, run.text).toBe(false);
    const draftId = run.data?.draft.id as string;
    expect(run.data).toMatchObject({ created: true, written: { system: "sandbox", id: draftId } });
    expect(await data.query("SELECT list_id, subject, status FROM sb_email_drafts")).toEqual([
      { list_id: list.id, subject: "Spring forecast", status: "draft" },
    ]);
    expect(
      await count("SELECT COUNT(*) AS n FROM sb_changes WHERE entity = 'email_draft' AND record_id = ?", [
        draftId,
      ]),
    ).toBe(1);
    expect((await h.call(TOOL, { ...args, approval_id: id })).isError).toBe(true);
    expect(await count("SELECT COUNT(*) AS n FROM sb_email_drafts")).toBe(1);

    const send = "email_campaign_send";
    const untested = await h.call(send, { draft_id: draftId, dry_run: true });
    expect(untested.isError).toBe(true);
    expect(untested.text).toContain("test_to");
    const mixed = await h.call(send, { draft_id: draftId, subject: "Other", dry_run: true });
    expect(mixed.isError).toBe(true);
    expect(mixed.text).toContain("subject");
    const test = await approved(send, { draft_id: draftId, test_to: ["me@example.com"] });
    expect(test.run.isError, test.run.text).toBe(false);
    const campaign = await approved(send, { draft_id: draftId });
    expect(campaign.queued.text).toContain(`Send draft ${draftId} "Spring forecast"`);
    expect(campaign.run.isError, campaign.run.text).toBe(false);
    const sendId = campaign.run.data?.send.id as string;
    expect(await data.one("SELECT status FROM sb_email_drafts WHERE id = ?", [draftId])).toEqual({
      status: "sent",
    });
    expect(
      await data.one("SELECT kind, list_id, subject FROM sb_email_sends WHERE id = ?", [sendId]),
    ).toEqual({
      kind: "campaign",
      list_id: list.id,
      subject: "Spring forecast",
    });
    const again = await h.call(send, { draft_id: draftId, dry_run: true });
    expect(again.isError).toBe(true);
    expect(again.text).toContain("sent already");
    const unknown = await h.call(send, { draft_id: "emd_nope", dry_run: true });
    expect(unknown.text).toContain("draft_id");
  });

  it("a reset forgets the drafts", async () => {
    await resetSandbox(data);
    expect(await count("SELECT COUNT(*) AS n FROM sb_email_drafts")).toBe(0);
  });
});
