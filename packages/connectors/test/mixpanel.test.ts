import { createVendorLimiter } from "@revops/resilience";
import type { KeyValue, SqlDb } from "@revops/store";
import { type MixpanelEvent, type RunningMixpanelFake, startMixpanelFake } from "@revops/testing";
import Mixpanel from "mixpanel";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createMixpanelConnector,
  createMixpanelSdk,
  type ImportEvent,
  type MixpanelConnection,
  type MixpanelConnector,
  mixpanelInsertId,
} from "../src/index";
import { FAST_POLICY, ledgerOn, ledgerRows, memoryKv, sqlite, timed } from "./helpers";

const DAY1 = Date.UTC(2025, 0, 20, 10, 0, 0);
const seeded = (i: number, event = "Signed up"): MixpanelEvent => ({
  event,
  properties: { time: Math.floor(DAY1 / 1000) + i, distinct_id: `u${i}`, $insert_id: `seed-${i}` },
});
const events = (n: number): ImportEvent[] =>
  Array.from({ length: n }, (_, i) => ({ event: "Deal won", distinctId: `acct-${i}`, time: DAY1 + i }));

let fake: RunningMixpanelFake;
let db: SqlDb;
let kv: KeyValue;

function connection(extra: Partial<MixpanelConnection> = {}): MixpanelConnection {
  return {
    id: "acme-mp",
    vendor: "mixpanel",
    baseUrl: fake.url,
    allowInsecureTestBaseUrl: true,
    testCa: fake.ca,
    credentials: { username: "revops.sa", secret: "sa-secret", projectId: "3141592", projectToken: "tok" },
    ...extra,
  };
}
async function connector(policy = {}, extra = {}): Promise<MixpanelConnector> {
  return createMixpanelConnector(connection(), {
    policy: { ...FAST_POLICY, ...policy },
    ledger: await ledgerOn(db),
    ...extra,
  });
}
const imports = () => fake.requests.filter((r) => r.path === "/import");
const exports_ = () => fake.requests.filter((r) => r.path === "/api/2.0/export");

beforeAll(async () => {
  db = await sqlite();
});
beforeEach(async () => {
  kv = await memoryKv();
  fake = await startMixpanelFake({ events: [seeded(1), seeded(2, "Logged in"), seeded(3)] });
});
afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await fake.close();
});
afterAll(async () => {
  await db.close();
});

