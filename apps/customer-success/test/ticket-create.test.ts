import { tmpdir } from "node:os";
import { approvalIdIn, tokenIn } from "@revops/guards/testing";
import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import { openSql, type SqlDb } from "@revops/store";
import { type RunningFake, startZendeskFake, tempDataDir, type ZendeskState } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SupportPort } from "../src/ports";
import { createCustomerSuccessServer } from "../src/server";
import { config, type Guarded, guarded, planHashIn, typeThePhrase } from "./guarded";

const TOOL = "ticket_create";
const PG_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
let keys = 0;
const origin = () => ({ principal: "contract", planHash: "plan-c", idempotencyKey: `create-${++keys}` });

/** One provider under the create contract: an account, its primary and second contact, how to read tickets back. */
interface Fixture {
  system: string;
  port: SupportPort;
  accountId: string;
  primaryEmail: string;
  otherEmail: string;
  /** A contact of another account. */
  strangerEmail: string;
  tickets(): Promise<number>;
  comments(id: string): Promise<{ body: string; public: boolean }[]>;
  close(): Promise<void>;
}

const zendeskEnv = (url: string) => {
  vi.stubEnv("CS_SUPPORT", "zendesk");
  vi.stubEnv("ZENDESK_EMAIL", "agent@acme.test");
  vi.stubEnv("ZENDESK_API_TOKEN", "zd-test");
  vi.stubEnv("REVOPS_TEST_VENDOR_BASE_URL", url);
  vi.stubEnv("REVOPS_ALLOW_INSECURE_TEST_VENDOR", "true");
};

/** Users 1–4 then organizations 5–6: the fake numbers every seeded row from one sequence. */
const ZENDESK_SEED = {
  users: [
    { name: "Ada Agent", email: "ada@support.example.com", role: "agent", organization_id: 5 },
    { name: "Dana Buyer", email: "dana@acme.example.com", role: "end-user", organization_id: 5 },
    { name: "Carl Customer", email: "carl@acme.example.com", role: "end-user", organization_id: 5 },
    { name: "Olga Other", email: "olga@other.example.com", role: "end-user", organization_id: 6 },
  ],
  organizations: [{ name: "Acme Corp" }, { name: "Other Ltd" }],
};

async function sandboxFixture(engine: "sqlite" | "postgres"): Promise<Fixture> {
  let admin: SqlDb | undefined;
  let schema = "";
  const env: Record<string, string> = {};
  if (engine === "postgres") {
    schema = `cs_ticket_create_${process.pid}_${Date.now()}`;
    admin = await openSql({ databaseUrl: PG_URL, dataDir: tmpdir() });
    await admin.exec(`CREATE SCHEMA ${schema}`);
    env.DATABASE_URL = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  }
  const rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("cs-create"), SANDBOX_SCALE: "0.05", ...env }),
    createLogger("silent", "test"),
  );
  const port = (await createCustomerSuccessServer().ports(rt)).support;
  const db = await rt.sql();
  // the account's contacts in seniority order, straight from SQL
  const [first, second] = await db.query<{ account_id: string; email: string }>(
    `SELECT account_id, email FROM sb_contacts WHERE account_id = (SELECT MIN(account_id) FROM sb_contacts)
     ORDER BY seniority, id LIMIT 2`,
  );
  const stranger = await db.one<{ email: string }>(
    "SELECT email FROM sb_contacts WHERE account_id <> ? ORDER BY id LIMIT 1",
    [first?.account_id],
  );
  return {
    system: "sandbox",
    port,
    accountId: String(first?.account_id),
    primaryEmail: String(first?.email),
    otherEmail: String(second?.email),
    strangerEmail: String(stranger?.email),
    tickets: async () => Number((await db.one<{ n: number }>("SELECT COUNT(*) AS n FROM sb_tickets"))?.n),
    comments: async (id) =>
      (
        await db.query<{ body: string; public: number }>(
          "SELECT body, public FROM sb_ticket_comments WHERE ticket_id = ? ORDER BY created_at, id",
          [id],
        )
      ).map((c) => ({ body: c.body, public: Number(c.public) === 1 })),
    close: async () => {
      await rt.close(1000);
      if (admin) {
        await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await admin.close();
      }
    },
  };
}

