import { sandboxDatabase, sandboxNow } from "@revops/sandbox";
import type { SqlDb } from "@revops/store";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { actionsIn, subjectOf } from "../src/domain/meeting-notes";
import { withinWorkingHours } from "../src/domain/scheduling";
import { approvalIdIn, type Call, connectSalesWithSafety, type SalesHarness } from "./deal-update-harness";

// The meetings and outreach tools end to end through the official MCP client and the safety stack, on the sandbox;
// every figure is checked against raw SQL on the sandbox tables.

const EAST = ["America/New_York", "America/Chicago", "America/Toronto"];
// Wednesday after the sandbox's today (2026-11-23): 10:00 in Chicago, 11:00 in New York and Toronto
const START = "2026-11-25T16:00:00Z";
const CAP = 3;

let h: SalesHarness;
let db: SqlDb;
let deal: { id: string; account_id: string; owner_id: string; owner_email: string; next_step: string | null };
let contact: { email: string; timezone: string };
let gone: string;

/** Runs a guarded call through the approval queue (outbound to contacts always goes there). */
async function approved(name: string, args: Record<string, unknown>): Promise<Call> {
  h.mode("approval");
  try {
    const queued = await h.call(name, args);
    const id = approvalIdIn(queued.text);
    if (!id) return queued;
    await h.approve(id);
    return await h.call(name, { ...args, approval_id: id });
  } finally {
    h.resetMode();
  }
}
const n = async (sql: string, args: unknown[] = []) => Number((await db.one<{ n: number }>(sql, args))?.n);

beforeAll(async () => {
  vi.stubEnv("SALES_EMAIL_DAILY_CAP", String(CAP));
  // the per-recipient daily limit (3 by default) would stop the sender's cap test first
  h = await connectSalesWithSafety({ GUARD_QUIET_HOURS: "off", GUARD_SEND_MAX_PER_RECIPIENT_PER_DAY: "10" });
  db = await sandboxDatabase(h.runtime);
  const zones = EAST.map(() => "?").join(", ");
  const row = await db.one<Record<string, string>>(
    `SELECT d.id, d.account_id, d.owner_id, u.email AS owner_email, d.next_step, c.email, c.timezone
     FROM sb_deals d JOIN sb_users u ON u.id = d.owner_id JOIN sb_contacts c ON c.account_id = d.account_id
     WHERE d.stage NOT IN ('closed_won', 'closed_lost') AND u.region = 'NA' AND c.unsubscribed = 0
       AND c.timezone IN (${zones})
       AND EXISTS (SELECT 1 FROM sb_activities a WHERE a.deal_id = d.id AND a.type = 'meeting')
     ORDER BY d.id, c.id LIMIT 1`,
    EAST,
  );
  if (!row) throw new Error("no open NA deal with an eastern contact in the sandbox");
  deal = {
    id: String(row.id),
    account_id: String(row.account_id),
    owner_id: String(row.owner_id),
    owner_email: String(row.owner_email),
    next_step: row.next_step ?? null,
  };
  contact = { email: String(row.email), timezone: String(row.timezone) };
  gone = String(
    (
      await db.one<{ email: string }>(
        "SELECT email FROM sb_contacts WHERE unsubscribed = 1 ORDER BY id LIMIT 1",
      )
    )?.email,
  );
}, 120_000);
afterAll(async () => {
  vi.unstubAllEnvs();
  await h?.close();
});

