import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, INVALID_CURSOR, pageLimit } from "./cursor.js";
import { addQuarters, dayOf, isoDay, quarterStart, upperBound } from "./dates.js";
import * as api from "./index.js";
import { allocate, Rng } from "./random.js";

describe("random", () => {
  it("is deterministic per seed and stream", () => {
    const a = new Rng(1, "x");
    const b = new Rng(1, "x");
    const c = new Rng(1, "y");
    const seq = (r: Rng) => Array.from({ length: 5 }, () => r.next());
    const sa = seq(a);
    expect(seq(b)).toEqual(sa);
    expect(seq(c)).not.toEqual(sa);
    expect(sa.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(() => a.pick([])).toThrow(/empty/);
    expect(a.weighted([["only", 1]])).toBe("only");
  });

  it("allocate splits exactly with a minimum", () => {
    expect(allocate(10, [1, 1, 2])).toEqual([3, 2, 5]);
    expect(allocate(5, [0, 0, 0, 0, 0], 1)).toEqual([1, 1, 1, 1, 1]);
    expect(allocate(7, [])).toEqual([]);
    expect(allocate(100, [1, 2, 3, 4], 10).reduce((s, n) => s + n, 0)).toBe(100);
  });
});

describe("dates", () => {
  it("quarters and bounds", () => {
    const d = dayOf("2026-11-23");
    expect(isoDay(quarterStart(d))).toBe("2026-10-01");
    expect(isoDay(addQuarters(d, -7))).toBe("2025-01-01");
    expect(isoDay(addQuarters(d, 2) - 1)).toBe("2027-03-31");
    expect(upperBound("2026-01-31")).toEqual(["<", "2026-02-01"]);
    expect(upperBound("2026-01-31T10:00:00Z")).toEqual(["<=", "2026-01-31T10:00:00Z"]);
    expect(() => dayOf("2026-13-45")).toThrow(/Invalid date/);
  });
});

describe("cursor", () => {
  it("round-trips and validates", () => {
    const c = encodeCursor("deals", ["2026-01-01", "deal_0001"]);
    expect(decodeCursor("deals", c)).toEqual(["2026-01-01", "deal_0001"]);
    expect(() => decodeCursor("tickets", c)).toThrow(INVALID_CURSOR);
    expect(() => decodeCursor("deals", encodeCursor("deals", ["a"]))).toThrow(INVALID_CURSOR);
    // the caller's mistake, with the field to fix: the kit answers it as a user error
    expect(() => decodeCursor("deals", "%%%")).toThrow(
      expect.objectContaining({ kind: "user", fields: ["cursor"] }),
    );
    expect(() => decodeCursor("deals", Buffer.from("null").toString("base64url"))).toThrow(INVALID_CURSOR);
    expect(pageLimit()).toBe(25);
    expect(pageLimit(Number.NaN)).toBe(25);
    expect(pageLimit(12.7)).toBe(12);
  });
});

describe("package entry", () => {
  it("exports the public API", () => {
    expect(api.SANDBOX_DEFAULTS).toEqual({ seed: 42, scale: 1, today: "2026-11-23" });
    expect(api.sandboxMigrations.map((m) => m.id)).toEqual([
      "sandbox-0001-schema",
      "sandbox-0002-writes",
      "sandbox-0003-analytics",
      "sandbox-0004-usage-monthly",
      "sandbox-0005-budget-allocations",
      "sandbox-0006-churn-features",
      "sandbox-0007-change-keys",
      "sandbox-0008-onboarding",
      "sandbox-0009-email-sends",
      "sandbox-0010-tasks",
      "sandbox-0012-meetings-outreach",
      "sandbox-0013-lead-handoffs",
      "sandbox-0014-kb-articles",
      "sandbox-0015-lead-conversions",
      "sandbox-0016-quotas",
      "sandbox-0018-campaign-writes",
      "sandbox-0019-cs-messages",
      "sandbox-0020-cs-segments-health",
      "sandbox-0021-records-write",
      "sandbox-0022-web-traffic",
      "sandbox-0023-content-calendar",
      "sandbox-0024-lead-scoring-models",
      "sandbox-0025-sales-drafts",
      "sandbox-0027-marketing-settings",
      "sandbox-0028-email-drafts",
      "sandbox-0029-survey-answers",
    ]);
    expect(api.budgetMigrations.map((m) => m.id)).toEqual(["sandbox-0005-budget-allocations"]);
    for (const name of ["SandboxCrm", "ensureSandboxLoaded", "sandboxToday"]) {
      expect(typeof (api as Record<string, unknown>)[name]).toBe("function");
    }
  });

  it("sandboxDatabase loads once through the host and logs", async () => {
    const { makeTarget } = await import("../test/db.js");
    const target = await makeTarget("sqlite");
    const db = await target.open();
    const logs: string[] = [];
    const cache = new Map<string, Promise<unknown>>();
    const host: api.SandboxHost = {
      config: { SANDBOX_SEED: 3, SANDBOX_SCALE: 0.1 },
      sql: async () => db,
      shared: <T>(key: string, create: () => Promise<T>) => {
        if (!cache.has(key)) cache.set(key, create());
        return cache.get(key) as Promise<T>;
      },
      log: { info: (_obj, msg) => logs.push(msg) },
    };
    expect(await api.sandboxDatabase(host)).toBe(db);
    expect(await api.sandboxDatabase(host)).toBe(db);
    // one progress line per generated table, one for the index builds, then the summary; nothing on the second call
    const tables = api.TABLE_NAMES.length;
    expect(logs).toEqual([
      ...Array(tables).fill("loading the sandbox company"),
      "loading the sandbox company: building indexes",
      "sandbox company loaded",
    ]);
    expect(await api.sandboxToday(db)).toBe("2026-11-23");
    await db.close();
    await target.cleanup();
  });
});
