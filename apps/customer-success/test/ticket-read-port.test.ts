import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import type { TicketQuery, TicketRow, TicketSearch, TicketSearchRow } from "@revops/model";
import {
  pgSchema,
  type RunningFake,
  startZendeskFake,
  tempDataDir,
  type ZendeskState,
} from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SupportPort } from "../src/ports";
import { createCustomerSuccessServer } from "../src/server";

/** What a provider holds, as its seed (the sandbox: its tables) says, independent of the code under test. */
interface Provider {
  port: SupportPort;
  total: number;
  /** A ticket with a conversation: its comment bodies oldest first, and its first reply time. */
  thread: { id: string; comments: string[]; firstResponseMinutes: number };
  /** Someone who asked for at least one ticket. */
  requester: { email: string; name: string };
  missingId: string;
  close(): Promise<void>;
}

/** The first reply time planted on the thread's ticket (minutes, calendar). */
const FIRST_RESPONSE = 47;
const ids = (rows: { id: string }[]) => rows.map((r) => r.id).sort();
const STATUSES = ["new", "open", "pending", "solved", "closed"];
const PRIORITIES = ["low", "normal", "high", "urgent"];

/** Every row of a paged read, checking each page states the same total. */
async function allPages<T>(
  read: (cursor?: string) => Promise<{ rows: T[]; total: number; nextCursor: string | null }>,
) {
  const rows: T[] = [];
  let cursor: string | undefined;
  let total: number | undefined;
  do {
    const page = await read(cursor);
    total ??= page.total;
    expect(page.total).toBe(total);
    rows.push(...page.rows);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { rows, total: total ?? 0 };
}

/** Ticket lists, searches, threads and fresh reads most support tools stand on: the same assertions on every provider. */
function describeTicketReadContract(name: string, setup: () => Promise<Provider>) {
  describe(`SupportPort ticket reads contract: ${name}`, () => {
    let p: Provider;
    let every: TicketRow[];
    const list = (q: TicketQuery, limit = 100) =>
      allPages((cursor) => p.port.listTickets({ ...q, limit, ...(cursor && { cursor }) }));
    const search = (q: TicketSearch, limit = 100) =>
      allPages<TicketSearchRow>((cursor) => p.port.searchTickets({ ...q, limit, ...(cursor && { cursor }) }));
    beforeAll(async () => {
      p = await setup();
      every = (await list({})).rows;
    }, 120_000);
    afterAll(async () => p?.close());

    it("lists every ticket once, newest first, in our status and priority vocabulary", async () => {
      const { rows, total } = await list({}, Math.max(2, Math.ceil(p.total / 3)));
      expect(total).toBe(p.total);
      expect(new Set(ids(rows)).size).toBe(p.total);
      const created = rows.map((t) => t.createdAt);
      expect(created).toEqual([...created].sort().reverse());
      for (const t of rows) {
        expect(STATUSES).toContain(t.status);
        expect(PRIORITIES).toContain(t.priority);
        expect(t.subject.length).toBeGreaterThan(0);
      }
      await expect(p.port.listTickets({ cursor: "not-a-cursor" })).rejects.toThrow();
    });

    it("filters the list by status, priority, account and created days (inclusive), as the rows say", async () => {
      const check = async (q: TicketQuery, keep: (t: TicketRow) => boolean) =>
        expect(ids((await list(q)).rows)).toEqual(ids(every.filter(keep)));
      const sample = every[Math.floor(every.length / 2)] as TicketRow;
      await check({ status: sample.status }, (t) => t.status === sample.status);
      await check({ priority: sample.priority }, (t) => t.priority === sample.priority);
      await check({ accountId: sample.accountId }, (t) => t.accountId === sample.accountId);
      const days = [...new Set(every.map((t) => t.createdAt.slice(0, 10)))].sort();
      const from = days[Math.floor(days.length / 4)] as string;
      const to = days[Math.floor((days.length * 3) / 4)] as string;
      await check(
        { createdFrom: from, createdTo: to },
        (t) => t.createdAt.slice(0, 10) >= from && t.createdAt.slice(0, 10) <= to,
      );
    });

    it("searches with the list's filters and finds a ticket by a word of its subject", async () => {
      const sample = every[0] as TicketRow;
      expect(ids((await search({ status: sample.status })).rows)).toEqual(
        ids(every.filter((t) => t.status === sample.status)),
      );
      expect(ids((await search({ accountId: sample.accountId })).rows)).toEqual(
        ids(every.filter((t) => t.accountId === sample.accountId)),
      );
      const word = sample.subject.split(/\W+/).sort((a, b) => b.length - a.length)[0] as string;
      const found = (await search({ text: word.toLowerCase() })).rows;
      expect(ids(found)).toContain(sample.id);
      const dates = found.map((t) => t.createdAt);
      expect(dates).toEqual([...dates].sort().reverse());
    });

    it("searches by requester: the exact email in any case, or the name", async () => {
      const byEmail = (await search({ requester: p.requester.email.toUpperCase() })).rows;
      expect(byEmail.length).toBeGreaterThan(0);
      for (const t of byEmail) {
        expect((await p.port.ticketThread(t.id))?.requesterName).toBe(p.requester.name);
        expect(t.requesterName).toBe(p.requester.name);
      }
      expect(ids((await search({ requester: p.requester.name })).rows)).toEqual(ids(byEmail));
    });

    it("reads a thread as its list row, comments oldest first; nothing for an unknown id", async () => {
      const t = await p.port.ticketThread(p.thread.id);
      const row = every.find((r) => r.id === p.thread.id);
      expect(t).toMatchObject({
        id: row?.id,
        subject: row?.subject,
        accountId: row?.accountId,
        status: row?.status,
        priority: row?.priority,
        channel: row?.channel,
        csat: row?.csat,
        firstResponseMinutes: p.thread.firstResponseMinutes,
      });
      expect(t?.comments.map((c) => c.body)).toEqual(p.thread.comments);
      const at = t?.comments.map((c) => c.createdAt) ?? [];
      expect(at).toEqual([...at].sort());
      expect(await p.port.ticketThread(p.missingId)).toBeUndefined();
    });

    it("reads a ticket fresh for a write as its thread says; nothing for an unknown id", async () => {
      const t = await p.port.ticketThread(p.thread.id);
      const d = await p.port.getTicket(p.thread.id);
      expect(d).toMatchObject({
        id: t?.id,
        subject: t?.subject,
        status: t?.status,
        priority: t?.priority,
        accountId: t?.accountId,
        assigneeId: t?.assigneeId,
      });
      expect([...(d?.tags ?? [])].sort()).toEqual([...(t?.tags ?? [])].sort());
      expect(d?.requester?.name ?? null).toBe(t?.requesterName);
      expect(await p.port.getTicket(p.missingId)).toBeUndefined();
    });
  });
}

/** The sandbox as the server builds it; a two-comment conversation planted on one ticket, expectations by SQL. */
async function sandboxProvider(env: Record<string, string>, drop?: () => Promise<void>): Promise<Provider> {
  const rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("ticket-read"), SANDBOX_SCALE: "0.05", ...env }),
    createLogger("silent", "test"),
  );
  const port = (await createCustomerSuccessServer().ports(rt)).support;
  await port.searchAccounts("a", 1); // loads the company
  const db = await rt.sql();
  const total = Number((await db.one<{ n: number }>("SELECT COUNT(*) AS n FROM sb_tickets"))?.n);
  const t = await db.one<{ id: string; created_at: string; email: string; name: string }>(
    `SELECT t.id, t.created_at, c.email, c.name FROM sb_tickets t JOIN sb_contacts c ON c.id = t.contact_id
     ORDER BY t.created_at DESC, t.id LIMIT 1`,
  );
  const id = String(t?.id);
  const later = (h: number) => new Date(Date.parse(String(t?.created_at)) + h * 3_600_000).toISOString();
  await db.run("DELETE FROM sb_ticket_comments WHERE ticket_id = ?", [id]);
  await db.run("UPDATE sb_tickets SET first_response_minutes = ? WHERE id = ?", [FIRST_RESPONSE, id]);
  for (const [n, body, pub] of [
    [1, "The export times out", 1],
    [2, "Internal: raised with engineering", 0],
  ] as const)
    await db.run(
      "INSERT INTO sb_ticket_comments (id, ticket_id, author_id, public, body, created_at) VALUES (?, ?, ?, ?, ?, ?)",
      [`cmt_read_${n}`, id, "usr_01", pub, body, later(n)],
    );
  return {
    port,
    total,
    thread: {
      id,
      comments: ["The export times out", "Internal: raised with engineering"],
      firstResponseMinutes: FIRST_RESPONSE,
    },
    requester: { email: String(t?.email), name: String(t?.name) },
    missingId: "tkt_none",
    close: async () => {
      await rt.close(1000);
      await drop?.();
    },
  };
}

