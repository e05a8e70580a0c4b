import { openSql, type SqlDb } from "@revops/store";
import { connectInProcess, tempDataDir } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rankContacts } from "../src/domain/contacts";
import { createSalesServer } from "../src/server";

type Row = { id: string; name: string; title: string; email: string; account_id: string; account: string };

describe("contacts_search through the MCP client on the sandbox, checked against the rows", () => {
  let s: Awaited<ReturnType<typeof connectInProcess>>;
  let db: SqlDb;
  const dir = tempDataDir("contacts-search");
  beforeAll(async () => {
    s = await connectInProcess([createSalesServer()], {
      env: { REVOPS_TOOLSETS: "leads", REVOPS_DATA_DIR: dir },
    });
    await s.call("contacts_search", { name: "x" }); // loads the company
    db = await openSql({ dataDir: dir });
  }, 120_000);
  afterAll(async () => {
    await s?.close();
    await db?.close();
  });

  it("finds contacts by a misspelt name within the top three, as stored", async () => {
    const contacts = await db.query<Record<string, string>>(
      `SELECT c.id, c.name, c.title, c.email, c.account_id, a.name AS account
       FROM sb_contacts c JOIN sb_accounts a ON a.id = c.account_id WHERE c.id IN ('con_0010', 'con_0200', 'con_0777')`,
    );
    for (const c of contacts) {
      const [first, last] = String(c.name).split(" ") as [string, string];
      const typo = `${first} ${last.slice(0, 2)}${last.slice(3)}`; // one letter of the last name dropped
      const r = await s.call("contacts_search", { name: typo, account: c.account });
      expect(r.isError, r.text).toBe(false);
      const hit = r.data.contacts.slice(0, 3).find((x: Row) => x.id === c.id);
      expect(hit, `${typo} → ${c.name}`).toEqual({ ...c, match: expect.any(Number) });
    }
  });

  it("filters by exact email, account id and title; every row matches the SQL filter", async () => {
    const c = await db.one<{ email: string; id: string; account_id: string }>(
      "SELECT id, email, account_id FROM sb_contacts ORDER BY id LIMIT 1 OFFSET 42",
    );
    const byEmail = await s.call("contacts_search", { email: c?.email.toUpperCase() });
    expect(byEmail.data.contacts[0]).toMatchObject({ id: c?.id, match: 1 });
    const byAccount = await s.call("contacts_search", { account: c?.account_id, limit: 50 });
    const n = await db.one<{ n: number }>("SELECT COUNT(*) AS n FROM sb_contacts WHERE account_id = ?", [
      c?.account_id,
    ]);
    expect(byAccount.data.total).toBe(Number(n?.n));
    expect(byAccount.data.contacts.every((x: Row) => x.account_id === c?.account_id)).toBe(true);
    const vps = await s.call("contacts_search", { title: "VP of Sales", account: c?.account_id });
    for (const x of vps.data.contacts as Row[]) expect(x.title.toLowerCase()).toContain("vp");
  });

  it("refuses a search with no field, naming the fields", async () => {
    const r = await s.call("contacts_search", {});
    expect(r.isError).toBe(true);
    expect(r.text).toContain("name, email, account or title");
  });

  it("ranks exact matches first and drops poor ones", () => {
    const rows = [
      { id: "2", name: "Ana Lopez", title: "CFO", email: "ana@x.test", accountId: "a", accountName: "Acme" },
      { id: "1", name: "Ana Lopes", title: "CFO", email: "al@x.test", accountId: "a", accountName: "Acme" },
      { id: "3", name: "Bob Stone", title: "CFO", email: "bob@x.test", accountId: "a", accountName: "Acme" },
    ];
    expect(rankContacts({ name: "ana lopez" }, rows).map((r) => r.id)).toEqual(["2", "1"]);
    expect(rankContacts({ email: "al@x.test" }, rows).map((r) => r.id)).toEqual(["1"]);
  });
});