describe("meetings_list and meeting_prep on the sandbox", () => {
  it("lists a deal's past meetings newest first, as SQL finds them", async () => {
    const r = await h.call("meetings_list", { when: "past", deal_id: deal.id, days: 365, limit: 50 });
    expect(r.isError, r.text).toBe(false);
    // every seeded activity is in the past of the sandbox's today, and within a year for an open deal's meetings
    const rows = await db.query<{ id: string }>(
      `SELECT id FROM sb_activities WHERE type = 'meeting' AND deal_id = ? AND occurred_at >= ?
       ORDER BY occurred_at DESC, id DESC LIMIT 50`,
      [deal.id, r.data.window.from],
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(r.data.meetings.map((m: { id: string }) => m.id)).toEqual(rows.map((x) => x.id));
    expect(r.data.meetings[0]).toMatchObject({ deal_id: deal.id, account_id: deal.account_id });
  });

  it("asks whose meetings when no filter is given, and names an unknown rep", async () => {
    const none = await h.call("meetings_list", {});
    expect(none.isError).toBe(true);
    expect(none.text).toMatch(/owner, account_id or deal_id/);
    const bad = await h.call("meetings_list", { owner: "Nobody Here" });
    expect(bad.text).toMatch(/owner: no sales rep/);
  });

  it("briefs a deal: its fields, newest touches and open questions", async () => {
    const r = await h.call("meeting_prep", { deal_id: deal.id });
    expect(r.isError, r.text).toBe(false);
    const d = await db.one<Record<string, unknown>>(
      "SELECT name, stage, amount, close_date, next_step FROM sb_deals WHERE id = ?",
      [deal.id],
    );
    expect(r.data.deal).toMatchObject({
      id: deal.id,
      stage: d?.stage,
      amount: Number(d?.amount),
      close_date: d?.close_date,
      next_step: d?.next_step ?? null,
    });
    const touches = await db.query<{ occurred_at: string }>(
      "SELECT occurred_at FROM sb_activities WHERE deal_id = ? ORDER BY occurred_at DESC, id DESC LIMIT 5",
      [deal.id],
    );
    expect(r.data.last_touches.map((t: { at: string }) => t.at)).toEqual(touches.map((t) => t.occurred_at));
    const contacts = await n(
      "SELECT COUNT(DISTINCT contact_id) AS n FROM sb_activities WHERE deal_id = ? AND contact_id IS NOT NULL",
      [deal.id],
    );
    expect(r.data.stakeholders.length).toBe(Math.min(6, contacts));
    expect(r.data.open_questions.length).toBeGreaterThan(0);
    const bad = await h.call("meeting_prep", {});
    expect(bad.text).toMatch(/deal_id or meeting_id/);
  });
});

describe("meeting_schedule on the sandbox", () => {
  it("refuses times outside anyone's working hours, in the past, and unsubscribed attendees", async () => {
    const night = await h.call("meeting_schedule", {
      deal_id: deal.id,
      start: "2026-11-25T03:00:00Z",
      attendees: [contact.email],
      dry_run: true,
    });
    expect(night.isError).toBe(true);
    expect(night.text).toMatch(/start: outside working hours/);
    const past = await h.call("meeting_schedule", {
      deal_id: deal.id,
      start: "2026-11-20T16:00:00Z",
      attendees: [contact.email],
      dry_run: true,
    });
    expect(past.text).toMatch(/start: .* has passed/);
    const unsub = await h.call("meeting_schedule", {
      deal_id: deal.id,
      start: START,
      attendees: [gone],
      dry_run: true,
    });
    expect(unsub.text).toMatch(/attendees: .* unsubscribed/);
  });

  it("previews the invitation with each attendee's zone and books it once through the approval queue", async () => {
    const args = { deal_id: deal.id, start: START, attendees: [contact.email] };
    const dry = await h.call("meeting_schedule", { ...args, dry_run: true });
    expect(dry.isError, dry.text).toBe(false);
    expect(dry.data.plan).toMatchObject({
      action: "send",
      record_type: "meeting invitation",
      recipients: [{ email: contact.email.toLowerCase(), time_zone: contact.timezone }],
      delivery: "simulated",
      availability_unknown: [],
    });
    expect(await n("SELECT COUNT(*) AS n FROM sb_meetings")).toBe(0);
    const r = await approved("meeting_schedule", args);
    expect(r.isError, r.text).toBe(false);
    const row = await db.one<Record<string, string>>("SELECT * FROM sb_meetings WHERE id = ?", [
      r.data.written.id,
    ]);
    expect(row).toMatchObject({
      deal_id: deal.id,
      owner_id: deal.owner_id,
      start_at: "2026-11-25T16:00:00.000Z",
    });
    expect(JSON.parse(String(row?.attendees))).toEqual([contact.email.toLowerCase()]);
    expect(
      await n("SELECT COUNT(*) AS n FROM sb_changes WHERE entity = 'meeting' AND record_id = ?", [
        r.data.written.id,
      ]),
    ).toBe(1);
    // the slot is now busy for the rep and the contact
    const again = await h.call("meeting_schedule", { ...args, dry_run: true });
    expect(again.text).toMatch(/already busy/);
    const upcoming = await h.call("meetings_list", { owner: deal.owner_email, days: 7 });
    expect(upcoming.data.meetings.map((m: { id: string }) => m.id)).toContain(r.data.written.id);
  });
});

describe("email_draft and email_send on the sandbox", () => {
  it("previews the draft from the deal's context, saves it once in the rep's mailbox, sends nothing", async () => {
    const dry = await h.call("email_draft", { deal_id: deal.id, dry_run: true });
    expect(dry.isError, dry.text).toBe(false);
    // a draft leaves no mailbox: a low-risk create the conversation may confirm
    expect(dry.data.approval_required).toEqual([]);
    expect(dry.data.plan).toMatchObject({ action: "create", record_type: "email draft", system: "sandbox" });
    expect(dry.data.plan.sender).toBe(deal.owner_email);
    if (deal.next_step) expect(dry.data.plan.body).toContain(deal.next_step);
    const r = await approved("email_draft", { deal_id: deal.id });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.subject).toMatch(/next steps/);
    expect(r.data.written.system).toBe("sandbox");
    const row = await db.one<Record<string, string>>(
      "SELECT sender_email, recipients, subject, body, deal_id FROM sb_sales_drafts WHERE id = ?",
      [r.data.written.id],
    );
    expect(row).toMatchObject({
      sender_email: deal.owner_email.toLowerCase(),
      recipients: JSON.stringify([r.data.to]),
      subject: r.data.subject,
      body: r.data.body,
      deal_id: deal.id,
    });
    expect(await n("SELECT COUNT(*) AS n FROM sb_sales_drafts")).toBe(1);
    expect(await n("SELECT COUNT(*) AS n FROM sb_sales_emails")).toBe(0);
    expect(
      await n("SELECT COUNT(*) AS n FROM sb_changes WHERE entity = 'sales_draft' AND record_id = ?", [
        r.data.written.id,
      ]),
    ).toBe(1);
    const unsub = await h.call("email_draft", { deal_id: deal.id, to: gone, dry_run: true });
    expect(unsub.text).toMatch(/to: .* unsubscribed/);
  });

  it("refuses unsubscribed recipients and quiet hours where the recipient is", async () => {
    const unsub = await h.call("email_send", {
      deal_id: deal.id,
      to: [gone],
      subject: "Hello",
      body: "Hi",
      dry_run: true,
    });
    expect(unsub.text).toMatch(/to: .* unsubscribed/);
    const cfg = h.runtime.config as unknown as { GUARD_QUIET_HOURS: string };
    // a sandbox send happens on the sandbox's clock: its quiet hours are judged there
    const hour = Number(
      new Intl.DateTimeFormat("en-US", {
        hour: "numeric",
        hourCycle: "h23",
        timeZone: contact.timezone,
      }).format(new Date(await sandboxNow(db))),
    );
    cfg.GUARD_QUIET_HOURS = `${hour}-${(hour + 1) % 24}`;
    try {
      const quiet = await approved("email_send", {
        deal_id: deal.id,
        to: [contact.email],
        subject: "Quiet",
        body: "Hi",
      });
      expect(quiet.isError).toBe(true);
      expect(quiet.text).toMatch(/quiet hours/);
    } finally {
      cfg.GUARD_QUIET_HOURS = "off";
    }
    expect(await n("SELECT COUNT(*) AS n FROM sb_sales_emails")).toBe(0);
  });

  it("sends as the deal's rep once per confirmed plan, logs the touch, and stops at the daily cap", async () => {
    const send = (subject: string) =>
      approved("email_send", { deal_id: deal.id, to: [contact.email], subject, body: "Thanks for today." });
    const first = await send("Follow-up 1");
    expect(first.isError, first.text).toBe(false);
    const row = await db.one<Record<string, string>>("SELECT * FROM sb_sales_emails WHERE id = ?", [
      first.data.id,
    ]);
    expect(row).toMatchObject({ sender_email: deal.owner_email.toLowerCase(), deal_id: deal.id });
    expect(
      await n(
        "SELECT COUNT(*) AS n FROM sb_activities WHERE deal_id = ? AND type = 'email' AND subject = ?",
        [deal.id, "Follow-up 1"],
      ),
    ).toBe(1);
    expect(await n("SELECT COUNT(*) AS n FROM sb_changes WHERE entity = 'sales_email'")).toBe(1);
    for (let i = 2; i <= CAP; i++) expect((await send(`Follow-up ${i}`)).isError).toBe(false);
    const over = await h.call("email_send", {
      deal_id: deal.id,
      to: [contact.email],
      subject: "One too many",
      body: "Hi",
      dry_run: true,
    });
    expect(over.isError).toBe(true);
    expect(over.text).toMatch(new RegExp(`already sent ${CAP} sales emails today`));
    expect(
      await n("SELECT COUNT(*) AS n FROM sb_sales_emails WHERE sender_email = ?", [
        deal.owner_email.toLowerCase(),
      ]),
    ).toBe(CAP);
  });
});

