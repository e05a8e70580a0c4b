import { isVendorError } from "@revops/resilience";
import type { SqlDb } from "@revops/store";
import { type RunningFake, startZendeskFake, type ZendeskState } from "@revops/testing";
import { createClient } from "node-zendesk";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createZendeskConnector, throwIfReturnedError, type ZendeskConnector } from "../src/index";
import { FAST_POLICY, ledgerOn, ledgerRows, memoryKv, sqlite, timed } from "./helpers";

const SEED = {
  tickets: [
    { subject: "Refund for order 42", status: "open", priority: "high" },
    { subject: "Cannot log in", status: "pending", priority: "normal" },
    { subject: "Refund request again", status: "open", priority: "low" },
    { subject: "Invoice copy", status: "solved", priority: "low" },
  ],
  satisfactionRatings: [
    { score: "good", ticket_id: 1 },
    { score: "bad", ticket_id: 2, comment: "slow" },
  ],
  articles: [
    { title: "How refunds work", body: "Refunds take 5 days" },
    { title: "Resetting your password", body: "Use the login page" },
  ],
};

let fake: RunningFake<ZendeskState>;
let db: SqlDb;

async function connector(policy = {}, extra = {}): Promise<ZendeskConnector> {
  return createZendeskConnector(
    {
      id: "acme-zd",
      vendor: "zendesk",
      baseUrl: fake.url,
      allowInsecureTestBaseUrl: true,
      credentials: { oauthToken: "zd-oauth" },
    },
    { policy: { ...FAST_POLICY, ...policy }, ledger: await ledgerOn(db), ...extra },
  );
}
const hits = (path: string) => fake.requests.filter((r) => r.path === path).length;

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

