import { isVendorError } from "@revops/resilience";
import type { SqlDb } from "@revops/store";
import { type IntercomState, type RunningFake, startIntercomFake } from "@revops/testing";
import { IntercomClient } from "intercom-client";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createIntercomConnector, type IntercomConnector } from "../src/index";
import { FAST_POLICY, ledgerOn, ledgerRows, memoryKv, sqlite, timed } from "./helpers";

const SEED = {
  contacts: [
    { name: "Ada Lovelace", email: "ada@acme.test" },
    { name: "Alan Turing", email: "alan@acme.test" },
    { name: "Grace Hopper", email: "grace@navy.test" },
  ],
  conversations: [
    { title: "Billing question" },
    { title: "Bug report", contactIndex: 1 },
    { title: "Upgrade" },
  ],
};
const CONV = "/conversations/1000";

let fake: RunningFake<IntercomState>;
let db: SqlDb;

async function connector(policy = {}, extra = {}): Promise<IntercomConnector> {
  return createIntercomConnector(
    {
      id: "acme-ic",
      vendor: "intercom",
      baseUrl: fake.url,
      allowInsecureTestBaseUrl: true,
      credentials: { accessToken: "ic-token", adminId: "991" },
    },
    { policy: { ...FAST_POLICY, ...policy }, ledger: await ledgerOn(db), ...extra },
  );
}
const hits = (path: string) => fake.requests.filter((r) => r.path === path).length;

beforeAll(async () => {
  db = await sqlite();
});
beforeEach(async () => {
  fake = await startIntercomFake(SEED);
});
afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await fake.close();
});
afterAll(async () => {
  await db.close();
});

