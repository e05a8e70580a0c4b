import { isVendorError } from "@revops/resilience";
import type { SqlDb } from "@revops/store";
import { type RunningFake, startZendeskFake, type ZendeskState } from "@revops/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createZendeskConnector, ZENDESK_IDEMPOTENCY_FIELD, type ZendeskConnector } from "../src/index";
import { FAST_POLICY, ledgerOn, sqlite, timed } from "./helpers";

// the fake numbers records from 1 in seed order: users, then tickets
const AGENT = 1;
const CUSTOMER = 2;
const SEED = {
  users: [
    { name: "Ada Agent", email: "ada@support.example.com", role: "agent" },
    { name: "Carl Customer", email: "carl@customer.example.com", role: "end-user" },
  ],
  tickets: [
    { subject: "Oldest", status: "open", priority: "low", requester_id: CUSTOMER, tags: ["billing"] }, // 3
    { subject: "Middle", status: "closed", priority: "normal", requester_id: CUSTOMER }, // 4
    { subject: "Newest", status: "pending", priority: "high", requester_id: CUSTOMER }, // 5
  ],
};

let fake: RunningFake<ZendeskState>;
let db: SqlDb;

async function connector(policy = {}): Promise<ZendeskConnector> {
  return createZendeskConnector(
    {
      id: "zd-write",
      vendor: "zendesk",
      baseUrl: fake.url,
      allowInsecureTestBaseUrl: true,
      credentials: { oauthToken: "zd-oauth" },
    },
    { policy: { ...FAST_POLICY, ...policy }, ledger: await ledgerOn(db) },
  );
}
const puts = () => fake.requests.filter((r) => r.method === "PUT").length;
const auditsOf = (id: number) => fake.state.audits.filter((a) => a.ticket_id === id);

beforeAll(async () => {
  db = await sqlite();
});
beforeEach(async () => {
  fake = await startZendeskFake(SEED);
});
afterEach(async () => {
  await fake.close();
});
afterAll(async () => {
  await db.close();
});

