import { approvalIdIn } from "@revops/guards/testing";
import type { SqlDb } from "@revops/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxMessages } from "../src/integrations/sandbox/messages";
import { config, type Guarded, guarded, typeThePhrase } from "./guarded";

// message_send and survey_send on the sandbox company behind the real guard, driven by the official client.
let g: Guarded;
let db: SqlDb;
const contactsOf = (sql: string, params: unknown[] = []) =>
  db.query<{ id: string; email: string; account_id: string }>(
    `SELECT c.id, lower(c.email) AS email, c.account_id FROM sb_contacts c JOIN sb_accounts a ON a.id = c.account_id
     WHERE a.lifecycle = 'customer' ${sql} ORDER BY c.id`,
    params,
  );

beforeAll(async () => {
  g = await guarded({ sandbox: true });
  // the first call loads the sandbox company
  await g.asking.call("nps_summary", {});
  await g.plain.call("nps_summary", {});
  db = await g.asking.runtime.sql();
}, 60_000);
afterAll(async () => g?.close());

describe("message_send", () => {
  it("sends to one known contact once the human confirms in the client, logged and journalled", async () => {
    const [c] = await contactsOf("AND c.unsubscribed = 0");
    const args = {
      to: [String(c?.email).toUpperCase()],
      subject: "Your renewal",
      body: "Hi, shall we talk?",
    };
    const dry = await g.asking.call("message_send", { ...args, dry_run: true });
    expect(dry.isError, dry.text).toBe(false);
    expect(dry.data?.approval_required).toEqual([]);
    expect(dry.data?.plan).toMatchObject({
      recipients: [{ email: c?.email }],
      recipient_count: 1,
      channel: "email",
      system: "sandbox",
      delivery: "simulated",
    });
    typeThePhrase(g.asking);
    const r = await g.asking.call("message_send", args);
    expect(r.isError, r.text).toBe(false);
    expect(r.data?.written.system).toBe("sandbox");
    const row = await db.one<{ recipients: number; kind: string }>(
      "SELECT recipients, kind FROM sb_cs_messages WHERE id = ?",
      [r.data?.id],
    );
    expect(row).toMatchObject({ recipients: 1, kind: "message" });
    const journal = await db.query(
      "SELECT field FROM sb_changes WHERE entity = 'message' AND record_id = ?",
      [r.data?.id],
    );
    expect(journal.length).toBeGreaterThan(0);
  });

  it("is high risk above GUARD_INBAND_MAX_RECIPIENTS: a client confirming it itself never sends", async () => {
    const four = (await contactsOf("AND c.unsubscribed = 0")).slice(
      0,
      config.GUARD_INBAND_MAX_RECIPIENTS + 1,
    );
    const args = { to: four.map((c) => c.email), subject: "Hello", body: "Hi all" };
    const dry = await g.asking.call("message_send", { ...args, dry_run: true });
    expect(dry.data?.approval_required.join(" ")).toContain(`goes to ${four.length} people`);
    const before = await db.one<{ n: number }>("SELECT COUNT(*) AS n FROM sb_cs_messages");
    typeThePhrase(g.asking);
    const r = await g.asking.call("message_send", args);
    expect(r.isError).toBe(true);
    expect(approvalIdIn(r.text)).toBeDefined();
    expect(await db.one("SELECT COUNT(*) AS n FROM sb_cs_messages")).toEqual(before);
  });

  it("refuses strangers and unsubscribed contacts, naming the field", async () => {
    const stranger = await g.asking.call("message_send", {
      to: ["nobody@nowhere.example.com"],
      subject: "Hi",
      body: "Hi",
      dry_run: true,
    });
    expect(stranger.isError).toBe(true);
    expect(stranger.text).toMatch(/to: nobody@nowhere\.example\.com is not a contact/);
    const [gone] = await contactsOf("AND c.unsubscribed = 1");
    const unsub = await g.asking.call("message_send", {
      to: [gone?.email],
      subject: "Hi",
      body: "Hi",
      dry_run: true,
    });
    expect(unsub.text).toMatch(/unsubscribed/);
  });

  it("refuses contacts on the guard's suppression list", async () => {
    const [c] = (await contactsOf("AND c.unsubscribed = 0")).slice(-1);
    await g.suppressions.add(String(c?.email), "test");
    const r = await g.asking.call("message_send", {
      to: [c?.email],
      subject: "Hi",
      body: "Hi",
      dry_run: true,
    });
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/suppressed/);
    await g.suppressions.remove(String(c?.email));
  });
});