describe("Intercom connector over intercom-client 7, checked against the 2.14 OpenAPI document", () => {
  it("searches and pages contacts, reads one, pages conversations and replies within the contract", async () => {
    const ic = await connector();
    const acme = await ic.searchContacts("acme.test", { limit: 1 });
    expect(acme.value.total).toBe(2);
    expect(acme.value.results.map((c) => c.name)).toEqual(["Ada Lovelace"]);
    const rest = await ic.searchContacts("acme.test", { limit: 1, after: acme.value.nextCursor });
    expect(rest.value.results.map((c) => c.name)).toEqual(["Alan Turing"]);
    const id = acme.value.results[0]?.id ?? "";
    expect((await ic.getContact(id)).value.email).toBe("ada@acme.test");
    const first = await ic.listConversations({ limit: 2 });
    expect(first.value.results.map((c) => c.id)).toEqual(["1000", "1001"]);
    const second = await ic.listConversations({ limit: 2, after: first.value.nextCursor });
    expect(second.value.results.map((c) => c.id)).toEqual(["1002"]);
    expect(second.value.nextCursor).toBeUndefined();
    const replied = await ic.replyToConversation("1000", "Thanks, fixed!", { idempotencyKey: "r-1" });
    expect(replied.conversation.conversation_parts?.conversation_parts?.at(-1)?.body).toBe(
      "<p>Thanks, fixed!</p>",
    );
    expect(fake.requests.every((r) => r.headers["intercom-version"] === "2.14")).toBe(true);
  });

  it("makes exactly maxAttempts requests per call: the SDK's own retries are off", async () => {
    // what the SDK does on its own (default maxRetries 2, ~1 s backoff): it retries a 429 by itself
    const bare = new IntercomClient({ token: "t", baseUrl: fake.url });
    fake.faults.next({ kind: "status", status: 429 }, { path: CONV });
    await bare.conversations.find({ conversation_id: "1000" });
    expect(hits(CONV)).toBe(2);
    const ic = await connector();
    fake.faults.always({ kind: "status", status: 503 }, { path: "/contacts/search" });
    const err = await ic.searchContacts("x").catch((e: unknown) => e);
    expect(isVendorError(err) && err.kind).toBe("unavailable");
    expect(hits("/contacts/search")).toBe(3);
  });

  it("honours Retry-After on 429", async () => {
    const ic = await connector();
    fake.faults.next({ kind: "status", status: 429, retryAfter: "1" }, { path: "/conversations" });
    const { ms, result } = await timed(() => ic.listConversations());
    expect(result.status).toBe("fulfilled");
    expect(ms).toBeGreaterThanOrEqual(950);
    expect(hits("/conversations")).toBe(2);
  });

  it("ends every call within its deadline + 250 ms (scheduling slack on a loaded machine) when Intercom hangs or trickles", async () => {
    const ic = await connector({ attemptTimeoutMs: 300, deadlineMs: 700 });
    fake.faults.always({ kind: "hang" });
    const hang = await timed(() => ic.listConversations());
    expect(hang.result.status).toBe("rejected");
    expect(hang.ms).toBeLessThan(950);
    fake.faults.clear();
    fake.faults.always({ kind: "trickle", chunkDelayMs: 50 });
    const slow = await timed(() => ic.searchContacts("ada"));
    expect(slow.result.status).toBe("rejected");
    expect(slow.ms).toBeLessThan(950);
  });

  it("opens the breaker, serves flagged stale reads meanwhile, and half-opens on time", async () => {
    const ic = await connector(
      { maxAttempts: 1 },
      { staleCache: { cache: await memoryKv(), maxAgeMs: 60_000 } },
    );
    const id = (await ic.searchContacts("ada")).value.results[0]?.id ?? "";
    expect((await ic.getContact(id)).stale).toBe(false);
    fake.faults.always({ kind: "reset" });
    for (let i = 0; i < 3; i++) expect((await ic.getContact(id)).stale).toBe(true);
    expect(ic.sdk.runtime.policy.circuitState).toBe("open");
    const sent = fake.requests.length;
    expect(await ic.getContact(id)).toMatchObject({ stale: true, value: { name: "Ada Lovelace" } });
    expect(fake.requests).toHaveLength(sent);
    fake.faults.clear();
    await new Promise((r) => setTimeout(r, 320));
    expect((await ic.getContact(id)).stale).toBe(false);
  });

  it("never duplicates a reply when the connection drops after Intercom stored it", async () => {
    const ic = await connector();
    fake.faults.next({ kind: "resetAfterHandling" }, { path: `${CONV}/reply` });
    const made = await ic.replyToConversation("1000", "On it", { idempotencyKey: "k-1" });
    expect(made.recovered).toBe(true);
    expect(fake.state.replies).toHaveLength(1);
    fake.faults.next({ kind: "reset" }, { path: "/conversations/1001/reply" });
    const again = await ic.replyToConversation("1001", "Looking", { idempotencyKey: "k-2" });
    expect(again.recovered).toBe(false);
    expect(fake.state.replies).toHaveLength(2);
    fake.faults.next({ kind: "status", status: 500 }, { path: "/conversations/1002/reply" });
    await expect(ic.replyToConversation("1002", "x", { idempotencyKey: "k-3" })).rejects.toMatchObject({
      kind: "unavailable",
    });
    expect(fake.requests.filter((r) => r.path.endsWith("/reply"))).toHaveLength(4);
  });

  it("recognises its reply in Intercom's sanitised HTML after an ambiguous failure: exactly one part", async () => {
    const ic = await connector();
    const text = "Fixed in 2.3 & rolled out.\nIf a < b still shows, reply here.";
    fake.faults.next({ kind: "resetAfterHandling" }, { path: `${CONV}/reply` });
    const made = await ic.replyToConversation("1000", text, { idempotencyKey: "html-1" });
    expect(made.recovered).toBe(true);
    const parts = fake.state.conversations.get("1000")?.conversation_parts as {
      conversation_parts: { body: string }[];
    };
    expect(parts.conversation_parts.map((p) => p.body)).toEqual([
      "<p>Fixed in 2.3 &amp; rolled out.</p><p>If a &lt; b still shows, reply here.</p>",
    ]);
    expect(fake.requests.filter((r) => r.path.endsWith("/reply"))).toHaveLength(1);
  });

  it("names the connection on 401 and keeps an exact ledger", async () => {
    const local = await sqlite();
    const ic = await createIntercomConnector(
      {
        id: "ledger-ic",
        vendor: "intercom",
        baseUrl: fake.url,
        allowInsecureTestBaseUrl: true,
        credentials: { accessToken: "t", adminId: "7" },
      },
      { policy: FAST_POLICY, ledger: await ledgerOn(local) },
    );
    fake.faults.next({ kind: "status", status: 502 }, { path: "/conversations" });
    await ic.listConversations();
    await ic.replyToConversation("1000", "Hi", { idempotencyKey: "l" });
    await expect(ic.getContact("nope")).rejects.toMatchObject({ kind: "not_found" });
    fake.faults.expireTokens();
    const err = await ic.searchContacts("a").catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^Intercom rejected the access token of connection ledger-ic/);
    expect(await ledgerRows(local)).toEqual([
      { operation: "conversations.list", attempts: 2, outcome: "ok" },
      { operation: "conversations.reply", attempts: 1, outcome: "ok" },
      { operation: "contacts.get", attempts: 1, outcome: "not_found" },
      { operation: "contacts.search", attempts: 1, outcome: "auth" },
    ]);
    await local.close();
  });

  it("refuses base URLs outside Intercom's regions", async () => {
    const conn = { id: "u", vendor: "intercom" as const, credentials: { accessToken: "t" } };
    const dns = { resolve: async () => ["34.1.1.1"] };
    await expect(
      createIntercomConnector({ ...conn, baseUrl: "https://evil.example.com" }, dns),
    ).rejects.toThrow(/not one of/);
    await expect(
      createIntercomConnector({ ...conn, baseUrl: "http://api.intercom.io" }, dns),
    ).rejects.toThrow(/only https/);
    await expect(
      createIntercomConnector({ ...conn, baseUrl: "http://192.168.1.2", allowInsecureTestBaseUrl: true }),
    ).rejects.toThrow(/only permits a fake/);
    const eu = await createIntercomConnector({ ...conn, baseUrl: "https://api.eu.intercom.io" }, dns);
    expect(eu.sdk.baseUrl.host).toBe("api.eu.intercom.io");
  });
});
