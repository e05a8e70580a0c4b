import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSql, type SqlDb } from "@revops/store";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type CostLedger,
  createResilientCaller,
  createVendorPolicy,
  openCostLedger,
  VendorError,
} from "../src/index";
import { FAST, PG_URL, pgUrlWithSchema, runId } from "./env";
import { type FaultServer, getJson, startFaultServer } from "./fault-server";

const schema = `resilience_${runId()}`;
const dir = mkdtempSync(join(tmpdir(), "resilience-ledger-"));
let server: FaultServer;
let admin: SqlDb;

beforeAll(async () => {
  server = await startFaultServer();
  admin = await openSql({ databaseUrl: PG_URL, dataDir: "unused" });
  await admin.exec(`CREATE SCHEMA ${schema}`);
});

afterAll(async () => {
  await server.close();
  await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.close();
  rmSync(dir, { recursive: true, force: true });
});

const prices = { apollo: { "people.enrich": 0.03, "*": 0.01 }, hubspot: { "*": 0 } };
const today = new Date().toISOString().slice(0, 10);

describe.each([
  ["sqlite", () => openSql({ dataDir: dir, fileName: `ledger-${runId()}.db` })],
  ["postgres", () => openSql({ databaseUrl: pgUrlWithSchema(schema), dataDir: "unused" })],
])("cost ledger on %s", (_dialect, open) => {
  let db: SqlDb;
  let ledger: CostLedger;

  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    ledger = await openCostLedger({ db, prices, batchSize: 25, flushMs: 20 });
    await db.run("DELETE FROM vendor_calls");
    server.plan({ ok: { id: 1 } });
  });
  afterEach(async () => {
    await ledger.close();
  });

  it("records every call exactly, with attempts, units, outcome and cost", async () => {
    // generous timeouts: 120 concurrent calls on two shared cores must not time out here
    const policy = createVendorPolicy("apollo", {
      ...FAST,
      attemptTimeoutMs: 5000,
      deadlineMs: 10_000,
      concurrency: 20,
      queue: 200,
    });
    const caller = createResilientCaller({
      vendor: "apollo",
      policy,
      ledger,
      principal: "ana",
      tool: "enrich",
    });
    const ok = await Promise.all(
      Array.from({ length: 120 }, () => caller.call("people.enrich", getJson(server.url))),
    );
    expect(ok.every((r) => r.costUsd === 0.03 && r.attempts === 1)).toBe(true);
    server.plan({ status: 500 }, { ok: 1 });
    await caller.call("people.search", getJson(server.url), { tool: "search", principal: "bo" });
    server.plan({ status: 404 });
    await expect(caller.call("people.search", getJson(server.url))).rejects.toMatchObject({
      kind: "not_found",
    });

    const byVendor = await ledger.usage({ groupBy: ["vendor"] });
    expect(byVendor).toEqual([{ vendor: "apollo", calls: 122, attempts: 123, units: 122, costUsd: 3.61 }]);
    const byOutcome = await ledger.usage({
      groupBy: ["tool", "principal", "outcome"],
      from: today,
      to: today,
    });
    expect(byOutcome).toEqual([
      { tool: "enrich", principal: "ana", outcome: "not_found", calls: 1, attempts: 1, units: 1, costUsd: 0 },
      {
        tool: "enrich",
        principal: "ana",
        outcome: "ok",
        calls: 120,
        attempts: 120,
        units: 120,
        costUsd: 3.6,
      },
      { tool: "search", principal: "bo", outcome: "ok", calls: 1, attempts: 2, units: 1, costUsd: 0.01 },
    ]);
    expect(await ledger.usage({ groupBy: ["day"], principal: "bo" })).toEqual([
      { day: today, calls: 1, attempts: 2, units: 1, costUsd: 0.01 },
    ]);
    expect(await ledger.costPerLead({ vendor: "apollo", leads: 19 })).toEqual({
      costUsd: 3.61,
      leads: 19,
      costPerLeadUsd: 0.19,
    });
  });

  it("warns above the soft budget and refuses above the hard one before any HTTP request", async () => {
    await ledger.close();
    ledger = await openCostLedger({
      db,
      prices,
      budgets: [{ vendor: "apollo", period: "day", softUsd: 0.05, hardUsd: 0.09 }],
    });
    const policy = createVendorPolicy("apollo", FAST);
    const caller = createResilientCaller({
      vendor: "apollo",
      policy,
      ledger,
      principal: "ana",
      tool: "enrich",
    });
    const first = await caller.call("people.enrich", getJson(server.url));
    expect(first.warnings).toEqual([]);
    const second = await caller.call("people.enrich", getJson(server.url));
    expect(second.warnings).toEqual(["Apollo spend today is $0.06, above the $0.05 soft budget."]);
    await caller.call("people.enrich", getJson(server.url));
    expect(server.hits).toBe(3);

    const err = (await caller
      .call("people.enrich", getJson(server.url))
      .catch((e: unknown) => e)) as VendorError;
    expect(err).toBeInstanceOf(VendorError);
    expect(err).toMatchObject({ kind: "budget_exceeded", retryable: false, attempts: 0 });
    expect(err.message).toMatch(/\$0\.09 of the \$0\.09 hard budget/);
    expect(server.hits).toBe(3);
    const rows = await ledger.usage({ groupBy: ["outcome"] });
    expect(rows.map((r) => [r.outcome, r.calls, r.attempts])).toEqual([
      ["budget_exceeded", 1, 0],
      ["ok", 3, 3],
    ]);
    // other vendors are outside this budget
    const hubspot = createResilientCaller({
      vendor: "hubspot",
      policy: createVendorPolicy("hubspot"),
      ledger,
    });
    expect((await hubspot.call("contacts.get", getJson(server.url))).warnings).toEqual([]);
  });

  it("migrates once and flushes buffered rows on close", async () => {
    await openCostLedger({ db });
    await ledger.record({
      vendor: "hubspot",
      connection: "c",
      operation: "x",
      units: 2,
      attempts: 1,
      outcome: "ok",
      durationMs: 3,
    });
    await ledger.close();
    const row = await db.one<{ n: number }>("SELECT COUNT(*) AS n FROM vendor_calls");
    expect(Number(row?.n)).toBe(1);
    await expect(ledger.usage({ groupBy: ["id" as "vendor"] })).rejects.toThrow(RangeError);
    await expect(ledger.costPerLead({ leads: 0 })).rejects.toThrow(/leads/);
  });
});
