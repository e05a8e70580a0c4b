import { freshnessOf } from "@revops/connectors/freshness";
import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import { attributeVendorCalls } from "@revops/safety";
import {
  connectInProcess,
  type RunningFake,
  startZendeskFake,
  tempDataDir,
  type ZendeskState,
} from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { suiteChannel, suitePriority, suiteStatus } from "../src/integrations/zendesk/support";
import type { SupportPort } from "../src/ports";
import { createCustomerSuccessServer } from "../src/server";

// the fake numbers records from 1 in seed order: organizations, then tickets, then ratings
const HOOLI = "2";
// people added after the seed (ids past its numbering), so the ids above stay put
const CARL = 100;
const ADA = 101;
const DANA = 102;
const ticket = (
  subject: string,
  organization_id: number | null,
  status: string,
  priority: string | null,
  created: string,
  channel: string,
  extra: Record<string, unknown> = {},
) => ({
  subject,
  organization_id,
  status,
  priority,
  created_at: `${created}T09:00:00Z`,
  updated_at: `${created}T17:00:00Z`,
  via: { channel },
  ...extra,
});

type Row = { id: string; subject: string; account_name: string; status: string; csat: string | null };
let fake: RunningFake<ZendeskState>;
let s: Awaited<ReturnType<typeof connectInProcess>>;
let sandboxKeys: string[];
let direct: { support: SupportPort; rt: KitRuntime };

beforeAll(async () => {
  fake = await startZendeskFake({
    organizations: [{ name: "Initech" }, { name: "Hooli" }],
    tickets: [
      ticket("Login broken", 1, "open", "urgent", "2026-03-01", "email", {
        requester_id: CARL,
        assignee_id: ADA,
      }), // 3
      ticket("Invoice question", 2, "solved", "low", "2026-02-01", "web", {
        satisfaction_rating: { score: "good" },
      }), // 4
      ticket("Export slow", 1, "hold", "high", "2026-02-15", "chat", { requester_id: CARL }), // 5
      ticket("SSO setup", 2, "new", null, "2026-03-10", "voice"), // 6
      ticket("Refund", 1, "closed", "normal", "2026-01-10", "email"), // 7
      ticket("Who are we", null, "pending", "low", "2026-01-20", "api"), // 8
    ],
    satisfactionRatings: [{ ticket_id: 7, score: "bad" }],
  });
  for (const [id, name, role] of [
    [CARL, "Carl Customer", "end-user"],
    [ADA, "Ada Agent", "agent"],
    [DANA, "Dana Doe", "end-user"],
  ] as const)
    fake.state.users.set(id, { id, name, role, email: `${name.split(" ")[0]?.toLowerCase()}@example.com` });
  const sandbox = await connectInProcess([createCustomerSuccessServer()]);
  try {
    const r = await sandbox.call("tickets_list", { limit: 1 });
    sandboxKeys = Object.keys(r.data.tickets[0]).sort();
  } finally {
    await sandbox.close();
  }
  vi.stubEnv("CS_SUPPORT", "zendesk");
  vi.stubEnv("ZENDESK_EMAIL", "agent@acme.test");
  vi.stubEnv("ZENDESK_API_TOKEN", "zd-test");
  vi.stubEnv("REVOPS_TEST_VENDOR_BASE_URL", fake.url);
  vi.stubEnv("REVOPS_ALLOW_INSECURE_TEST_VENDOR", "true");
  s = await connectInProcess([createCustomerSuccessServer()], {
    hooks: () => ({ meter: attributeVendorCalls }),
  });
  const rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("zd-ports") }),
    createLogger("silent", "test"),
  );
  direct = { rt, support: (await createCustomerSuccessServer().ports(rt)).support };
});

afterAll(async () => {
  await s?.close();
  await direct?.rt.close(1000);
  await fake?.close();
  vi.unstubAllEnvs();
});

