import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureSandboxLoaded } from "@revops/sandbox";
import { openSql, type SqlDb } from "@revops/store";
import { connectInProcess } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { levenshtein, nameScore, rankByName } from "../src/domain/fuzzy";
import { createSalesServer } from "../src/server";

let dir: string;
let db: SqlDb;
let s: Awaited<ReturnType<typeof connectInProcess>>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "accounts-search-"));
  db = await openSql({ dataDir: dir, fileName: "sandbox.db" });
  await ensureSandboxLoaded(db);
  s = await connectInProcess([createSalesServer()]);
}, 60_000);
afterAll(async () => {
  await s?.close();
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The name with one letter of its first long word dropped (a typo). */
function typo(name: string): string {
  const words = name.split(" ");
  const i = words.findIndex((w) => w.length >= 6);
  const w = words[i] as string;
  words[i] = w.slice(0, 4) + w.slice(5);
  return words.join(" ");
}

describe("name matching", () => {
  it("scores exact, prefix, word and typo matches in that order", () => {
    expect(levenshtein("northwnd", "northwind")).toBe(1);
    const exact = nameScore("Northwind", "Northwind");
    const prefix = nameScore("North", "Northwind Traders");
    const word = nameScore("trad", "Northwind Traders");
    const fuzzy = nameScore("Northwnd", "Northwind");
    expect(exact).toBe(1);
    expect(prefix).toBeLessThan(exact);
    expect(word).toBeLessThan(prefix);
    expect(fuzzy).toBeLessThan(word);
    expect(fuzzy).toBeGreaterThan(0.7);
    expect(nameScore("Northwnd", "Globex")).toBeLessThan(0.5);
    expect(
      rankByName("Northwnd", [
        { id: "b", name: "Globex" },
        { id: "a", name: "Northwind" },
      ]).map((r) => r.id),
    ).toEqual(["a"]);
  });
});

describe("accounts_search on the sandbox", () => {
  it("finds each account by its name with a typo, first (checked against the rows)", async () => {
    const accounts = await db.query<{ id: string; name: string }>(
      "SELECT id, name FROM sb_accounts WHERE length(name) >= 8 ORDER BY id LIMIT 40",
    );
    let first = 0;
    for (const a of accounts.filter((x) => x.name.split(" ").some((w) => w.length >= 6))) {
      const q = typo(a.name);
      const r = await s.call("accounts_search", { name: q });
      expect(r.isError, r.text).toBe(false);
      const ids = r.data.accounts.map((x: { id: string }) => x.id);
      expect(ids.slice(0, 3), `${q} → ${a.name}`).toContain(a.id);
      if (ids[0] === a.id) first++;
    }
    expect(first).toBeGreaterThanOrEqual(25);
  });

  it("ranks an exact name first with match 1 and returns compact rows as stored", async () => {
    const a = await db.one<Record<string, unknown>>(
      `SELECT a.id, a.name, a.domain, a.industry, u.name AS owner, a.arr, a.lifecycle
       FROM sb_accounts a JOIN sb_users u ON u.id = a.owner_id ORDER BY a.id LIMIT 1 OFFSET 7`,
    );
    const r = await s.call("accounts_search", { name: String(a?.name).toUpperCase() });
    expect(r.data.accounts[0]).toEqual({ ...a, arr: Number(a?.arr), match: 1 });
  });

  it("filters by domain, owner and industry exactly like SQL", async () => {
    const a = await db.one<{ id: string; domain: string; owner_id: string; industry: string }>(
      "SELECT id, domain, owner_id, industry FROM sb_accounts ORDER BY id LIMIT 1 OFFSET 42",
    );
    if (!a) throw new Error("no account");
    const byDomain = await s.call("accounts_search", { domain: `https://www.${a.domain}/pricing` });
    expect(byDomain.data.accounts.map((x: { id: string }) => x.id)).toEqual([a.id]);
    const want = await db.query<{ id: string }>(
      "SELECT id FROM sb_accounts WHERE owner_id = ? AND industry = ? ORDER BY name, id",
      [a.owner_id, a.industry],
    );
    const r = await s.call("accounts_search", {
      owner: a.owner_id,
      industry: a.industry.toLowerCase(),
      limit: 50,
    });
    expect(r.data.total).toBe(want.length);
    expect(r.data.accounts.map((x: { id: string }) => x.id).sort()).toEqual(want.map((w) => w.id).sort());
  });

  it("asks for a filter, and says when nothing matches", async () => {
    const none = await s.call("accounts_search", {});
    expect(none.isError).toBe(true);
    expect(none.text).toMatch(/at least one of name/);
    const miss = await s.call("accounts_search", { name: "Zzqxv" });
    expect(miss.data.total).toBe(0);
    expect(miss.data.note).toMatch(/No accounts match/);
  });
});