describe("Zendesk connector over real node-zendesk", () => {
  it("pages tickets by cursor, filters by status, reads, searches tickets, ratings and articles", async () => {
    const zd = await connector();
    const first = await zd.listTickets({ limit: 3 });
    expect(first.value.results.map((t) => t.subject)).toHaveLength(3);
    const second = await zd.listTickets({ limit: 3, after: first.value.nextCursor });
    expect(second.value.results.map((t) => t.subject)).toEqual(["Invoice copy"]);
    expect(second.value.nextCursor).toBeUndefined();
    expect(fake.requests[0]?.query.get("page[size]")).toBe("3");
    const open = await zd.listTickets({ status: "open", limit: 10 });
    expect(open.value.results.map((t) => t.id)).toEqual([1, 3]);
    expect(fake.requests.at(-1)?.query.get("query")).toBe("type:ticket status:open");
    expect((await zd.getTicket(2)).value).toMatchObject({ id: 2, status: "pending" });
    const refunds = await zd.searchTickets("status:open refund");
    expect(refunds.value.count).toBe(2);
    expect(fake.requests.at(-1)?.path).toBe("/api/v2/search.json");
    const bad = await zd.listSatisfactionRatings({ score: "bad" });
    expect(bad.value.results).toMatchObject([{ ticket_id: 2, comment: "slow" }]);
    const articles = await zd.searchArticles("refunds");
    expect(articles.value.results.map((a) => a.title)).toEqual(["How refunds work"]);
    expect(fake.requests.at(-1)?.path).toBe("/api/v2/help_center/articles/search.json");
    expect(fake.requests.every((r) => r.headers.authorization === "Bearer zd-oauth")).toBe(true);
  });

  it("exports tickets updated since a time with their metric sets, by cursor, within the export limit", async () => {
    const zd = await connector();
    fake.state.ticketMetrics = [
      { id: 90, ticket_id: 1, reply_time_in_minutes: { calendar: 12, business: 6 } },
      { id: 91, ticket_id: 4, full_resolution_time_in_minutes: { calendar: 300, business: 120 } },
    ];
    fake.state.exportPageSize = 3;
    const since = Date.parse("2025-01-01T00:00:00Z") / 1000;
    const first = await zd.exportTickets({ startTime: since });
    expect(first.value.tickets.map((t) => t.id)).toEqual([1, 2, 3]);
    expect(first.value.metricSets.map((m) => m.ticket_id)).toEqual([1]);
    expect(first.value.endOfStream).toBe(false);
    const next = await zd.exportTickets({ cursor: first.value.afterCursor as string });
    expect(next.value.tickets.map((t) => t.id)).toEqual([4]);
    expect(next.value.metricSets[0]?.full_resolution_time_in_minutes?.calendar).toBe(300);
    expect(next.value.endOfStream).toBe(true);
    // nothing updated since a later time; a start_time under a minute old is Zendesk's 400
    expect((await zd.exportTickets({ startTime: since + 86_400 * 60 })).value.tickets).toEqual([]);
    await expect(zd.exportTickets({ startTime: Math.floor(Date.now() / 1000) })).rejects.toThrow(
      /more than one minute in the past/,
    );
    // the export's own limit: 429 + Retry-After, waited out, then served
    fake.state.exportLimit = { perWindow: 1, windowMs: 1000 };
    fake.state.exportHits.length = 0;
    await zd.exportTickets({ startTime: since + 1 });
    const { ms, result } = await timed(() => zd.exportTickets({ startTime: since + 2 }));
    expect(result.status).toBe("fulfilled");
    expect(ms).toBeGreaterThanOrEqual(500);
  });

  it("uses agent email + API token auth", async () => {
    const zd = await createZendeskConnector({
      id: "basic",
      vendor: "zendesk",
      baseUrl: fake.url,
      allowInsecureTestBaseUrl: true,
      credentials: { email: "agent@acme.test", apiToken: "tok" },
    });
    await zd.getTicket(1);
    const expected = `Basic ${Buffer.from("agent@acme.test/token:tok").toString("base64")}`;
    expect(fake.requests[0]?.headers.authorization).toBe(expected);
  });

  it("makes exactly maxAttempts requests per call (the SDK adds none)", async () => {
    const zd = await connector();
    fake.faults.always({ kind: "status", status: 503 }, { path: "/api/v2/tickets/1.json" });
    const err = await zd.getTicket(1).catch((e: unknown) => e);
    expect(isVendorError(err) && err.kind).toBe("unavailable");
    expect(hits("/api/v2/tickets/1.json")).toBe(3);
    // a 502 body would be handed back as a result by the SDK: here it is an error, retried
    fake.faults.clear();
    fake.faults.next({ kind: "status", status: 502 }, { path: "/api/v2/tickets/1.json" });
    await expect(zd.getTicket(1)).resolves.toMatchObject({ value: { id: 1 } });
    expect(hits("/api/v2/tickets/1.json")).toBe(5);
  });

  it("honours Retry-After on the 429 that node-zendesk would return instead of throwing", async () => {
    // what the bare SDK does: the 429 comes back as a result, so nothing would wait or retry
    const bare = createClient({ endpointUri: `${fake.url}/api/v2`, token: "t", useOAuth: true, oauth: true });
    fake.faults.next({ kind: "status", status: 429, retryAfter: "1" }, { path: "/api/v2/tickets/1.json" });
    const returned = await bare.tickets.show(1);
    expect((returned as unknown as { result: unknown }).result).toBeInstanceOf(Error);
    expect(() => throwIfReturnedError(returned)).toThrow(/Zendesk rate limits/);
    const zd = await connector();
    fake.faults.next({ kind: "status", status: 429, retryAfter: "1" }, { path: "/api/v2/tickets/1.json" });
    const before = hits("/api/v2/tickets/1.json");
    const { ms, result } = await timed(() => zd.getTicket(1));
    expect(result.status).toBe("fulfilled");
    expect(ms).toBeGreaterThanOrEqual(950);
    expect(hits("/api/v2/tickets/1.json") - before).toBe(2);
  });

  it("ends every call within its deadline + 100 ms when Zendesk hangs or trickles", async () => {
    const zd = await connector({ attemptTimeoutMs: 300, deadlineMs: 700 });
    fake.faults.always({ kind: "hang" });
    const hang = await timed(() => zd.getTicket(1));
    expect(hang.result.status).toBe("rejected");
    expect(hang.ms).toBeLessThan(800);
    fake.faults.clear();
    fake.faults.always({ kind: "trickle", chunkDelayMs: 50 });
    const slow = await timed(() => zd.listTickets({}));
    expect(slow.result.status).toBe("rejected");
    expect(slow.ms).toBeLessThan(800);
  });

  it("opens the breaker, serves flagged stale reads meanwhile, and half-opens on time", async () => {
    const zd = await connector(
      { maxAttempts: 1 },
      { staleCache: { cache: await memoryKv(), maxAgeMs: 60_000 } },
    );
    expect((await zd.getTicket(1)).stale).toBe(false);
    fake.faults.always({ kind: "reset" });
    for (let i = 0; i < 3; i++) expect((await zd.getTicket(1)).stale).toBe(true);
    expect(zd.sdk.runtime.policy.circuitState).toBe("open");
    const sent = fake.requests.length;
    const stale = await zd.getTicket(1);
    expect(stale).toMatchObject({ stale: true, value: { subject: "Refund for order 42" } });
    if (stale.stale) expect(stale.error.kind).toBe("circuit_open");
    expect(fake.requests).toHaveLength(sent);
    fake.faults.clear();
    await new Promise((r) => setTimeout(r, 320));
    expect((await zd.getTicket(1)).stale).toBe(false);
    expect(zd.sdk.runtime.policy.circuitState).toBe("closed");
  });

  it("never duplicates a comment when the connection drops after Zendesk stored it", async () => {
    const zd = await connector();
    const comments = () =>
      fake.state.audits.flatMap((a) => a.events).filter((e) => e.body === "We refunded you");
    fake.faults.next({ kind: "resetAfterHandling" }, { path: "/api/v2/tickets/1.json", method: "PUT" });
    const made = await zd.addComment(1, "We refunded you", { idempotencyKey: "c-1" });
    expect(made.recovered).toBe(true);
    expect(comments()).toHaveLength(1);
    // dropped before Zendesk saw it: exactly one new comment
    fake.faults.next({ kind: "reset" }, { path: "/api/v2/tickets/2.json", method: "PUT" });
    const again = await zd.addComment(2, "Try resetting", { idempotencyKey: "c-2" });
    expect(again.recovered).toBe(false);
    expect(fake.state.audits.filter((a) => a.ticket_id === 2)).toHaveLength(1);
    expect(fake.requests.filter((r) => r.method === "PUT")).toHaveLength(3);
    // a 503 is not blindly retried for a write: the audits are looked up first, then it is sent once more
    fake.faults.next({ kind: "status", status: 503 }, { path: "/api/v2/tickets/3.json", method: "PUT" });
    await expect(zd.addComment(3, "x", { idempotencyKey: "c-3" })).resolves.toMatchObject({
      recovered: false,
    });
    expect(fake.requests.filter((r) => r.method === "PUT")).toHaveLength(5);
    expect(fake.state.audits.filter((a) => a.ticket_id === 3)).toHaveLength(1);
  });

  it("names the connection on 401 and 422, and keeps an exact ledger", async () => {
    const local = await sqlite();
    const zd = await createZendeskConnector(
      {
        id: "ledger-zd",
        vendor: "zendesk",
        baseUrl: fake.url,
        allowInsecureTestBaseUrl: true,
        credentials: { oauthToken: "t" },
      },
      { policy: FAST_POLICY, ledger: await ledgerOn(local) },
    );
    fake.faults.next({ kind: "status", status: 500 }, { path: "/api/v2/tickets/1.json" });
    await zd.getTicket(1);
    await zd.listTickets({ limit: 2 });
    await zd.addComment(1, "Thanks", { idempotencyKey: "l-1" });
    await expect(zd.getTicket(999)).rejects.toMatchObject({ kind: "not_found" });
    fake.faults.expireTokens();
    const err = await zd.searchArticles("x").catch((e: unknown) => e);
    expect((err as Error).message).toMatch(
      /^Zendesk rejected the credentials of connection ledger-zd: create a new API token/,
    );
    expect(await ledgerRows(local)).toEqual([
      { operation: "tickets.get", attempts: 2, outcome: "ok" },
      { operation: "tickets.list", attempts: 1, outcome: "ok" },
      { operation: "tickets.update", attempts: 1, outcome: "ok" },
      { operation: "tickets.get", attempts: 1, outcome: "not_found" },
      { operation: "articles.search", attempts: 1, outcome: "auth" },
    ]);
    await local.close();
  });
});