describe("Mixpanel connector (mixpanel client for /import, export over https), checked against Mixpanel's OpenAPI files", () => {
  it("imports in batches of 50 with $insert_id and service-account auth, and exports JSONL", async () => {
    // counts requests exactly: a slow machine must not turn a batch into a timed-out retry
    const mp = await connector({ attemptTimeoutMs: 10_000, deadlineMs: 20_000 });
    expect(await mp.importEvents(events(120), { idempotencyKey: "sync-1" })).toEqual({
      imported: 120,
      batches: 3,
    });
    expect(imports()).toHaveLength(3);
    const first = imports()[0];
    expect(first?.query.get("strict")).toBe("1");
    expect(first?.query.get("project_id")).toBe("3141592");
    expect(first?.headers.authorization).toBe(
      `Basic ${Buffer.from("revops.sa:sa-secret").toString("base64")}`,
    );
    expect(fake.state.events.at(3)?.properties).toMatchObject({
      distinct_id: "acct-0",
      time: DAY1,
      $insert_id: mixpanelInsertId("sync-1", 0),
      token: "tok",
    });
    const all = await mp.exportEvents({ from: "2025-01-20", to: "2025-01-20" });
    expect(all).toMatchObject({ stale: false });
    expect(all.value).toHaveLength(123);
    const signups = await mp.exportEvents({ from: "2025-01-20", to: "2025-01-21", event: "Signed up" });
    expect(signups.value.map((e) => e.properties.distinct_id)).toEqual(["u1", "u3"]);
    expect(exports_()[1]?.query.get("event")).toBe('["Signed up"]');
  });

  it("never duplicates an event: a batch retried after a lost answer is de-duplicated by $insert_id", async () => {
    const mp = await connector();
    fake.faults.next({ kind: "resetAfterHandling" }, { path: "/import" });
    expect(await mp.importEvents(events(10), { idempotencyKey: "k" })).toEqual({ imported: 10, batches: 1 });
    expect(imports()).toHaveLength(2);
    expect(fake.state.received).toBe(20);
    // a manual re-run with the same key is absorbed the same way
    await mp.importEvents(events(10), { idempotencyKey: "k" });
    expect(fake.state.events).toHaveLength(13);
  });

  it("makes one HTTP exchange per attempt, honours Retry-After and bounds retries", async () => {
    const mp = await connector({ deadlineMs: 3000 });
    fake.faults.next(
      {
        kind: "status",
        status: 429,
        retryAfter: "1",
        body: { code: 429, error: "rate", status: "Too Many Requests" },
      },
      { path: "/api/2.0/export" },
    );
    const { ms, result } = await timed(() => mp.exportEvents({ from: "2025-01-20", to: "2025-01-20" }));
    expect(result.status).toBe("fulfilled");
    expect(ms).toBeGreaterThanOrEqual(950);
    expect(exports_()).toHaveLength(2);
    fake.faults.always({ kind: "status", status: 503 }, { path: "/import" });
    await expect(mp.importEvents(events(3), { idempotencyKey: "x" })).rejects.toMatchObject({
      kind: "unavailable",
      attempts: 3,
    });
    expect(imports()).toHaveLength(3);
  });

  it("ends hung calls within the deadline + 250 ms (scheduling slack on a loaded machine), trips the breaker and serves stale exports meanwhile", async () => {
    const mp = await connector(
      { attemptTimeoutMs: 300, deadlineMs: 700 },
      { staleCache: { cache: kv, maxAgeMs: 60_000 } },
    );
    const range = { from: "2025-01-20", to: "2025-01-20" };
    expect((await mp.exportEvents(range)).stale).toBe(false);
    fake.faults.always({ kind: "hang" });
    const hung = await timed(() => mp.exportEvents(range));
    expect(hung.ms).toBeLessThan(950);
    expect(hung.result).toMatchObject({ status: "fulfilled", value: { stale: true } });
    fake.faults.clear();
    fake.faults.always({ kind: "status", status: 503 });
    await mp.exportEvents(range);
    await mp.exportEvents(range);
    expect(mp.sdk.runtime.policy.circuitState).toBe("open");
    const seen = fake.requests.length;
    expect((await mp.exportEvents(range)).value).toHaveLength(3);
    expect(fake.requests).toHaveLength(seen);
  });

  it("keeps Mixpanel's export limits (60/hour, 3 concurrent) and fails fast when the hour is used up", async () => {
    const mp = await connector();
    expect(await mp.sdk.limiter.remaining("export")).toMatchObject({ bucket: "export", limit: 60 });
    expect(mp.sdk.runtime.policy).toBeDefined();
    const tight = await createMixpanelConnector(connection({ id: "tight" }), {
      policy: FAST_POLICY,
      limiter: createVendorLimiter("mixpanel", {
        connection: "tight",
        buckets: { export: { points: 2, durationMs: 3_600_000 } },
      }),
    });
    const range = { from: "2025-01-20", to: "2025-01-20" };
    await tight.exportEvents(range);
    await tight.exportEvents(range);
    await expect(tight.exportEvents(range)).rejects.toMatchObject({ kind: "rate_limited" });
    expect(exports_()).toHaveLength(2);
  });

  it("names the connection when the service account is rejected, and keeps an exact ledger", async () => {
    const local = await sqlite();
    const mp = await createMixpanelConnector(connection({ id: "ledger-mp" }), {
      policy: FAST_POLICY,
      ledger: await ledgerOn(local),
    });
    await mp.importEvents(events(2), { idempotencyKey: "l" });
    fake.state.serviceAccount.secret = "rotated";
    const err = await mp.exportEvents({ from: "2025-01-20", to: "2025-01-20" }).catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      "Mixpanel rejected the token for connection ledger-mp: create a new service-account secret (Organization Settings → Service Accounts) and update the connection.",
    );
    expect(await ledgerRows(local)).toEqual([
      { operation: "import.events", attempts: 1, outcome: "ok" },
      { operation: "export.events", attempts: 1, outcome: "auth" },
    ]);
    await local.close();
  });

  it("sends credentials over https only: the client's own rule, kept for test URLs too; overrides stay on Mixpanel hosts", async () => {
    // the bare client refuses service-account credentials over http
    const bare = Mixpanel.init("tok", {
      protocol: "http",
      host: "127.0.0.1",
      credentials: new Mixpanel.ServiceAccountCredentials("a", "b", "1"),
    });
    expect(() => bare.import_batch([{ event: "e", properties: { time: 1, distinct_id: "d" } }])).toThrow(
      /HTTPS/,
    );
    await expect(createMixpanelSdk(connection({ baseUrl: fake.httpUrl }))).rejects.toThrow(
      /only ever sent over https/,
    );
    // without the test CA, the fake's self-signed certificate is not trusted
    const untrusted = await createMixpanelConnector(connection({ testCa: undefined }), {
      policy: { ...FAST_POLICY, maxAttempts: 1 },
    });
    await expect(untrusted.importEvents(events(1), { idempotencyKey: "u" })).rejects.toThrow();
    expect(fake.state.received).toBe(0);
    const base = { id: "u", vendor: "mixpanel" as const, credentials: connection().credentials };
    const publicDns = async () => ["35.1.1.1"];
    await expect(
      createMixpanelSdk({ ...base, baseUrl: "https://mixpanel.evil.example" }, { resolve: publicDns }),
    ).rejects.toThrow(/not one of/);
    await expect(
      createMixpanelSdk(
        { ...base, baseUrl: "https://api-eu.mixpanel.com" },
        { resolve: async () => ["127.0.0.1"] },
      ),
    ).rejects.toThrow(/private/);
    const eu = await createMixpanelSdk({ ...base, region: "eu" });
    expect([eu.ingestionUrl.host, eu.exportUrl.host]).toEqual([
      "api-eu.mixpanel.com",
      "data-eu.mixpanel.com",
    ]);
    await expect(eu.fetchExport("/api/2.0/export", {})).rejects.toThrow(/outside the resilience policy/);
  });
});
