import { approvalsAdmin, createGuard, guardConfig, guardMigrations } from "@revops/guards";
import { approvalIdIn, connectGuarded, type GuardedHarness } from "@revops/guards/testing";
import { type KeyValue, migrate, openKv, openSql, type SqlDb } from "@revops/store";
import { type RunningFake, type SendGridState, startSendGridFake, tempDataDir } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createMarketingServer } from "../src/server";

const TOOL = "email_campaign_send";
const LIST = "11111111-1111-4111-8111-111111111111";
const config = guardConfig({
  GUARD_TOKEN_SECRET: "email-sendgrid-secret-email-sendgrid!!",
  CONFIRMATION_MODE: "inband",
  GUARD_OWN_DOMAINS: ["example.com"],
});
// midday UTC today: outside quiet hours for the test send; the approval admin keeps the wall clock
const NOON = () => new Date(`${new Date().toISOString().slice(0, 10)}T12:00:00Z`);
const content = { subject: "Spring update", body: "<p>Hello from Northwind.</p>" };

let fake: RunningFake<SendGridState>;
let guardSql: SqlDb;
let kv: KeyValue;
let plain: GuardedHarness;
let asking: GuardedHarness;
let admin: ReturnType<typeof approvalsAdmin>;

const campaigns = () => [...fake.state.singleSends.values()].filter((s) => !s.name.startsWith("revops test"));

beforeAll(async () => {
  fake = await startSendGridFake({
    unsubscribes: ["gone@example.com"],
    lists: [
      { id: LIST, name: "Newsletter", emails: ["gone@example.com", "ann@example.com", "bo@example.com"] },
    ],
  });
  vi.stubEnv("SENDGRID_API_KEY", "SG.test");
  vi.stubEnv("SENDGRID_FROM_EMAIL", "marketing@example.com");
  vi.stubEnv("REVOPS_TEST_VENDOR_BASE_URL", fake.url);
  vi.stubEnv("REVOPS_ALLOW_INSECURE_TEST_VENDOR", "true");
  guardSql = await openSql({ dataDir: tempDataDir("email-sg-guard") });
  kv = await openKv({});
  await migrate(guardSql, guardMigrations);
  const guard = createGuard({ config, sql: async () => guardSql, kv: async () => kv, now: NOON });
  const env = { REVOPS_DATA_DIR: tempDataDir("email-sg"), SANDBOX_SCALE: "0.2" };
  plain = await connectGuarded({ modules: [createMarketingServer()], guard, env });
  asking = await connectGuarded({ modules: [createMarketingServer()], guard, env, elicitation: true });
  admin = approvalsAdmin({ sql: async () => guardSql, config });
}, 120_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  await plain?.close();
  await asking?.close();
  await guardSql?.close();
  await kv?.close();
  await fake?.close();
});

