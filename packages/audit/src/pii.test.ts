import { rmSync } from "node:fs";
import { join } from "node:path";
import type { SqlDb } from "@revops/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, type Engine, tempDir } from "../test/env";
import { type AuditInput, type AuditLog, canonicalJson, openAuditLog, sha256Hex } from "./index";
import { findEmails, STORED_VALUE_MAX, splitPersonal } from "./pii";
import { prepareRecord, ROW_COLUMNS, rowValues, sealRecord } from "./record";

const NOTE = "Called Jane about the renewal; she wants a 10% discount before Friday.";

const emailCall = (extra: Partial<AuditInput> = {}): AuditInput => ({
  principal: "alice",
  server: "marketing",
  tool: "email_send",
  outcome: "ok",
  args: {
    to: "Jane.Doe@Example.com",
    recipients: [{ email: "bob@example.org", first_name: "Bob" }],
    name: "Jane Doe",
    note: NOTE,
    template: "renewal",
    count: 3,
  },
  ...extra,
});

const rawBodies = async (db: SqlDb) =>
  (await db.query<{ body: string }>("SELECT body FROM audit_log ORDER BY seq")).map((r) => r.body).join("\n");

describe.each(ENGINES)("personal data on %s", (_name, makeEngine) => {
  let engine: Engine;
  const dirs: string[] = [];
  const logs: AuditLog[] = [];

  beforeAll(() => {
    engine = makeEngine();
  });
  afterAll(async () => {
    for (const log of logs) await log.close();
    await engine.teardown();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const open = async () => {
    const { db } = await engine.fresh();
    const dir = tempDir();
    dirs.push(dir);
    const log = await openAuditLog({ db, checkpointDir: join(dir, "cp"), keyDir: join(dir, "keys") });
    logs.push(log);
    return { log, db };
  };

  it("keeps emails, names and notes out of the chain, returns them on query, erases them for one person", async () => {
    const { log, db } = await open();
    const written = await log.append(emailCall());
    await log.append(emailCall({ args: { to: "someone.else@example.net", note: "other" } }));
    await log.append({
      principal: "alice",
      server: "sales",
      tool: "deals_list",
      outcome: "ok",
      args: { n: 1 },
    });

    const bodies = await rawBodies(db);
    expect(bodies).not.toMatch(/jane|bob|example|renewal;|discount|someone/i);
    expect(bodies).toContain('"template":"renewal"');
    expect(bodies).toContain('"$pii":');
    // what append returns is the chained record: markers, not values
    expect(JSON.stringify(written.args)).not.toContain("Jane");

    const before = await log.query();
    expect(before.records[2]?.args).toEqual(emailCall().args);
    expect(before.records[1]?.args).toEqual({ to: "someone.else@example.net", note: "other" });
    expect(before.records[0]?.args).toEqual({ n: 1 });
    expect((await log.verify()).ok).toBe(true);

    // case-insensitive; bob shares the record, so his values in it go too
    expect(await log.erase(" JANE.doe@example.com ")).toEqual({
      subject: "jane.doe@example.com",
      records: 1,
      values: 5,
    });
    const after = await log.query();
    expect(after.records[2]?.args).toEqual({
      to: "[erased]",
      recipients: [{ email: "[erased]", first_name: "[erased]" }],
      name: "[erased]",
      note: "[erased]",
      template: "renewal",
      count: 3,
    });
    expect(after.records[1]?.args).toEqual({ to: "someone.else@example.net", note: "other" });
    const exported = [];
    for await (const r of log.export()) exported.push(r);
    expect(exported[0]?.args).toEqual(after.records[2]?.args);
    expect(exported[1]?.args).toEqual(after.records[1]?.args);

    const report = await log.verify();
    expect(report).toMatchObject({ ok: true, records: 3 });
    expect(await log.erase("jane.doe@example.com")).toMatchObject({ records: 0, values: 0 });
    const left = await db.query<{ n: number | string }>("SELECT COUNT(*) AS n FROM audit_pii");
    expect(Number(left[0]?.n)).toBe(2);
  });

  it("treats emails anywhere, long text and personal before/after values as personal; flags altered side values", async () => {
    const { log, db } = await open();
    const long = "x".repeat(500);
    await log.appendBatch([
      {
        ...emailCall(),
        args: { query: "owner is carol@example.com", blurb: long, id: 7 },
        before: { phone: 5551234, stage: "open" },
        after: { stage: "won" },
      },
    ]);
    const bodies = await rawBodies(db);
    expect(bodies).not.toMatch(/carol|xxxxx|5551234/);
    const [record] = (await log.query()).records;
    expect(record?.args).toEqual({ query: "owner is carol@example.com", blurb: long, id: 7 });
    expect(record?.before).toEqual({ phone: "5551234", stage: "open" });
    await db.run("UPDATE audit_pii SET value = 'mallory' WHERE path = ?", ['["args","query"]']);
    expect(((await log.query()).records[0]?.args as { query: string } | undefined)?.query).toMatch(
      /does not match/,
    );
    expect(await log.erase("carol@example.com")).toMatchObject({ records: 1, values: 3 });
    expect((await log.verify()).ok).toBe(true);
  });

  it("caps a 100 KB argument at the limit plus a hash of the whole, and stores no side values for it", async () => {
    const { log, db } = await open();
    const args = {
      blob: "a".repeat(100_000),
      to: "dave@example.com",
      items: Array.from({ length: 2000 }, (_, i) => i),
    };
    await log.append({ ...emailCall(), args });
    const row = await db.one<{ body: string }>("SELECT body FROM audit_log");
    expect(row?.body.length).toBeLessThan(STORED_VALUE_MAX + 1000);
    expect(row?.body).not.toContain("dave");
    const [record] = (await log.query()).records;
    expect(record?.argsHash).toBe(sha256Hex(canonicalJson(args)));
    expect(record?.args).toMatchObject({ chars: expect.any(Number) });
    expect((record?.args as { $capped: string } | undefined)?.$capped).toHaveLength(STORED_VALUE_MAX);
    const side = await db.query<{ n: number | string }>("SELECT COUNT(*) AS n FROM audit_pii");
    expect(Number(side[0]?.n)).toBe(0);
    expect((await log.verify()).ok).toBe(true);
  });

  it("still verifies records written before personal values were split off", async () => {
    const { log, db } = await open();
    // a record as the previous version wrote it: plain values in the chained body
    const old = sealRecord(
      prepareRecord(emailCall(), { args: emailCall().args }, new Date("2025-01-01T00:00:00Z")),
      1,
      "0".repeat(64),
    );
    await db.run(
      `INSERT INTO audit_log (${ROW_COLUMNS.join(", ")}) VALUES (${ROW_COLUMNS.map(() => "?").join(", ")})`,
      rowValues(old),
    );
    await log.append(emailCall());
    const page = await log.query();
    expect(page.records[1]?.args).toEqual(emailCall().args);
    expect(page.records[0]?.args).toEqual(emailCall().args);
    expect(await log.verify()).toMatchObject({ ok: true, records: 2 });
    await log.erase("jane.doe@example.com");
    expect(await log.verify()).toMatchObject({ ok: true, records: 2 });
  });
});

describe("splitPersonal", () => {
  it("finds emails in linear time, even in long text without them", () => {
    expect(findEmails("mail A.b@x.co, c@d.example.org. and @nope, e@f")).toEqual([
      "A.b@x.co",
      "c@d.example.org",
    ]);
    const started = performance.now();
    findEmails(`${"a".repeat(200_000)}@${"b".repeat(200_000)}`);
    findEmails("a@".repeat(100_000));
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("escapes caller objects that look like markers", () => {
    const split = splitPersonal("args", { x: { $pii: "forged" } }, { left: 10_000 });
    expect(split.value).toEqual({ x: { $pii: { $pii: expect.stringMatching(/^[0-9a-f]{64}$/) } } });
    expect(split.rows).toHaveLength(1);
  });

  it("keeps date and number range bounds under from/to in the chain", () => {
    const split = splitPersonal(
      "args",
      { from: "2025-01-01", to: "2025-02-01T00:00:00Z", range: { to: 10 } },
      { left: 100 },
    );
    expect(split.value).toEqual({ from: "2025-01-01", to: "2025-02-01T00:00:00Z", range: { to: 10 } });
    expect(split.rows).toEqual([]);
  });

  it("bounds the side table per record", () => {
    const budget = { left: 3000 };
    const split = splitPersonal(
      "args",
      { notes: Array.from({ length: 10 }, () => "n".repeat(2000)) },
      budget,
    );
    expect(split.rows.filter((r) => r.value !== null)).toHaveLength(2);
    expect(split.rows.every((r) => r.value === null || r.value.length === 1024)).toBe(true);
  });
});
