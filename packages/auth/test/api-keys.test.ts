import type { SqlDb } from "@revops/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiKeyStore, looksLikeApiKey, parseRolesConfig, UnknownRoleError } from "../src/index";
import { type Engine, engines } from "./env";

describe.each(engines)("ApiKeyStore on %s", (_name, makeEngine) => {
  let engine: Engine;
  let db: SqlDb;
  let clock = new Date("2025-06-01T10:00:00.000Z");
  const now = () => clock;

  beforeAll(async () => {
    engine = makeEngine();
    db = await engine.open();
  });
  afterAll(() => engine.teardown());

  it("creates a key in the rmcp_<prefix>_<secret> format and stores only its hash", async () => {
    const store = new ApiKeyStore(db, { now });
    const created = await store.create({ name: " zapier ", role: "sales-rep" });
    expect(created.key).toMatch(/^rmcp_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(created.key.startsWith(`rmcp_${created.id}_`)).toBe(true);
    expect(created).toMatchObject({ name: "zapier", role: "sales-rep", lastUsedAt: null, revokedAt: null });
    expect(looksLikeApiKey(created.key)).toBe(true);
    const row = await db.one<Record<string, unknown>>("SELECT * FROM auth_api_keys WHERE id = ?", [
      created.id,
    ]);
    expect(JSON.stringify(row)).not.toContain(created.key.slice(`rmcp_${created.id}_`.length));
    expect(row?.secret_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("verifies a key into a principal and records last use, throttled", async () => {
    const store = new ApiKeyStore(db, { now, lastUseThrottleMs: 60_000 });
    const { key, id } = await store.create({ name: "bot", role: "marketer" });
    const check = await store.verify(key);
    expect(check).toMatchObject({
      ok: true,
      principal: {
        id: `api-key:${id}`,
        name: "bot",
        via: "api-key",
        scopes: expect.arrayContaining(["marketing:send"]),
      },
    });
    const lastUsed = async () => (await store.list()).find((k) => k.id === id)?.lastUsedAt;
    expect(await lastUsed()).toBe(clock.toISOString());
    const first = clock;
    clock = new Date(first.getTime() + 30_000);
    await store.verify(key);
    expect(await lastUsed()).toBe(first.toISOString());
    clock = new Date(first.getTime() + 61_000);
    await store.verify(key);
    expect(await lastUsed()).toBe(clock.toISOString());
  });

  it("rejects malformed, unknown and tampered keys without echoing them", async () => {
    const store = new ApiKeyStore(db, { now });
    const { key } = await store.create({ name: "x", role: "auditor" });
    expect(await store.verify("rmcp_nope")).toEqual({
      ok: false,
      reason: expect.stringMatching(/Malformed/),
    });
    const tampered = `${key.slice(0, -1)}${key.endsWith("A") ? "B" : "A"}`;
    const check = await store.verify(tampered);
    expect(check.ok).toBe(false);
    expect(JSON.stringify(check)).not.toContain(tampered.slice(18));
    expect(await store.verify(`rmcp_000000000000_${"a".repeat(43)}`)).toMatchObject({ ok: false });
  });

  it("revocation takes effect on the very next check, across store instances", async () => {
    const a = new ApiKeyStore(db, { now });
    const b = new ApiKeyStore(db, { now });
    const { key, id } = await a.create({ name: "temp", role: "sales-rep" });
    expect((await b.verify(key)).ok).toBe(true);
    expect(await a.revoke(id)).toBe(true);
    expect(await a.revoke(id)).toBe(false);
    expect(await b.verify(key)).toEqual({
      ok: false,
      reason: expect.stringMatching(new RegExp(`API key ${id} was revoked`)),
    });
    expect((await a.list()).find((k) => k.id === id)?.revokedAt).toBe(clock.toISOString());
  });

  it("refuses unknown roles and empty names; rejects keys whose role was removed", async () => {
    const store = new ApiKeyStore(db, { now });
    await expect(store.create({ name: "x", role: "ceo" })).rejects.toThrow(UnknownRoleError);
    await expect(store.create({ name: "  ", role: "admin" })).rejects.toThrow(/name/);
    const custom = parseRolesConfig({ roles: { ops: ["cs:read"] } });
    const { key } = await new ApiKeyStore(db, { roles: custom }).create({ name: "ops", role: "ops" });
    expect(await store.verify(key)).toEqual({
      ok: false,
      reason: expect.stringMatching(/no longer configured/),
    });
  });
});
