import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSql, type SqlDb } from "@revops/store";
import { afterAll, describe, expect, it } from "vitest";
import { scopesToDecide } from "./console";
import { hashPassword, passwordProblem, STRONG_SCRYPT, verifyPassword } from "./passwords";
import { ConsoleUsers, normalizeEmail, sameToken } from "./users";

const fast = { logN: 10, r: 8, p: 1 };

describe("passwords", () => {
  it("hashes with strong scrypt by default and keeps the parameters with the hash", async () => {
    const stored = await hashPassword("a long enough password");
    expect(stored).toMatch(new RegExp(`^scrypt\\$${STRONG_SCRYPT.logN}\\$8\\$1\\$`));
    expect(await verifyPassword("a long enough password", stored)).toBe(true);
    expect(await verifyPassword("a long enough passworD", stored)).toBe(false);
    expect(await verifyPassword("x", "md5$abc")).toBe(false);
    expect(passwordProblem("short")).toMatch(/at least 12/);
    expect(passwordProblem("x".repeat(2000))).toMatch(/at most/);
  });
});

describe("who may decide a plan", () => {
  it("needs the plan's verb in the tool's area, or in every area when the area is unknown", () => {
    expect(scopesToDecide({ tool: "sales_deal_delete", kind: "destructive" })).toEqual(["sales:write"]);
    expect(scopesToDecide({ tool: "marketing_email_send", kind: "outbound" })).toEqual(["marketing:send"]);
    expect(scopesToDecide({ tool: "caps_update", kind: "spend" })).toEqual([
      "cs:spend",
      "marketing:spend",
      "sales:spend",
    ]);
    expect(scopesToDecide({ tool: "caps_update", kind: "spend" }, ["marketing:spend"])).toEqual([
      "marketing:spend",
    ]);
  });
});

const PG_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const opened: SqlDb[] = [];
const schemas: string[] = [];
afterAll(async () => {
  for (const db of opened) await db.close();
  if (schemas.length === 0) return;
  const admin = await openSql({ databaseUrl: PG_URL, dataDir: "unused" });
  for (const s of schemas) await admin.exec(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  await admin.close();
});

/** The same store as the servers: embedded SQLite, or PostgreSQL in a schema of its own. */
async function openDb(engine: "sqlite" | "postgres"): Promise<SqlDb> {
  if (engine === "sqlite") {
    const db = await openSql({ dataDir: mkdtempSync(join(tmpdir(), "console-users-")) });
    opened.push(db);
    return db;
  }
  const schema = `console_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = await openSql({ databaseUrl: PG_URL, dataDir: "unused" });
  await admin.exec(`CREATE SCHEMA ${schema}`).finally(() => admin.close());
  schemas.push(schema);
  const url = new URL(PG_URL);
  url.searchParams.set("options", `-c search_path=${schema}`);
  const db = await openSql({ databaseUrl: url.toString(), dataDir: "unused" });
  opened.push(db);
  return db;
}

describe.each(["sqlite", "postgres"] as const)("console users on %s", (engine) => {
  const open = async (now: () => Date = () => new Date()) =>
    new ConsoleUsers(await openDb(engine), { scrypt: fast, now, sessionHours: 1, idleMinutes: 10 });

  it("validates emails and roles", async () => {
    const users = await open();
    expect(() => normalizeEmail("not an email")).toThrow(/not an email/);
    await expect(users.add({ email: "a@example.com", role: "emperor" })).rejects.toThrow(/Unknown role/);
    await expect(users.add({ email: "a@example.com", role: "admin", password: "short" })).rejects.toThrow(
      /Password refused/,
    );
    const u = await users.add({ email: " A@Example.com ", role: "auditor" });
    expect(u).toMatchObject({ email: "a@example.com", role: "auditor", hasPassword: false });
    expect((await users.add({ email: "a@example.com", role: "admin" })).role).toBe("admin");
    expect(await users.list()).toHaveLength(1);
    await expect(users.createSignInLink("nobody@example.com")).rejects.toThrow(/No active console user/);
  });

  it("ends sessions when they expire, idle out, or the user is disabled", async () => {
    let t = Date.parse("2026-01-01T00:00:00Z");
    const users = await open(() => new Date(t));
    await users.add({ email: "b@example.com", role: "admin", password: "a long enough password" });
    expect(await users.checkPassword("b@example.com", "wrong password!")).toBeUndefined();
    expect(await users.checkPassword("ghost@example.com", "whatever")).toBeUndefined();
    const s = await users.startSession("b@example.com");
    expect((await users.session(s.id))?.scopes).toEqual(["*"]);
    t += 5 * 60_000;
    expect(await users.session(s.id)).toBeDefined();
    t += 11 * 60_000;
    expect(await users.session(s.id)).toBeUndefined();
    const s2 = await users.startSession("b@example.com");
    t += 61 * 60_000;
    expect(await users.session(s2.id)).toBeUndefined();
    const s3 = await users.startSession("b@example.com");
    expect(await users.disable("b@example.com")).toBe(true);
    expect(await users.disable("b@example.com")).toBe(false);
    expect(await users.session(s3.id)).toBeUndefined();
    expect(await users.checkPassword("b@example.com", "a long enough password")).toBeUndefined();
  });

  it("redeems a sign-in link once", async () => {
    const users = await open();
    await users.add({ email: "c@example.com", role: "auditor" });
    const { token } = await users.createSignInLink("c@example.com");
    await expect(users.redeemLink(token, "short")).rejects.toThrow(/at least 12/);
    expect((await users.redeemLink(token, "a long enough password")).email).toBe("c@example.com");
    await expect(users.redeemLink(token, "a long enough password")).rejects.toThrow(
      /used, expired or unknown/,
    );
    expect(await users.checkPassword("c@example.com", "a long enough password")).toBeDefined();
  });

  it("adds people from the organisation's login without a password; their sessions carry the mapped role", async () => {
    const users = await open();
    const u = await users.fromProvider("Pat@Acme.test", "auditor");
    expect(u).toMatchObject({ email: "pat@acme.test", role: "auditor", hasPassword: false });
    // a provider-only user's role follows the provider; twice at once is one row
    await Promise.all([
      users.fromProvider("pat@acme.test", "admin"),
      users.fromProvider("pat@acme.test", "admin"),
    ]);
    expect((await users.get("pat@acme.test"))?.role).toBe("admin");
    // a local user keeps their own role; only the session has the mapped one
    await users.add({ email: "lee@acme.test", role: "auditor", password: "a long enough password" });
    expect((await users.fromProvider("lee@acme.test", "admin"))?.role).toBe("auditor");
    const s = await users.startSession("lee@acme.test", "admin");
    expect(await users.session(s.id)).toMatchObject({ user: { role: "admin" }, scopes: ["*"] });
    const local = await users.startSession("lee@acme.test");
    expect((await users.session(local.id))?.user.role).toBe("auditor");
    await users.disable("pat@acme.test");
    expect(await users.fromProvider("pat@acme.test", "admin")).toBeUndefined();
  });
});

describe("tokens", () => {
  it("compares tokens in constant time and refuses empty ones", () => {
    expect(sameToken("abc", "abc")).toBe(true);
    expect(sameToken("abc", "abd")).toBe(false);
    expect(sameToken("abc", "abcd")).toBe(false);
    expect(sameToken(undefined, "abc")).toBe(false);
  });
});
