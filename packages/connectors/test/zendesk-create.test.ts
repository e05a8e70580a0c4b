import type { SqlDb } from "@revops/store";
import { type RunningFake, startZendeskFake, type ZendeskState } from "@revops/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createZendeskConnector, externalIdOf, type ZendeskConnector } from "../src/index";
import { FAST_POLICY, ledgerOn, sqlite } from "./helpers";

// the fake numbers records from 1 in seed order: users, then organizations
const SEED = {
  users: [
    { name: "Ada Agent", email: "ada@support.example.com", role: "agent" },
    { name: "Carl Customer", email: "carl@customer.example.com", role: "end-user", organization_id: 3 },
  ],
  organizations: [{ name: "Acme" }],
  articles: [
    { title: "One", body: "a" },
    { title: "Two", body: "b" },
    { title: "Three", body: "c" },
  ],
};

let fake: RunningFake<ZendeskState>;
let db: SqlDb;

async function connector(): Promise<ZendeskConnector> {
  return createZendeskConnector(
    {
      id: "zd-create",
      vendor: "zendesk",
      baseUrl: fake.url,
      allowInsecureTestBaseUrl: true,
      credentials: { oauthToken: "zd-oauth" },
    },
    { policy: FAST_POLICY, ledger: await ledgerOn(db) },
  );
}
const posts = () => fake.requests.filter((r) => r.method === "POST").length;
const ticket = {
  subject: "Help",
  comment: { body: "First", public: false },
  requester_id: 2,
  organization_id: 3,
};

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

describe("Zendesk Create Ticket over node-zendesk", () => {
  it("creates once with the key as external id, and finds it (with its first comment) when resumed", async () => {
    const zd = await connector();
    const r = await zd.createTicket(ticket, { idempotencyKey: "c-1" });
    expect(r).toMatchObject({
      recovered: false,
      ticket: { subject: "Help", external_id: externalIdOf("c-1") },
    });
    expect(r.commentId).toBeDefined();
    const again = await zd.createTicket(ticket, { idempotencyKey: "c-1", resumed: true });
    expect(again).toMatchObject({ recovered: true, commentId: r.commentId, ticket: { id: r.ticket.id } });
    expect(posts()).toBe(1);
  });

  it("looks the ticket up after a 5xx that hid a landed create, and never posts twice", async () => {
    const zd = await connector();
    fake.state.failAfterApply = { status: 503, times: 1 };
    const r = await zd.createTicket(ticket, { idempotencyKey: "c-2" });
    expect(r.recovered).toBe(true);
    expect(posts()).toBe(1);
    expect(fake.state.tickets.size).toBe(1);
  });

  it("refuses an unknown requester with Zendesk's 422 and creates nothing", async () => {
    const zd = await connector();
    await expect(
      zd.createTicket({ ...ticket, requester_id: 99 }, { idempotencyKey: "c-3" }),
    ).rejects.toMatchObject({ kind: "invalid" });
    expect(fake.state.tickets.size).toBe(0);
    await expect(zd.createTicket(ticket, { idempotencyKey: "" })).rejects.toThrow(/idempotency key/);
  });

  it("finds users by search and pages Help Center articles by cursor", async () => {
    const zd = await connector();
    expect((await zd.searchUsersFresh("email:carl@customer.example.com")).map((u) => u.id)).toEqual([2]);
    expect((await zd.searchUsersFresh("organization:3")).map((u) => u.id)).toEqual([2]);
    const first = await zd.listArticles({ limit: 2 });
    expect(first.value.results.map((a) => a.title)).toEqual(["One", "Two"]);
    const next = await zd.listArticles({ after: first.value.nextCursor as string, limit: 2 });
    expect(next.value.results.map((a) => a.title)).toEqual(["Three"]);
    expect(next.value.nextCursor).toBeUndefined();
    const orgs = await zd.listOrganizations();
    expect(orgs.value.results.map((o) => [o.id, o.name])).toEqual([[3, "Acme"]]);
    expect(orgs.value.nextCursor).toBeUndefined();
  });
});