describe("survey_send", () => {
  it("plans the eligible contacts that SQL finds, excluded and why; sends once approved; skips them next time", async () => {
    // the accounts of one size band, as a segment would list them
    const ids = (
      await db.query<{ id: string }>(
        "SELECT id FROM sb_accounts WHERE lifecycle = 'customer' AND size_band = ?",
        ["201-1000"],
      )
    ).map((r) => r.id);
    const inIds = `AND a.id IN (${ids.map(() => "?").join(", ")}) AND c.email <> ''`;
    const all = await contactsOf(inIds, ids);
    const unsub = await contactsOf(`${inIds} AND c.unsubscribed = 1`, ids);
    const emails = new Set(all.filter((c) => !unsub.some((u) => u.id === c.id)).map((c) => c.email));
    const args = { kind: "nps", account_ids: ids };
    const dry = await g.plain.call("survey_send", { ...args, dry_run: true });
    expect(dry.isError, dry.text).toBe(false);
    const plan = dry.data?.plan;
    expect(plan.count).toBe(emails.size);
    expect(plan.excluded.unsubscribed).toBe(unsub.length);
    expect(plan.recipients.length).toBe(Math.min(10, emails.size));
    expect(dry.data?.approval_required.length).toBeGreaterThan(0);

    config.CONFIRMATION_MODE = "approval";
    const queued = await g.plain.call("survey_send", args);
    const id = approvalIdIn(queued.text) as string;
    await g.admin.approve(id, "human");
    const sent = await g.plain.call("survey_send", { ...args, approval_id: id });
    config.CONFIRMATION_MODE = "inband";
    expect(sent.isError, sent.text).toBe(false);
    const plainDb = await g.plain.runtime.sql();
    const logged = await plainDb.one<{ n: number }>(
      "SELECT COUNT(*) AS n FROM sb_cs_message_recipients WHERE message_id = ?",
      [sent.data?.survey_id],
    );
    expect(Number(logged?.n)).toBe(emails.size);

    const again = await g.plain.call("survey_send", { ...args, dry_run: true });
    expect(again.isError).toBe(true);
    expect(again.text).toMatch(/all excluded/);
    const later = await g.plain.call("survey_send", { ...args, skip_days: 1, dry_run: true });
    expect(later.isError).toBe(true);

    // an answer lands in the NPS data nps_summary reads, journalled
    const book = new SandboxMessages(plainDb);
    const [first] = await plainDb.query<{ contact_id: string }>(
      "SELECT contact_id FROM sb_cs_message_recipients WHERE message_id = ? ORDER BY contact_id LIMIT 1",
      [sent.data?.survey_id],
    );
    const before = await g.plain.call("nps_summary", {});
    await book.recordAnswer(
      { surveyId: sent.data?.survey_id, contactId: String(first?.contact_id), score: 3, comment: "Too slow" },
      { principal: "survey-page" },
    );
    const after = await g.plain.call("nps_summary", {});
    expect(after.data?.responses).toBe(before.data?.responses + 1);
    expect(after.data?.detractors).toBe(before.data?.detractors + 1);
    const journal = await plainDb.query("SELECT field FROM sb_changes WHERE entity = 'nps_response'");
    expect(journal.length).toBe(2);
  }, 30_000);
});