describe("email_campaign_send through SendGrid (fake), via the MCP client", () => {
  it("test send, approval, one Single Send scheduled despite a lost answer, stats from SendGrid", async () => {
    const refused = await plain.call(TOOL, { list_id: LIST, ...content, dry_run: true });
    expect(refused.isError).toBe(true);
    expect(refused.text).toContain("test_to");

    asking.answerWith(() => ({ action: "accept", content: { confirmation: "send to 1" } }));
    const test = await asking.call(TOOL, { list_id: LIST, ...content, test_to: ["me@example.com"] });
    expect(test.isError, test.text).toBe(false);
    expect(test.data?.written.system).toBe("sendgrid");
    expect(fake.state.messages).toHaveLength(1);
    expect(JSON.stringify(fake.state.messages[0]?.body)).toContain("me@example.com");

    config.CONFIRMATION_MODE = "approval";
    try {
      const args = { list_id: LIST, ...content };
      const queued = await plain.call(TOOL, args);
      const id = approvalIdIn(queued.text) as string;
      expect(id, queued.text).toBeDefined();
      expect(queued.text).toContain("unsubscribed");
      await admin.approve(id, "marketing-lead");
      // SendGrid creates the Single Send but the answer is lost: it is found by its marker, not created twice
      fake.faults.next({ kind: "resetAfterHandling" }, { method: "POST", path: "/v3/marketing/singlesends" });
      const ok = await plain.call(TOOL, { ...args, approval_id: id });
      expect(ok.isError, ok.text).toBe(false);
      expect(campaigns()).toHaveLength(1);
      expect(campaigns()[0]).toMatchObject({ status: "scheduled", id: ok.data?.send.id });
      expect(campaigns()[0]?.body).toMatchObject({ send_to: { list_ids: [LIST] } });
      expect((await plain.call(TOOL, { ...args, approval_id: id })).isError).toBe(true);
      expect(campaigns()).toHaveLength(1);

      const stats = await plain.call("email_stats", { send_ids: [ok.data?.send.id] });
      expect(stats.isError, stats.text).toBe(false);
      // gone@example.com unsubscribed: SendGrid drops it, two requests remain
      expect(stats.data?.sends[0]).toMatchObject({ requests: 2, delivered: 2 });
      expect(stats.data?.sends[0].rates.delivery).toEqual({ rate: 1, of: 2 });
      expect(stats.data?.meta.source).toBe("sendgrid");
    } finally {
      config.CONFIRMATION_MODE = "inband";
    }
    expect(fake.violations.map((v) => `${v.operationId}: ${v.errors.join("; ")}`)).toEqual([]);
  });

  it("email_campaign_create: one draft Single Send despite a lost answer; sent by id, scheduling that same send once", async () => {
    config.CONFIRMATION_MODE = "approval";
    try {
      const approved = async (tool: string, args: Record<string, unknown>) => {
        const queued = await plain.call(tool, args);
        const id = approvalIdIn(queued.text) as string;
        expect(id, queued.text).toBeDefined();
        await admin.approve(id, "marketing-lead");
        return { queued, id, run: await plain.call(tool, { ...args, approval_id: id }) };
      };
      const draftArgs = { list_id: LIST, subject: "Summer update", body: "<p>Summer at Northwind.</p>" };
      const before = fake.state.singleSends.size;
      fake.faults.next({ kind: "resetAfterHandling" }, { method: "POST", path: "/v3/marketing/singlesends" });
      const created = await approved("email_campaign_create", draftArgs);
      expect(created.queued.text).toContain("Newsletter");
      expect(created.run.isError, created.run.text).toBe(false);
      const draftId = created.run.data?.draft.id as string;
      expect(created.run.data?.written).toEqual({ system: "sendgrid", id: draftId });
      expect(fake.state.singleSends.size).toBe(before + 1);
      expect(fake.state.singleSends.get(draftId)).toMatchObject({ status: "draft" });
      expect(fake.state.singleSends.get(draftId)?.body).toMatchObject({
        send_to: { list_ids: [LIST] },
        email_config: { subject: "Summer update", html_content: "<p>Summer at Northwind.</p>" },
      });

      const test = await approved(TOOL, { draft_id: draftId, test_to: ["me@example.com"] });
      expect(test.run.isError, test.run.text).toBe(false);
      const sent = await approved(TOOL, { draft_id: draftId });
      expect(sent.run.isError, sent.run.text).toBe(false);
      // the draft itself is scheduled: no other campaign Single Send is made
      expect(sent.run.data?.send.id).toBe(draftId);
      expect(fake.state.singleSends.get(draftId)).toMatchObject({ status: "scheduled" });
      expect(campaigns().filter((c) => c.body.email_config).length).toBe(2);
      const again = await plain.call(TOOL, { draft_id: draftId, dry_run: true });
      expect(again.isError).toBe(true);
      expect(again.text).toContain("sent already");
    } finally {
      config.CONFIRMATION_MODE = "inband";
    }
    expect(fake.violations.map((v) => `${v.operationId}: ${v.errors.join("; ")}`)).toEqual([]);
  });
});