describe("Zendesk ticket writes over node-zendesk", () => {
  it("updates fields, adds and removes tags, and posts an internal note with its key in the audit", async () => {
    const zd = await connector();
    const r = await zd.updateTicket(
      3,
      {
        status: "solved",
        priority: "urgent",
        assignee_id: AGENT,
        additional_tags: ["vip"],
        remove_tags: ["billing"],
        comment: { body: "Checked the invoice", public: false },
      },
      { idempotencyKey: "k-1" },
    );
    expect(r).toMatchObject({
      recovered: false,
      ticket: { status: "solved", priority: "urgent", assignee_id: AGENT },
    });
    expect(r.ticket.tags).toEqual(["vip"]);
    const [audit] = auditsOf(3);
    expect(audit?.metadata.custom[ZENDESK_IDEMPOTENCY_FIELD]).toBe("k-1");
    expect(audit?.events).toEqual([expect.objectContaining({ body: "Checked the invoice", public: false })]);
    expect(r.commentId).toBe(audit?.events[0]?.id);
    const put = fake.requests.find((q) => q.method === "PUT");
    expect(put?.path).toBe("/api/v2/tickets/3.json");
    // a public reply is public
    await zd.updateTicket(3, { comment: { body: "Done!", public: true } }, { idempotencyKey: "k-2" });
    expect(auditsOf(3)[1]?.events[0]?.public).toBe(true);
  });

  it("is refused like Zendesk: closed ticket, bad status or priority, unknown field, non-agent assignee", async () => {
    const zd = await connector();
    const refused = async (id: number, update: object) => {
      const err = await zd
        .updateTicket(id, update as never, { idempotencyKey: `r-${puts()}` })
        .catch((e) => e);
      expect(isVendorError(err) && err.kind).toBe("invalid");
      return (err as Error).message;
    };
    expect(await refused(4, { status: "open" })).toMatch(/Status: closed prevents ticket update/);
    expect(await refused(3, { status: "done" })).toMatch(/Status: done is not a valid status/);
    expect(await refused(3, { priority: "asap" })).toMatch(/Priority/);
    expect(await refused(3, { colour: "red" })).toMatch(/Unknown ticket properties: colour/);
    expect(await refused(3, { assignee_id: CUSTOMER })).toMatch(/not an agent/);
    expect(await refused(3, { assignee_id: 999 })).toMatch(/does not exist/);
    expect(fake.state.tickets.get(3)).toMatchObject({ status: "open", priority: "low" });
    expect(auditsOf(3)).toHaveLength(0);
    // a 422 is a definite refusal: never looked up, never retried
    expect(fake.requests.filter((q) => q.path.endsWith("/audits.json"))).toHaveLength(0);
  });

  it("never applies an update or its comment twice when Zendesk applied it and answered 5xx or dropped", async () => {
    const zd = await connector();
    fake.state.failAfterApply = { status: 503, times: 1 };
    const r = await zd.updateTicket(
      3,
      { status: "pending", comment: { body: "Refund sent", public: true } },
      { idempotencyKey: "once-1" },
    );
    expect(r.recovered).toBe(true);
    expect(r.ticket.status).toBe("pending");
    expect(r.commentId).toBe(auditsOf(3)[0]?.events[0]?.id);
    expect(auditsOf(3)).toHaveLength(1);
    expect(puts()).toBe(1);
    fake.faults.next({ kind: "resetAfterHandling" }, { path: "/api/v2/tickets/5.json", method: "PUT" });
    const dropped = await zd.updateTicket(
      5,
      { comment: { body: "Hi", public: false } },
      { idempotencyKey: "once-2" },
    );
    expect(dropped.recovered).toBe(true);
    expect(auditsOf(5)).toHaveLength(1);
    // failed before Zendesk applied it: looked up, not found, sent once more
    fake.faults.next({ kind: "status", status: 502 }, { path: "/api/v2/tickets/5.json", method: "PUT" });
    const again = await zd.updateTicket(5, { priority: "low" }, { idempotencyKey: "once-3" });
    expect(again).toMatchObject({ recovered: false, ticket: { priority: "low" } });
    expect(auditsOf(5)).toHaveLength(2);
  });

  it("a resumed execution whose comment had landed finds it by key and does not post it twice", async () => {
    const zd = await connector();
    const update = { status: "pending" as const, comment: { body: "Refund approved", public: true } };
    // the first execution's PUT landed; its process died before anyone recorded the answer
    const first = await zd.updateTicket(3, update, { idempotencyKey: "apr-key-1" });
    const again = await zd.updateTicket(3, update, { idempotencyKey: "apr-key-1", resumed: true });
    expect(again).toMatchObject({
      recovered: true,
      commentId: first.commentId,
      ticket: { status: "pending" },
    });
    expect(puts()).toBe(1);
    expect(auditsOf(3)).toHaveLength(1);
    // resumed, but nothing had landed under this key: it is written, once
    const fresh = await zd.addComment(3, "Second note", { idempotencyKey: "apr-key-2", resumed: true });
    expect(fresh.recovered).toBe(false);
    expect(puts()).toBe(2);
  });

  it("waits out Update Ticket's own 429 with Retry-After", async () => {
    const zd = await connector({ deadlineMs: 5000 });
    fake.state.updateLimit = { perWindow: 1, windowMs: 1000 };
    await zd.updateTicket(3, { priority: "high" }, { idempotencyKey: "rl-1" });
    const { ms, result } = await timed(() =>
      zd.updateTicket(3, { priority: "urgent" }, { idempotencyKey: "rl-2" }),
    );
    expect(result.status).toBe("fulfilled");
    expect(ms).toBeGreaterThanOrEqual(900);
    const limited = fake.requests.filter((q) => q.method === "PUT");
    expect(limited).toHaveLength(3);
    expect(auditsOf(3)).toHaveLength(2);
    // reads are not counted against Update Ticket's bucket
    await zd.getTicketFresh(3);
  });

  it("lists newest first when asked (List Tickets runs oldest → newest)", async () => {
    const zd = await connector();
    const oldest = await zd.listTickets({ limit: 2 });
    expect(oldest.value.results.map((t) => t.subject)).toEqual(["Oldest", "Middle"]);
    const newest = await zd.listTickets({ limit: 2, order: "newest" });
    expect(newest.value.results.map((t) => t.subject)).toEqual(["Newest", "Middle"]);
    const next = await zd.listTickets({ limit: 2, order: "newest", after: newest.value.nextCursor });
    expect(next.value.results.map((t) => t.subject)).toEqual(["Oldest"]);
    expect(fake.requests.at(-1)?.query.get("sort")).toBe("-id");
  });

  it("sees a write in search only after the index catches up; a fresh read sees it at once", async () => {
    const zd = await connector();
    fake.state.searchLagMs = 300;
    await zd.updateTicket(3, { status: "solved" }, { idempotencyKey: "lag-1" });
    expect((await zd.getTicketFresh(3)).status).toBe("solved");
    expect((await zd.searchTickets("status:solved")).value.count).toBe(0);
    await new Promise((r) => setTimeout(r, 350));
    const later = await zd.searchTickets("status:open");
    expect(later.value.count).toBe(0);
    expect((await zd.searchTickets("status:solved ")).value.count).toBe(1);
  });

  it("reads users fresh (requester email, agent role)", async () => {
    const zd = await connector();
    expect(await zd.getUserFresh(CUSTOMER)).toMatchObject({ email: "carl@customer.example.com" });
    await expect(zd.getUserFresh(99)).rejects.toMatchObject({ kind: "not_found" });
  });
});