describeTicketReadContract("sandbox on SQLite", () => sandboxProvider({}));

describeTicketReadContract("sandbox on PostgreSQL", async () => {
  // a schema of its own, so the shared test database is left alone
  const { url, drop } = await pgSchema("ticket_read");
  return sandboxProvider({ DATABASE_URL: url }, drop);
});

const zdTicket = (
  subject: string,
  organization_id: number,
  requester_id: number,
  status: string,
  priority: string | null,
  created: string,
  tags: string[],
) => ({
  subject,
  organization_id,
  requester_id,
  status,
  priority,
  tags,
  created_at: `${created}T09:00:00Z`,
  updated_at: `${created}T17:00:00Z`,
  via: { channel: "email" },
});

describeTicketReadContract("Zendesk (node-zendesk) over its fake", async () => {
  // the fake numbers records from 1 in seed order: users, organizations, tickets
  const fake: RunningFake<ZendeskState> = await startZendeskFake({
    users: [
      { name: "Ada Agent", email: "ada@support.example.com", role: "agent" }, // 1
      { name: "Carl Customer", email: "carl@initech.example.com", role: "end-user" }, // 2
      { name: "Dana Doe", email: "dana@hooli.example.com", role: "end-user" }, // 3
    ],
    organizations: [{ name: "Initech" }, { name: "Hooli" }], // 4, 5
    tickets: [
      zdTicket("Export slow for big reports", 4, 2, "open", "high", "2026-03-01", ["performance"]), // 6
      zdTicket("Invoice wrong", 5, 3, "hold", null, "2026-03-02", ["billing"]), // 7
      zdTicket("Dashboard slow", 5, 3, "pending", "urgent", "2026-03-03", ["performance", "escalation"]), // 8
      zdTicket("SSO broken", 4, 2, "solved", "low", "2026-02-01", ["sso"]), // 9
      zdTicket("Seats question", 4, 2, "new", "normal", "2026-02-10", []), // 10
    ],
    ticketMetrics: [{ ticket_id: 6, reply_time_in_minutes: { calendar: FIRST_RESPONSE, business: 30 } }],
  });
  fake.state.audits.push({
    id: 100,
    ticket_id: 6,
    created_at: "2026-03-01T09:00:00Z",
    metadata: { system: {}, custom: {} },
    events: [
      { id: 101, type: "Comment", body: "The export times out", public: true },
      { id: 102, type: "Comment", body: "Internal: raised with engineering", public: false },
    ],
  });
  for (const [k, v] of Object.entries({
    CS_SUPPORT: "zendesk",
    ZENDESK_EMAIL: "agent@acme.test",
    ZENDESK_API_TOKEN: "zd-test",
    REVOPS_TEST_VENDOR_BASE_URL: fake.url,
    REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true",
  }))
    vi.stubEnv(k, v);
  const rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("ticket-read-zd") }),
    createLogger("silent", "test"),
  );
  try {
    return {
      port: (await createCustomerSuccessServer().ports(rt)).support,
      total: 5,
      thread: {
        id: "6",
        comments: ["The export times out", "Internal: raised with engineering"],
        firstResponseMinutes: FIRST_RESPONSE,
      },
      requester: { email: "carl@initech.example.com", name: "Carl Customer" },
      missingId: "999",
      close: async () => {
        await rt.close(1000);
        await fake.close();
      },
    };
  } finally {
    vi.unstubAllEnvs();
  }
});
