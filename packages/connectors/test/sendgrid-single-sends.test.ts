import type { SqlDb } from "@revops/store";
import { type RunningFake, type SendGridState, startSendGridFake } from "@revops/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createSendGridConnector, type SendGridConnector } from "../src/index";
import { singleSendMarker } from "../src/sendgrid/single-sends";
import { FAST_POLICY, ledgerOn, memoryKv, sqlite } from "./helpers";

const LIST = "2d6f3c1e-8a4b-4c2d-9e1f-0a1b2c3d4e5f";
let fake: RunningFake<SendGridState>;
let db: SqlDb;

async function connector(): Promise<SendGridConnector> {
  return createSendGridConnector(
    {
      id: "acme-sg",
      vendor: "sendgrid",
      baseUrl: fake.url,
      allowInsecureTestBaseUrl: true,
      credentials: { apiKey: "SG.test-key" },
    },
    { policy: FAST_POLICY, ledger: await ledgerOn(db), kv: await memoryKv() },
  );
}

beforeAll(async () => {
  db = await sqlite();
});
beforeEach(async () => {
  fake = await startSendGridFake({
    unsubscribes: ["gone@example.com"],
    lists: [
      { id: LIST, name: "Webinar invitees", emails: ["a@acme.test", "b@acme.test", "gone@example.com"] },
    ],
  });
});
afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await fake.close();
});
afterAll(async () => {
  await db.close();
});

const DRAFT = { name: "Q3 webinar", listIds: [LIST], subject: "Join us", html: "<p>Join us</p>" };

describe("SendGrid Single Sends over the real SDK, checked against SendGrid's OpenAPI files", () => {
  it("reads a list with its sample, and an unknown list as none", async () => {
    const { singleSends } = await connector();
    const list = await singleSends.getList(LIST);
    expect(list).toMatchObject({ id: LIST, name: "Webinar invitees", contactCount: 3 });
    expect(list?.sample.length).toBeGreaterThan(0);
    expect(await singleSends.getList("nope")).toBeUndefined();
  });

  it("creates and schedules a send once per key, finds it by its marker on a retry, and reads its stats", async () => {
    const { singleSends } = await connector();
    const first = await singleSends.sendOnce(DRAFT, "2026-12-04T15:00:00Z", "campaign-7:plan-a");
    expect(first.created).toBe(true);
    expect(first.send.status).toBe("scheduled");
    expect(first.send.name.endsWith(singleSendMarker("campaign-7:plan-a"))).toBe(true);
    // the same key again (an answer lost after the vendor made it): found, not made twice
    const again = await singleSends.sendOnce(DRAFT, "2026-12-04T15:00:00Z", "campaign-7:plan-a");
    expect(again).toMatchObject({ created: false, send: { id: first.send.id } });
    expect(
      fake.requests.filter((r) => r.path === "/v3/marketing/singlesends" && r.method === "POST"),
    ).toHaveLength(1);

    const stats = await singleSends.stats(first.send.id);
    expect(stats?.delivered).toBeGreaterThan(0);
    expect(await singleSends.searchSingleSends("Q3 webinar")).toHaveLength(1);
  });

  it("keeps a test send a draft when no time is given", async () => {
    const { singleSends } = await connector();
    const draft = await singleSends.sendOnce(DRAFT, null, "campaign-7:test");
    expect(draft.send.status).toBe("draft");
    expect((await singleSends.stats(draft.send.id))?.delivered ?? 0).toBe(0);
  });
});