async function zendeskFixture(): Promise<Fixture> {
  const fake: RunningFake<ZendeskState> = await startZendeskFake(ZENDESK_SEED);
  zendeskEnv(fake.url);
  const rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("cs-create-zd"), SANDBOX_SCALE: "0.05" }),
    createLogger("silent", "test"),
  );
  const port = (await createCustomerSuccessServer().ports(rt)).support;
  vi.unstubAllEnvs();
  return {
    system: "zendesk",
    port,
    accountId: "5",
    // Zendesk keeps no seniority: the primary contact is the organization's oldest end-user
    primaryEmail: "dana@acme.example.com",
    otherEmail: "carl@acme.example.com",
    strangerEmail: "olga@other.example.com",
    tickets: async () => fake.state.tickets.size,
    comments: async (id) =>
      fake.state.audits
        .filter((a) => a.ticket_id === Number(id))
        .flatMap((a) => a.events.map((e) => ({ body: e.body, public: e.public }))),
    close: async () => {
      await rt.close(1000);
      await fake.close();
    },
  };
}

function describeTicketCreateContract(name: string, make: () => Promise<Fixture>) {
  describe(`ticket create contract: ${name}`, () => {
    let f: Fixture;
    beforeAll(async () => {
      f = await make();
    }, 120_000);
    afterAll(async () => f?.close());

    it("finds the requester by email (any case) or the primary contact, and nobody outside the account", async () => {
      const primary = await f.port.ticketRequester(f.accountId);
      expect(primary).toMatchObject({ email: f.primaryEmail, accountId: f.accountId });
      expect(primary?.accountName).toBeTruthy();
      expect((await f.port.ticketRequester(f.accountId, f.otherEmail.toUpperCase()))?.email).toBe(
        f.otherEmail,
      );
      expect(await f.port.ticketRequester(f.accountId, f.strangerEmail)).toBeUndefined();
    });

    it("opens a ticket with an internal first comment once, and finds it on a retry with the same key", async () => {
      const who = await f.port.ticketRequester(f.accountId, f.otherEmail);
      const before = await f.tickets();
      const t = {
        accountId: f.accountId,
        requesterId: String(who?.id),
        subject: "Dashboards time out",
        priority: "high" as const,
        tags: ["performance"],
        comment: { visibility: "internal" as const, body: "Seen on the call" },
      };
      const o = origin();
      const r = await f.port.createTicket(t, o);
      expect(r).toMatchObject({ system: f.system, recovered: false });
      expect(r.commentId).toBeTruthy();
      expect(await f.comments(r.id)).toEqual([{ body: "Seen on the call", public: false }]);
      const again = await f.port.createTicket(t, { ...o, resumed: true });
      expect(again).toMatchObject({ id: r.id, recovered: true, commentId: r.commentId });
      expect(await f.tickets()).toBe(before + 1);
      const thread = await f.port.ticketThread(r.id);
      expect(thread).toMatchObject({
        subject: "Dashboards time out",
        priority: "high",
        accountId: f.accountId,
      });
      expect(thread?.tags).toEqual(["performance"]);
    });

    it("posts a public first comment as public, and refuses a requester from another account", async () => {
      const who = await f.port.ticketRequester(f.accountId);
      const r = await f.port.createTicket(
        {
          accountId: f.accountId,
          requesterId: String(who?.id),
          subject: "Your renewal",
          priority: "normal",
          tags: [],
          comment: { visibility: "public", body: "Hello from support" },
        },
        origin(),
      );
      expect(await f.comments(r.id)).toEqual([{ body: "Hello from support", public: true }]);
      if (f.system === "sandbox") {
        const other = await f.port.ticketRequester(
          String((await f.port.searchAccounts("", 5)).find((a) => a.id !== f.accountId)?.id),
        );
        await expect(
          f.port.createTicket(
            {
              accountId: f.accountId,
              requesterId: String(other?.id),
              subject: "x",
              priority: "low",
              tags: [],
              comment: { visibility: "internal", body: "x" },
            },
            origin(),
          ),
        ).rejects.toMatchObject({ name: "TicketWriteError", field: "requester_email" });
      }
    });
  });
}

