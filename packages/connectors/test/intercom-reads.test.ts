import { type IntercomState, type RunningFake, startIntercomFake } from "@revops/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createIntercomConnector } from "../src/index";
import { FAST_POLICY } from "./helpers";

const T = 1_760_000_000;
let fake: RunningFake<IntercomState>;
beforeEach(async () => {
  fake = await startIntercomFake({
    accessToken: "good",
    companies: [
      { companyId: "acc_1", name: "Acme", website: "https://acme.test" },
      { companyId: "web-2", name: "Globex" },
    ],
    contacts: [
      { name: "Ada", email: "ada@acme.test", companyIndex: 0 },
      { name: "Lead", email: "lead@x.test" },
    ],
    conversations: [
      { title: "rated", createdAt: T, rating: { rating: 4, remark: "ok", at: T + 60 } },
      { title: "unrated", contactIndex: 1, createdAt: T + 10 },
      { title: "old", createdAt: T - 1000, rating: { rating: 1, at: T - 900 } },
    ],
  });
});
afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await fake.close();
});

const connect = (token = "good") =>
  createIntercomConnector(
    {
      id: "cs-ic",
      vendor: "intercom",
      baseUrl: fake.url,
      allowInsecureTestBaseUrl: true,
      credentials: { accessToken: token },
    },
    { policy: FAST_POLICY },
  );

describe("Intercom conversation search and contact companies", () => {
  it("searches with nested filters and pages, within the 2.14 contract", async () => {
    const ic = await connect();
    const rated = await ic.searchConversations({
      operator: "AND",
      value: [
        { field: "conversation_rating.score", operator: ">", value: 0 },
        { field: "conversation_rating.replied_at", operator: ">", value: T },
      ],
    });
    expect(rated.value.results.map((c) => [c.title, c.conversation_rating?.rating])).toEqual([["rated", 4]]);
    const first = await ic.searchConversations(
      { field: "created_at", operator: ">", value: T - 1 },
      { limit: 1 },
    );
    expect(first.value).toMatchObject({ total: 2 });
    const next = await ic.searchConversations(
      { field: "created_at", operator: ">", value: T - 1 },
      { limit: 1, after: first.value.nextCursor },
    );
    expect([...first.value.results, ...next.value.results].map((c) => c.title)).toEqual(["rated", "unrated"]);
    expect(next.value.nextCursor).toBeUndefined();
  });

  it("reads a contact's companies with their own company_id", async () => {
    const ic = await connect();
    const [ada, lead] = fake.state.contacts;
    expect((await ic.listContactCompanies(ada?.id ?? "")).value.map((c) => [c.company_id, c.name])).toEqual([
      ["acc_1", "Acme"],
    ]);
    expect((await ic.listContactCompanies(lead?.id ?? "")).value).toEqual([]);
    await expect(ic.listContactCompanies("missing")).rejects.toMatchObject({ kind: "not_found" });
  });

  it("lists the workspace's companies page by page, with their website", async () => {
    const ic = await connect();
    const first = await ic.listCompanies(1);
    expect(first.value.results.map((c) => [c.company_id, c.name, c.website])).toEqual([
      ["acc_1", "Acme", "https://acme.test"],
      ["web-2", "Globex", undefined],
    ]);
    expect(first.value.totalPages).toBe(1);
  });

  it("rejects a wrong token once, without retrying", async () => {
    const ic = await connect("bad");
    await expect(
      ic.searchConversations({ field: "state", operator: "=", value: "open" }),
    ).rejects.toMatchObject({
      kind: "auth",
      message: expect.stringMatching(/rejected the access token of connection cs-ic/),
    });
    expect(fake.requests.filter((r) => r.path === "/conversations/search")).toHaveLength(1);
  });
});
