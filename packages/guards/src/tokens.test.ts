import { randomBytes } from "node:crypto";
import { type KeyValue, openKv } from "@revops/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PlanTokens, type TokenBinding } from "./tokens";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `guards-test:${process.pid}:${randomBytes(4).toString("hex")}:`;
const SECRET = "replica-secret-replica-secret-replica";
let a: KeyValue;
let b: KeyValue;
const clock = { ms: Date.now() };
const tokens = (kv: KeyValue, secret = SECRET) =>
  new PlanTokens(
    async () => kv,
    secret,
    () => 300,
    () => new Date(clock.ms),
  );
const bound: TokenBinding = {
  principal: "alice",
  tool: "deals_delete",
  args: '{"deal_ids":["d1"]}',
  planHash: "h1",
};

beforeAll(async () => {
  a = await openKv({ redisUrl: REDIS_URL, keyPrefix: prefix });
  b = await openKv({ redisUrl: REDIS_URL, keyPrefix: prefix });
});
afterAll(async () => {
  await a.close();
  await b.close();
});

describe("plan tokens on Redis, across two replicas", () => {
  it("is issued by one replica, redeemed by another, and only once", async () => {
    const { token } = await tokens(a).issue(bound);
    expect(await tokens(b).redeem(token, bound)).toEqual({ ok: true });
    expect(await tokens(a).redeem(token, bound)).toMatchObject({ ok: false, reason: "used" });
  });

  it("lets exactly one of two concurrent redemptions through", async () => {
    const { token } = await tokens(a).issue(bound);
    const results = await Promise.all([tokens(a).redeem(token, bound), tokens(b).redeem(token, bound)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it("refuses forged, tampered, foreign-key, mismatched and expired tokens", async () => {
    const { token } = await tokens(a).issue(bound);
    const [body, sig] = token.split(".") as [string, string];
    const payload = JSON.parse(Buffer.from(body, "base64url").toString());
    const tampered = `${Buffer.from(JSON.stringify({ ...payload, p: "mallory" })).toString("base64url")}.${sig}`;
    for (const t of ["nonsense", `${body}.`, `${body}.${sig}.x`, tampered])
      expect(await tokens(b).redeem(t, bound)).toMatchObject({ reason: "forged" });
    expect(await tokens(b, "other-secret-other-secret-other-secret").redeem(token, bound)).toMatchObject({
      reason: "forged",
    });
    expect(await tokens(b).redeem(token, { ...bound, principal: "mallory" })).toMatchObject({
      reason: "mismatch",
    });
    expect(await tokens(b).redeem(token, { ...bound, args: '{"deal_ids":["d2"]}' })).toMatchObject({
      reason: "mismatch",
      detail: expect.stringContaining("arguments"),
    });
    expect(await tokens(b).redeem(token, { ...bound, planHash: "h2" })).toMatchObject({ reason: "mismatch" });
    clock.ms += 301_000;
    expect(await tokens(b).redeem(token, bound)).toMatchObject({ reason: "expired" });
  });

  it("rejects a validly signed payload of an unknown version", async () => {
    const signer = tokens(a);
    const body = Buffer.from(JSON.stringify({ v: 2 })).toString("base64url");
    const sig = (signer as unknown as { sign(b: string): string }).sign(body);
    expect(await signer.redeem(`${body}.${sig}`, bound)).toMatchObject({ reason: "forged" });
    const junk = Buffer.from("not json").toString("base64url");
    const junkSig = (signer as unknown as { sign(b: string): string }).sign(junk);
    expect(await signer.redeem(`${junk}.${junkSig}`, bound)).toMatchObject({ reason: "forged" });
  });
});