describeTicketCreateContract("sandbox on SQLite", () => sandboxFixture("sqlite"));
describeTicketCreateContract("sandbox on PostgreSQL", () => sandboxFixture("postgres"));
describeTicketCreateContract("Zendesk over node-zendesk and the fake", zendeskFixture);

describe("ticket_create on the sandbox, through the guard", () => {
  let g: Guarded;
  let db: SqlDb;
  let askDb: SqlDb;
  let account = "";
  let email = "";
  const created = (d: SqlDb, subject: string) =>
    d.query<{ id: string; priority: string; tags: string; channel: string; contact_id: string }>(
      "SELECT id, priority, tags, channel, contact_id FROM sb_tickets WHERE subject = ?",
      [subject],
    );

  beforeAll(async () => {
    g = await guarded({ sandbox: true });
    for (const h of [g.plain, g.asking])
      expect((await h.call("tickets_list", { limit: 1 })).isError).toBe(false);
    db = await g.plain.runtime.sql();
    askDb = await g.asking.runtime.sql();
    const c = await db.one<{ account_id: string; email: string }>(
      "SELECT account_id, email FROM sb_contacts ORDER BY account_id, seniority, id LIMIT 1",
    );
    account = String(c?.account_id);
    // against the sandbox only example.com may receive mail: the primary contact gets such an address
    email = "primary.contact@example.com";
    for (const d of [db, askDb])
      await d.run("UPDATE sb_contacts SET email = ? WHERE account_id = ? AND email = ?", [
        email,
        account,
        c?.email,
      ]);
  }, 120_000);
  afterAll(async () => g?.close());

  const args = (subject: string, extra: Record<string, unknown> = {}) => ({
    account_id: account,
    subject,
    body: "Customer called about slow dashboards.",
    priority: "high",
    tags: ["performance"],
    ...extra,
  });

  it("dry run names the account, the primary contact and the internal note, and creates nothing", async () => {
    const r = await g.plain.call(TOOL, { ...args("Dry"), dry_run: true });
    expect(r.isError, r.text).toBeFalsy();
    expect(r.text).toMatch(/Dry run, nothing was changed/);
    expect(r.text).toContain(`Open ticket "Dry" at `);
    expect(r.text).toContain(`<${email}>: priority high, tags performance; first comment: internal note`);
    expect(await created(db, "Dry")).toEqual([]);
  });

  it("elicitation: the confirmed plan opens one ticket, journalled with its plan hash", async () => {
    const hash = planHashIn((await g.asking.call(TOOL, { ...args("Slow dashboards"), dry_run: true })).text);
    typeThePhrase(g.asking);
    const r = await g.asking.call(TOOL, args("Slow dashboards"));
    expect(r.isError, r.text).toBe(false);
    expect(g.asking.elicited.at(-1)?.message).toMatch(/type: create /);
    const rows = await created(askDb, "Slow dashboards");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ priority: "high", tags: "performance", channel: "api" });
    expect(r.data).toMatchObject({
      ticket_id: rows[0]?.id,
      status: "open",
      recovered: false,
      account_id: account,
      comment: { visibility: "internal" },
      written: { system: "sandbox", id: rows[0]?.id },
    });
    const journal = await askDb.query<{ field: string; plan_hash: string; principal: string }>(
      "SELECT field, plan_hash, principal FROM sb_changes WHERE record_id = ? ORDER BY field",
      [rows[0]?.id],
    );
    expect(journal.map((j) => j.field)).toEqual([
      "account_id",
      "comment",
      "priority",
      "requester",
      "status",
      "subject",
      "tags",
    ]);
    expect(journal.every((j) => j.plan_hash === hash && j.principal === "alice")).toBe(true);
    // the new ticket is readable at once by the read tools (version-memo caches see the write)
    const read = await g.asking.call("ticket_get", { ticket_id: rows[0]?.id });
    expect(read.data?.comments).toHaveLength(1);
  });

  it("a public first message is outbound: send rules refuse a suppressed requester; else only the approval queue sends it, once", async () => {
    const a = args("Renewal question", { public: true, requester_email: email.toUpperCase() });
    const dry = await g.plain.call(TOOL, { ...a, dry_run: true });
    expect(dry.text).toMatch(/first comment: public message to .* </);
    expect(dry.text).toMatch(/recipients:/);
    await g.suppressions.add(email, "unsubscribed");
    try {
      typeThePhrase(g.asking);
      const refused = await g.asking.call(TOOL, a);
      expect(refused.isError).toBe(true);
      expect(refused.text).toMatch(/unsubscribed or are suppressed/);
    } finally {
      await g.suppressions.remove(email);
    }
    const queued = await g.plain.call(TOOL, a);
    expect(queued.isError).toBe(true);
    expect(queued.text).toMatch(/it is a public message/);
    const id = approvalIdIn(queued.text) as string;
    await g.admin.approve(id, "carol");
    const sent = await g.plain.call(TOOL, { ...a, approval_id: id });
    expect(sent.isError, sent.text.slice(0, 600)).toBe(false);
    expect(sent.data?.comment).toMatchObject({ visibility: "public" });
    const again = await g.plain.call(TOOL, { ...a, approval_id: id });
    expect(again.isError).toBe(true);
    expect(await created(db, "Renewal question")).toHaveLength(1);
  });

  it("names the field on bad input: priority, tags, an unknown account or a contact of another account", async () => {
    const bad = await g.plain.call(TOOL, { ...args("x"), priority: "whenever" });
    expect(bad.isError).toBe(true);
    expect(bad.text).toMatch(/priority: one of low, normal, high, urgent/);
    const tag = await g.plain.call(TOOL, { ...args("x"), tags: ["two words"] });
    expect(tag.text).toContain("tags");
    const none = await g.plain.call(TOOL, { ...args("x"), account_id: "acc_none", dry_run: true });
    expect(none.text).toMatch(/No account acc_none/);
    const other = await db.one<{ email: string }>(
      "SELECT email FROM sb_contacts WHERE account_id <> ? ORDER BY id LIMIT 1",
      [account],
    );
    const stranger = await g.plain.call(TOOL, { ...args("x"), requester_email: other?.email, dry_run: true });
    expect(stranger.isError).toBe(true);
    expect(stranger.text).toMatch(/requester_email/);
  });
});

