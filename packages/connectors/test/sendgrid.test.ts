import { isVendorError } from "@revops/resilience";
import type { KeyValue, SqlDb } from "@revops/store";
import { type RunningFake, type SendGridState, startSendGridFake } from "@revops/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createSendGridConnector,
  type MailMessage,
  type SendGridConnector,
  SendUncertainError,
} from "../src/index";
import { FAST_POLICY, ledgerOn, ledgerRows, memoryKv, sqlite, timed } from "./helpers";

const MESSAGE: MailMessage = {
  to: "lead@example.com",
  from: "rep@acme.test",
  subject: "Following up",
  text: "Hi — shall we talk on Tuesday?",
};

let fake: RunningFake<SendGridState>;
let db: SqlDb;
let kv: KeyValue;

async function connector(policy = {}, extra = {}): Promise<SendGridConnector> {
  return createSendGridConnector(
    {
      id: "acme-sg",
      vendor: "sendgrid",
      baseUrl: fake.url,
      allowInsecureTestBaseUrl: true,
      credentials: { apiKey: "SG.test-key" },
    },
    { policy: { ...FAST_POLICY, ...policy }, ledger: await ledgerOn(db), kv, ...extra },
  );
}
const sends = () => fake.requests.filter((r) => r.path === "/v3/mail/send");

beforeAll(async () => {
  db = await sqlite();
});
beforeEach(async () => {
  kv = await memoryKv();
  fake = await startSendGridFake({
    unsubscribes: ["gone@example.com"],
    globalSuppressions: ["blocked@example.com"],
  });
});
afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await fake.close();
});
afterAll(async () => {
  await db.close();
});

