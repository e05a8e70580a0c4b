import type { SqlDb } from "@revops/store";
import { type RunningFake, startZendeskFake, type ZendeskState } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createZendeskConnector, type ZendeskConnector } from "../src/index";
import { FAST_POLICY, ledgerOn, sqlite } from "./helpers";

// the fake numbers records from 1 in seed order: users, then tickets, then metrics
const CARL = 1;
const ADA = 2;
let fake: RunningFake<ZendeskState>;
let db: SqlDb;
let zd: ZendeskConnector;

beforeAll(async () => {
  db = await sqlite();
  fake = await startZendeskFake({
    users: [
      { name: "Carl Customer", role: "end-user" },
      { name: "Ada Agent", role: "agent" },
      { name: "Nobody Here", role: "end-user" },
    ],
    tickets: [
      { subject: "Refund", requester_id: CARL, assignee_id: ADA }, // 4
      { subject: "No metrics", requester_id: CARL }, // 5
    ],
    ticketMetrics: [{ ticket_id: 4, reply_time_in_minutes: { calendar: 12, business: 3 } }],
  });
  zd = await createZendeskConnector(
    {
      id: "acme-zd",
      vendor: "zendesk",
      baseUrl: fake.url,
      allowInsecureTestBaseUrl: true,
      credentials: { oauthToken: "zd-oauth" },
    },
    { policy: FAST_POLICY, ledger: await ledgerOn(db) },
  );
});
afterAll(async () => {
  await fake?.close();
  await db?.close();
});

describe("Zendesk connector side-loads and metrics", () => {
  it("side-loads the searched tickets' people only when asked, in the same request", async () => {
    const plain = (await zd.searchTickets("Refund")).value;
    expect(plain.users).toBeUndefined();
    const before = fake.requests.length;
    const loaded = (await zd.searchTickets("Refund", { withUsers: true })).value;
    expect(loaded.results.map((t) => t.subject)).toEqual(["Refund"]);
    expect(loaded.users?.map((u) => u.name).sort()).toEqual(["Ada Agent", "Carl Customer"]);
    expect(fake.requests.slice(before).map((r) => r.query.get("include"))).toEqual(["tickets(users)"]);
  });

  it("reads a ticket's metric set; not_found when it has none", async () => {
    expect((await zd.getTicketMetrics(4)).value.reply_time_in_minutes).toEqual({ calendar: 12, business: 3 });
    await expect(zd.getTicketMetrics(5)).rejects.toMatchObject({ kind: "not_found" });
  });
});
