import { describe, expect, it } from "vitest";
import { maskUrl } from "./errors";
import { openKv, openSql } from "./index";

const SECRET = "s3cr3t-pa55";

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a rejection");
}

describe("connection errors", () => {
  it("PostgreSQL refused: names host, port, setting and fix, hides the password", async () => {
    const err = await failure(
      openSql({ databaseUrl: `postgres://postgres:${SECRET}@127.0.0.1:1/test`, dataDir: "unused" }),
    );
    expect(err.message).toBe(
      "Cannot connect to PostgreSQL at 127.0.0.1:1 (DATABASE_URL): ECONNREFUSED — is the server running?",
    );
    expect((err as Error & { code?: string }).code).toBe("ECONNREFUSED");
    expect(JSON.stringify(err) + String(err.stack)).not.toContain(SECRET);
  });

  it("PostgreSQL unknown database: says which and what to do", async () => {
    const err = await failure(
      openSql({
        databaseUrl: `postgres://postgres:${SECRET}@127.0.0.1:5432/no_such_db_xyz`,
        dataDir: "unused",
      }),
    );
    expect(err.message).toMatch(
      /^Cannot connect to PostgreSQL at 127\.0\.0\.1:5432 \(DATABASE_URL\): 3D000 database "no_such_db_xyz" does not exist — create the database/,
    );
    expect(err.message).not.toContain(SECRET);
  });

  it("PostgreSQL: malformed URLs are rejected without echoing them", async () => {
    const bad = await failure(openSql({ databaseUrl: `postgres://u:${SECRET}@[bad`, dataDir: "unused" }));
    expect(bad.message).toMatch(/^Invalid DATABASE_URL: not a URL/);
    expect(bad.message).not.toContain(SECRET);
    const scheme = await failure(openSql({ databaseUrl: `mysql://u:${SECRET}@h/db`, dataDir: "unused" }));
    expect(scheme.message).toMatch(/^Invalid DATABASE_URL: scheme must be postgres: or postgresql:/);
    expect(scheme.message).not.toContain(SECRET);
  });

  it("Redis refused: names host, port, setting and fix, hides the password", async () => {
    const err = await failure(openKv({ redisUrl: `redis://:${SECRET}@127.0.0.1:1` }));
    expect(err.message).toBe(
      "Cannot connect to Redis at 127.0.0.1:1 (REDIS_URL): ECONNREFUSED — is the server running?",
    );
    expect(JSON.stringify(err) + String(err.stack)).not.toContain(SECRET);
  });

  it("Redis wrong credentials: says so without the password", async () => {
    const err = await failure(openKv({ redisUrl: `redis://nobody:${SECRET}@127.0.0.1:6379` }));
    expect(err.message).toMatch(
      /^Cannot connect to Redis at 127\.0\.0\.1:6379 \(REDIS_URL\): WRONGPASS .* — check the user name and password in REDIS_URL$/,
    );
    expect(JSON.stringify(err) + String(err.stack)).not.toContain(SECRET);
  });

  it("Redis: malformed URLs are rejected without echoing them", async () => {
    const err = await failure(openKv({ redisUrl: `http://:${SECRET}@127.0.0.1:6379` }));
    expect(err.message).toMatch(/^Invalid REDIS_URL: scheme must be redis: or rediss:/);
  });
});

describe("maskUrl", () => {
  it("masks passwords in parseable and unparseable URLs", () => {
    expect(maskUrl(`postgres://u:${SECRET}@h:5432/db`)).toBe("postgres://u:***@h:5432/db");
    expect(maskUrl("redis://h:6379")).toBe("redis://h:6379");
    expect(maskUrl(`postgres://u:${SECRET}@[bad`)).toBe("postgres://u:***@[bad");
  });
});

describe("connectError", () => {
  it("hints at reachability for timeouts and scrubs the password from driver messages", async () => {
    const { connectError } = await import("./errors");
    const target = { host: "db.internal", port: 5432, password: "p@ss word" };
    const timeout = connectError(
      "PostgreSQL",
      target,
      "DATABASE_URL",
      new Error("timeout exceeded when trying to connect"),
    );
    expect(timeout.message).toBe(
      "Cannot connect to PostgreSQL at db.internal:5432 (DATABASE_URL): timeout exceeded when trying to connect — is the host reachable (firewall, address)?",
    );
    const leaky = connectError("Redis", target, "REDIS_URL", {
      message: "AUTH p@ss word / p%40ss%20word failed",
    });
    expect(leaky.message).toBe(
      "Cannot connect to Redis at db.internal:5432 (REDIS_URL): AUTH *** / *** failed",
    );
  });
});