describe("SendGrid connector over the real SDK, checked against SendGrid's OpenAPI files", () => {
  it("sends, checks suppressions and upserts contacts within the contract", async () => {
    const sg = await connector();
    const sent = await sg.send(MESSAGE, { idempotencyKey: "seq-1-step-1" });
    expect(sent).toEqual({ messageId: "fake-msg-1", deduplicated: false });
    expect(fake.state.messages[0]?.body).toMatchObject({ subject: "Following up" });
    expect((await sg.isSuppressed("blocked@example.com")).value).toBe(true);
    expect((await sg.isSuppressed("gone@example.com")).value).toBe(true);
    expect((await sg.isSuppressed("fine@example.com")).value).toBe(false);
    expect(await sg.upsertContacts([{ email: "lead@example.com", first_name: "Lee" }])).toEqual({
      jobId: "job-1",
    });
    expect(fake.state.contacts.get("lead@example.com")).toMatchObject({ first_name: "Lee" });
  });

  it("never sends twice with one idempotency key", async () => {
    const sg = await connector();
    await sg.send(MESSAGE, { idempotencyKey: "k" });
    expect(await sg.send(MESSAGE, { idempotencyKey: "k" })).toEqual({
      messageId: "fake-msg-1",
      deduplicated: true,
    });
    expect(fake.state.messages).toHaveLength(1);
    // the connection drops after SendGrid accepted it: no automatic retry, and a manual retry is refused
    fake.faults.next({ kind: "resetAfterHandling" }, { path: "/v3/mail/send" });
    await expect(sg.send(MESSAGE, { idempotencyKey: "k2" })).rejects.toMatchObject({ kind: "unavailable" });
    await expect(sg.send(MESSAGE, { idempotencyKey: "k2" })).rejects.toBeInstanceOf(SendUncertainError);
    expect(fake.state.messages).toHaveLength(2);
    expect(sends()).toHaveLength(2);
  });

  it("retries a send only when SendGrid surely did not take it (429), honouring Retry-After", async () => {
    const sg = await connector({ deadlineMs: 3000 });
    fake.faults.next({ kind: "status", status: 429, retryAfter: "1" }, { path: "/v3/mail/send" });
    const { ms, result } = await timed(() => sg.send(MESSAGE, { idempotencyKey: "r" }));
    expect(result.status).toBe("fulfilled");
    expect(ms).toBeGreaterThanOrEqual(950);
    expect(sends()).toHaveLength(2);
    fake.faults.always({ kind: "status", status: 500 }, { path: "/v3/mail/send" });
    await expect(sg.send(MESSAGE, { idempotencyKey: "r2" })).rejects.toMatchObject({
      kind: "unavailable",
      attempts: 1,
    });
    expect(sends()).toHaveLength(3);
  });

  it("bounds read retries, trips the breaker, half-opens on time and serves stale reads meanwhile", async () => {
    const sg = await connector({}, { staleCache: { cache: kv, maxAgeMs: 60_000 } });
    expect((await sg.isSuppressed("blocked@example.com")).stale).toBe(false);
    fake.faults.always({ kind: "status", status: 503 });
    const stale = await sg.isSuppressed("blocked@example.com");
    expect(stale).toMatchObject({ stale: true, value: true });
    expect(fake.requests.filter((r) => r.fault === "status")).toHaveLength(3);
    await sg.isSuppressed("blocked@example.com");
    await sg.isSuppressed("blocked@example.com");
    expect(sg.sdk.runtime.policy.circuitState).toBe("open");
    const sent = fake.requests.length;
    expect((await sg.isSuppressed("blocked@example.com")).stale).toBe(true);
    expect(fake.requests).toHaveLength(sent);
    fake.faults.clear();
    await new Promise((r) => setTimeout(r, 320));
    expect((await sg.isSuppressed("blocked@example.com")).stale).toBe(false);
  });

  it("ends hung and trickling calls within the deadline + 100 ms", async () => {
    const sg = await connector({ attemptTimeoutMs: 300, deadlineMs: 700 });
    fake.faults.always({ kind: "hang" });
    expect((await timed(() => sg.isSuppressed("x@example.com"))).ms).toBeLessThan(800);
    fake.faults.clear();
    fake.faults.always({ kind: "trickle", chunkDelayMs: 60 });
    const slow = await timed(() => sg.isSuppressed("blocked@example.com"));
    expect(slow.result.status).toBe("rejected");
    expect(slow.ms).toBeLessThan(800);
  });

  it("keeps the test base URL when the API key is rotated (setApiKey resets it in the SDK)", async () => {
    const sg = await connector();
    sg.sdk.setApiKey("SG.rotated");
    await sg.send(MESSAGE, { idempotencyKey: "rot" });
    expect(sends().at(-1)?.headers.authorization).toBe("Bearer SG.rotated");
    // what the bare SDK does: the base URL silently goes back to api.sendgrid.com
    sg.sdk.client.setApiKey("SG.raw");
    expect((sg.sdk.client.createRequest({ url: "/v3/x" }) as { baseURL?: string }).baseURL).toBe(
      "https://api.sendgrid.com/",
    );
  });

  it("reports a request the real API would reject as a contract violation and a 400", async () => {
    const sg = await connector();
    const err = await sg
      .send({ ...MESSAGE, subject: "", text: "" } as MailMessage, { idempotencyKey: "bad" })
      .catch((e: unknown) => e);
    expect(isVendorError(err) && err.kind).toBe("invalid");
    expect(fake.violations).toHaveLength(1);
    expect(fake.violations[0]).toMatchObject({ kind: "request", operationId: "SendMail" });
    fake.violations.length = 0;
    // a 4xx frees the key: fixing the message and retrying with the same key sends it
    await expect(sg.send(MESSAGE, { idempotencyKey: "bad" })).resolves.toMatchObject({ deduplicated: false });
  });

  it("names the connection when SendGrid rejects the key, and keeps an exact ledger", async () => {
    const local = await sqlite();
    const sg = await createSendGridConnector(
      {
        id: "ledger-sg",
        vendor: "sendgrid",
        baseUrl: fake.url,
        allowInsecureTestBaseUrl: true,
        credentials: { apiKey: "SG.k" },
      },
      { policy: FAST_POLICY, ledger: await ledgerOn(local), kv },
    );
    await sg.send(MESSAGE, { idempotencyKey: "l1" });
    fake.faults.expireTokens();
    const err = await sg.isSuppressed("a@example.com").catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      "SendGrid rejected the token for connection ledger-sg: create a new API key with Mail Send access and update the connection.",
    );
    expect(await ledgerRows(local)).toEqual([
      { operation: "mail.send", attempts: 1, outcome: "ok" },
      { operation: "suppressions.global.get", attempts: 1, outcome: "auth" },
    ]);
    expect(await ledgerRows(db, "mail.send")).toBeDefined();
    await local.close();
  });
});