describe("customer-success server on Zendesk", () => {
  it("lists and pages tickets newest first in the sandbox's row shape", async () => {
    const seen: Row[] = [];
    let cursor: string | undefined;
    do {
      const r = await s.call("tickets_list", { limit: 2, ...(cursor && { cursor }) });
      expect(r.isError, r.text).toBe(false);
      expect(r.data.total).toBe(6);
      seen.push(...r.data.tickets);
      cursor = r.data.next_cursor ?? undefined;
    } while (cursor);
    expect(seen.map((t) => t.subject)).toEqual([
      "SSO setup",
      "Login broken",
      "Export slow",
      "Invoice question",
      "Who are we",
      "Refund",
    ]);
    for (const t of seen) expect(Object.keys(t).sort()).toEqual(sandboxKeys);
    expect(seen[0]).toMatchObject({
      id: "6",
      account_id: HOOLI,
      account_name: "Hooli",
      priority: "normal",
      status: "new",
      channel: "phone",
      created_at: "2026-03-10T09:00:00Z",
      solved_at: null,
      csat: null,
    });
    expect(seen.map((t) => t.status)).toEqual(["new", "open", "pending", "solved", "pending", "closed"]);
    expect(seen[3]).toMatchObject({ csat: "good", solved_at: "2026-02-01T17:00:00Z" });
    // no rating on the ticket: from the satisfaction ratings list
    expect(seen[5]).toMatchObject({ csat: "bad", account_name: "Initech" });
    expect(seen[4]).toMatchObject({ account_id: "", account_name: "" });
  });

  // the filters themselves are proven on every provider by ticket-read-port.test.ts
  it("says when no ticket matches and refuses a bad cursor", async () => {
    const none = await s.call("tickets_list", { status: "closed", priority: "urgent" });
    expect(none.data).toMatchObject({
      total: 0,
      next_cursor: null,
      note: "No tickets match; drop a filter.",
    });
    const bad = await s.call("tickets_list", { cursor: "not-a-cursor" });
    expect(bad.isError).toBe(true);
  });

  it("names search rows' requesters from the users Zendesk side-loads, with no user lookups", async () => {
    const before = fake.requests.length;
    const r = await s.call("tickets_search", { account_id: "1" });
    expect(r.isError, r.text).toBe(false);
    expect(
      r.data.tickets.map((t: { subject: string; requester: string | null }) => [t.subject, t.requester]),
    ).toEqual([
      ["Login broken", "Carl Customer"],
      ["Export slow", "Carl Customer"],
      ["Refund", null],
    ]);
    const sent = fake.requests.slice(before);
    expect(sent.filter((q) => q.path === "/api/v2/search.json").map((q) => q.query.get("include"))).toEqual([
      "tickets(users)",
    ]);
    expect(sent.filter((q) => q.path.startsWith("/api/v2/users"))).toEqual([]);
  });

  it("reads a thread with the list's CSAT and, without Ticket Metrics, no first reply time", async () => {
    // "Refund" (7) carries no rating: the list takes it from the satisfaction ratings, and so does its thread
    const t = await direct.support.ticketThread("7");
    expect(t).toMatchObject({ csat: "bad", firstResponseMinutes: null, requesterName: null });
  });

  it("fake: side-loads only the page's requesters, submitters and assignees, and only when asked", async () => {
    const search = async (include?: string) => {
      const qs = new URLSearchParams({ query: "type:ticket organization:1", ...(include && { include }) });
      const res = await fetch(`${fake.url}/api/v2/search.json?${qs}`, {
        headers: { authorization: "Bearer t" },
      });
      return (await res.json()) as { users?: { id: number }[] };
    };
    expect((await search("tickets(users)")).users?.map((u) => u.id).sort()).toEqual([CARL, ADA]);
    expect((await search()).users).toBeUndefined();
    const listed = await fetch(`${fake.url}/api/v2/tickets.json?include=users&page[size]=1`, {
      headers: { authorization: "Bearer t" },
    });
    expect(((await listed.json()) as { users: { id: number }[] }).users.map((u) => u.id).sort()).toEqual([
      CARL,
      ADA,
    ]);
  });

  it("keeps signals, NPS and account search on the sandbox", async () => {
    const risk = await s.call("accounts_at_risk", { limit: 1 });
    expect(risk.isError, risk.text).toBe(false);
    expect(risk.data.meta.source).toBe("zendesk+sandbox");
    const [first] = await direct.support.searchAccounts("a", 1);
    expect(first?.id).toMatch(/^acc_/);
    expect(Array.isArray(await direct.support.npsResponses({}))).toBe(true);
  });

  it("maps Zendesk enums to the sandbox's", () => {
    expect([suiteStatus("hold"), suiteStatus("weird"), suiteStatus("solved")]).toEqual([
      "pending",
      "open",
      "solved",
    ]);
    expect([suitePriority(null), suitePriority("URGENT")]).toEqual(["normal", "urgent"]);
    expect([
      suiteChannel({ channel: "web_widget" }),
      suiteChannel({}),
      suiteChannel({ channel: "twitter" }),
    ]).toEqual(["web", "other", "twitter"]);
  });

  it("retries a burst of 503s", async () => {
    fake.faults.next({ kind: "status", status: 503 }, { path: /export\.json$/, times: 2 });
    const r = await s.call("tickets_list", { status: "solved" });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.tickets.map((t: Row) => t.subject)).toEqual(["Invoice question"]);
    expect(fake.requests.filter((q) => q.fault === "status")).toHaveLength(2);
  });

  it("serves the last good answer, marked stale, while Zendesk is down", async () => {
    const warm = await direct.support.listTickets({ status: "open" });
    await s.call("tickets_list", { status: "open" });
    fake.faults.always({ kind: "status", status: 503 });
    try {
      const stale = await direct.support.listTickets({ status: "open" });
      expect(stale.rows).toEqual(warm.rows);
      expect(freshnessOf(stale)?.note).toMatch(/Zendesk is unavailable.*cached data from/);
      const listed = await s.call("tickets_list", { status: "open" });
      expect(listed.isError, listed.text).toBe(false);
      expect(listed.data.tickets.map((t: Row) => t.subject)).toEqual(["Login broken"]);
      expect(listed.data.note).toMatch(/^Showing 1 of 1\. Zendesk is unavailable.*cached data from/);
      expect(listed.text.split("cached data from")).toHaveLength(2);
    } finally {
      fake.faults.clear();
    }
  });

  it("says when a thread's comments come from the cache (the ticket itself is read fresh)", async () => {
    await direct.support.ticketThread("7");
    fake.faults.always({ kind: "status", status: 503 }, { path: /\/comments\.json$/ });
    try {
      const t = await direct.support.ticketThread("7");
      expect(t).toMatchObject({ subject: "Refund", csat: "bad" });
      expect(freshnessOf(t)?.note).toMatch(/Zendesk is unavailable.*cached data from/);
    } finally {
      fake.faults.clear();
    }
  });
});