describe("meeting_log on the sandbox", () => {
  const notes =
    "Pricing review with the CFO.\nNext step: Send the revised quote\n- [ ] Send security questionnaire by 2026-11-27\nTODO: Book the legal review";

  it("previews the activity, next step and tasks, then writes them once", async () => {
    const dry = await h.call("meeting_log", { deal_id: deal.id, notes, dry_run: true });
    expect(dry.isError, dry.text).toBe(false);
    expect(dry.data.plan.tasks).toEqual([
      { subject: "Send security questionnaire", due: "2026-11-27" },
      { subject: "Book the legal review", due: null },
    ]);
    expect(dry.data.plan.changes).toEqual([
      { field: "next_step", before: deal.next_step, after: "Send the revised quote" },
    ]);
    const r = await approved("meeting_log", { deal_id: deal.id, notes });
    expect(r.isError, r.text).toBe(false);
    const act = await db.one<Record<string, string>>(
      "SELECT type, subject, body FROM sb_activities WHERE id = ?",
      [r.data.activity_id],
    );
    expect(act).toMatchObject({
      type: "meeting",
      subject: "Meeting: Pricing review with the CFO.",
      body: notes,
    });
    const tasks = await db.query<{ subject: string; body: string }>(
      "SELECT subject, body FROM sb_activities WHERE deal_id = ? AND type = 'task' ORDER BY subject",
      [deal.id],
    );
    expect(tasks).toEqual([
      { subject: "Book the legal review", body: "" },
      { subject: "Send security questionnaire", body: "due 2026-11-27" },
    ]);
    expect(
      (await db.one<{ next_step: string }>("SELECT next_step FROM sb_deals WHERE id = ?", [deal.id]))
        ?.next_step,
    ).toBe("Send the revised quote");
    expect(
      await n("SELECT COUNT(*) AS n FROM sb_changes WHERE record_id = ? AND field = 'next_step'", [deal.id]),
    ).toBe(1);
    const prep = await h.call("meeting_prep", { deal_id: deal.id });
    expect(prep.data.deal.next_step).toBe("Send the revised quote");
    const bad = await h.call("meeting_log", { deal_id: "deal_nope", notes: "x", dry_run: true });
    expect(bad.text).toMatch(/deal_id: no deal/);
  });
});

describe("pure rules behind the tools", () => {
  it("reads next steps and action lines from notes", () => {
    expect(actionsIn("Call went well.\nnext steps - demo for IT\nAction: send deck by 2026-12-01")).toEqual({
      nextStep: "demo for IT",
      tasks: [{ subject: "send deck", due: "2026-12-01" }],
    });
    expect(actionsIn("Nothing to do.")).toEqual({ nextStep: null, tasks: [] });
    expect(subjectOf(`\n${"x".repeat(100)}`)).toHaveLength("Meeting: ".length + 80);
  });

  it("keeps meetings inside one local weekday between 09:00 and 17:00", () => {
    expect(withinWorkingHours(START, "2026-11-25T16:30:00Z", "America/Chicago")).toBe(true);
    expect(withinWorkingHours(START, "2026-11-25T16:30:00Z", "America/Los_Angeles")).toBe(false);
    expect(withinWorkingHours("2026-11-28T16:00:00Z", "2026-11-28T16:30:00Z", "America/Chicago")).toBe(false);
  });
});