describe("ticket_create on Zendesk, through the guard", () => {
  let fake: RunningFake<ZendeskState>;
  let g: Guarded;

  beforeAll(async () => {
    fake = await startZendeskFake(ZENDESK_SEED);
    zendeskEnv(fake.url);
    g = await guarded({ sandbox: false });
    config.CONFIRMATION_MODE = "token";
  }, 120_000);
  afterAll(async () => {
    config.CONFIRMATION_MODE = "inband";
    await g?.close();
    await fake?.close();
    vi.unstubAllEnvs();
  });

  it("a 5xx after Zendesk created the ticket does not open a second one", async () => {
    const a = { account_id: "5", subject: "Export fails", body: "Logged from the QBR.", tags: ["export"] };
    const dry = await g.plain.call(TOOL, { ...a, dry_run: true });
    expect(dry.text).toMatch(
      /Open ticket "Export fails" at Acme Corp for Dana Buyer <dana@acme.example.com>/,
    );
    fake.state.failAfterApply = { status: 503, times: 1 };
    const token = tokenIn((await g.plain.call(TOOL, a)).text);
    const r = await g.plain.call(TOOL, { ...a, confirmation_token: token });
    expect(r.isError, r.text).toBe(false);
    const made = [...fake.state.tickets.values()].filter((t) => t.subject === "Export fails");
    expect(made).toHaveLength(1);
    expect(r.data).toMatchObject({
      recovered: true,
      ticket_id: String(made[0]?.id),
      written: { system: "zendesk", id: String(made[0]?.id) },
    });
    expect(made[0]).toMatchObject({
      requester_id: 2,
      organization_id: 5,
      priority: "normal",
      tags: ["export"],
    });
    expect(String(made[0]?.external_id)).toMatch(/^revops:/);
    expect(fake.requests.filter((q) => q.method === "POST")).toHaveLength(1);
  });

  it("refuses an account id that is not a Zendesk id, naming the field", async () => {
    const r = await g.plain.call(TOOL, { account_id: "acc_1", subject: "x", body: "x", dry_run: true });
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/account_id must be a Zendesk id/);
  });
});