describe("Zendesk URL safety", () => {
  const conn = { id: "u", vendor: "zendesk" as const, credentials: { oauthToken: "t" } };
  const publicDns = { resolve: async () => ["104.16.51.111"] };

  it.each([
    [{ subdomain: "acme.evil.com" }, /subdomain must be letters/],
    [{ subdomain: "" }, /subdomain must be letters/],
    [{ baseUrl: "http://acme.zendesk.com" }, /only https/],
    [{ baseUrl: "https://a.b.zendesk.com" }, /<subdomain>.zendesk.com/],
    [{ baseUrl: "https://evil.example.com" }, /not one of/],
    [{ baseUrl: "https://127.0.0.1" }, /private or loopback/],
    [{ baseUrl: "http://10.0.0.5", allowInsecureTestBaseUrl: true }, /only permits a fake on 127.0.0.1/],
  ])("refuses %o", async (override, reason) => {
    await expect(createZendeskConnector({ ...conn, ...override }, publicDns)).rejects.toThrow(reason);
  });

  it("accepts https://<subdomain>.zendesk.com and refuses one that resolves privately", async () => {
    const zd = await createZendeskConnector({ ...conn, subdomain: "acme" }, publicDns);
    expect(zd.sdk.baseUrl.origin).toBe("https://acme.zendesk.com");
    await expect(
      createZendeskConnector({ ...conn, subdomain: "acme" }, { resolve: async () => ["10.0.0.8"] }),
    ).rejects.toThrow(/resolves into a private/);
  });
});
