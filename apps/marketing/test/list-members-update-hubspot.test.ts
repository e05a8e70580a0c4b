import { approvalsAdmin, createGuard, guardConfig } from "@revops/guards";
import { approvalIdIn, connectGuarded, type GuardedHarness } from "@revops/guards/testing";
import { type KeyValue, openKv, openSql, type SqlDb } from "@revops/store";
import {
  type HubSpotListsState,
  type HubSpotState,
  hubspotLists,
  type RunningFake,
  seedHubSpotLists,
  startHubSpotFake,
  tempDataDir,
} from "@revops/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createMarketingServer } from "../src/server";

const TOOL = "list_members_update";
const config = guardConfig({ CONFIRMATION_MODE: "approval" });

let fake: RunningFake<HubSpotState>;
let lists: HubSpotListsState;
let staticList: string;
let dynamicList: string;
let bigList: string;
let guardSql: SqlDb;
let kv: KeyValue;
let h: GuardedHarness;
let admin: ReturnType<typeof approvalsAdmin>;

const members = () => [...(lists.lists.get(staticList)?.members.keys() ?? [])].sort();
const writes = () =>
  fake.requests.filter(
    (r) => r.method === "PUT" && r.path.startsWith(`/crm/v3/lists/${staticList}/memberships`),
  );

/** Queues the plan, has a human approve it, and runs it with the approval id. */
async function approved(args: Record<string, unknown>) {
  const queued = await h.call(TOOL, args);
  const id = approvalIdIn(queued.text);
  expect(id, queued.text).toBeDefined();
  await admin.approve(id as string, "marketing-lead");
  return h.call(TOOL, { ...args, approval_id: id });
}

beforeAll(async () => {
  // contacts are numbered from 1001 in seed order
  fake = await startHubSpotFake({
    contacts: [
      { email: "ann@example.com", firstname: "Ann", lastname: "Member" }, // 1001
      { email: "bo@example.com", firstname: "Bo", lastname: "Outside" }, // 1002
      { email: "cy@example.com", firstname: "Cy", lastname: "Outside" }, // 1003
      { email: "di@example.com", firstname: "Di", lastname: "Optout", hs_email_optout: "true" }, // 1004
      { email: "ed@example.com", firstname: "Ed", lastname: "Outside" }, // 1005
      { email: "fay@example.com", firstname: "Fay", lastname: "Outside" }, // 1006
    ],
  });
  [staticList, dynamicList] = seedHubSpotLists(fake.state, [
    { name: "Webinar attendees Q4", processingType: "MANUAL", members: ["1001"] },
    { name: "Enterprise decision makers", processingType: "DYNAMIC", members: ["1001"] },
  ]) as [string, string];
  // a large list: 1002 and 600 other records, three pages of members
  [bigList] = seedHubSpotLists(fake.state, [
    {
      name: "Newsletter",
      processingType: "SNAPSHOT",
      members: ["1002", ...Array.from({ length: 600 }, (_, i) => String(50_000 + i))],
    },
  ]) as [string];
  lists = hubspotLists(fake.state);
  vi.stubEnv("MARKETING_SOURCE", "hubspot");
  vi.stubEnv("HUBSPOT_ACCESS_TOKEN", "pat-test");
  vi.stubEnv("REVOPS_TEST_VENDOR_BASE_URL", fake.url);
  vi.stubEnv("REVOPS_ALLOW_INSECURE_TEST_VENDOR", "true");
  guardSql = await openSql({ dataDir: tempDataDir("hs-lists-guard") });
  kv = await openKv({});
  const guard = createGuard({ config, sql: async () => guardSql, kv: async () => kv });
  h = await connectGuarded({ modules: [createMarketingServer()], guard });
  admin = approvalsAdmin({ sql: async () => guardSql, config });
});

afterAll(async () => {
  await h?.close();
  await guardSql?.close();
  await kv?.close();
  await fake?.close();
  vi.unstubAllEnvs();
});

beforeEach(() => {
  fake.faults.clear();
});

describe("list_members_update on HubSpot Lists v3 (through the SDK, over the fake)", () => {
  it("dry run reads HubSpot fresh and writes nothing", async () => {
    const r = await h.call(TOOL, {
      list_id: staticList,
      add: ["bo@example.com", "1003", "1004", "777777"],
      remove: ["1001"],
      dry_run: true,
    });
    expect(r.text).toContain("Dry run, nothing was changed");
    expect(r.text).toMatch(/added: 2/);
    expect(r.text).toMatch(/removed: 1/);
    expect(r.text).toContain("Bo Outside");
    expect(r.text).toContain("unsubscribed"); // Di opted out of email in HubSpot
    expect(r.text).toContain("777777");
    expect(r.text).toContain("no such contact");
    expect(writes()).toHaveLength(0);
    expect(members()).toEqual(["1001"]);
  });

  it("a 5xx after HubSpot applied the change: looked up, not applied twice", async () => {
    lists.failAfterApply = 1;
    const r = await approved({ list_id: staticList, add: ["1002", "1003"], remove: ["1001"] });
    expect(r.isError, r.text).toBe(false);
    expect(r.data).toMatchObject({
      added: 2,
      removed: 1,
      written: { system: "hubspot", id: staticList },
      size: 2,
    });
    expect(writes()).toHaveLength(1);
    expect(members()).toEqual(["1002", "1003"]);
  });

  it("a 429 with Retry-After is waited out and the change made once", async () => {
    lists.throttle = 1;
    const before = writes().length;
    const r = await approved({ list_id: staticList, add: ["1005"], remove: ["1002"] });
    expect(r.isError, r.text).toBe(false);
    expect(r.data).toMatchObject({ added: 1, removed: 1 });
    expect(writes().length - before).toBe(2);
    expect(members()).toEqual(["1003", "1005"]);
  });

  it("on a large list, asks HubSpot per contact rather than reading every page of members", async () => {
    const seen = fake.requests.length;
    const r = await h.call(TOOL, { list_id: bigList, add: ["1006"], remove: ["1002"], dry_run: true });
    expect(r.text).toContain("Dry run");
    expect(r.text).toMatch(/added: 1/);
    expect(r.text).toMatch(/removed: 1/);
    const reads = fake.requests.slice(seen).map((q) => q.path);
    expect(reads.filter((p) => p === `/crm/v3/lists/${bigList}/memberships`)).toHaveLength(1);
    expect(reads).toContain("/crm/v3/lists/records/0-1/1006/memberships");
  });

  it("refuses a DYNAMIC list before asking anyone", async () => {
    const r = await h.call(TOOL, { list_id: dynamicList, add: ["1006"] });
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/is dynamic/);
    expect(r.text).not.toContain("approval");
  });

  it("an unknown list is named; a preview during a HubSpot outage refuses rather than guess", async () => {
    const missing = await h.call(TOOL, { list_id: "999", add: ["1006"], dry_run: true });
    expect(missing.text).toMatch(/There is no list 999/);
    fake.faults.always({ kind: "status", status: 503 }, { path: `/crm/v3/lists/${staticList}` });
    const r = await h.call(TOOL, { list_id: staticList, add: ["1006"], dry_run: true });
    expect(r.isError).toBe(true);
    expect(r.text).not.toContain("Dry run");
    expect(r.text).toMatch(/HubSpot is having trouble \(HTTP 503\)/);
    expect(members()).toEqual(["1003", "1005"]);
  });
});
