import type { SqlDb } from "@revops/store";
import {
  connectInProcess,
  modelVisibleTokens,
  type RunningFake,
  type SandboxServer,
  startZendeskFake,
  tempDataDir,
  withSandboxServer,
  type ZendeskState,
} from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createCustomerSuccessServer } from "../src/server";

/** kb_search and kb_gaps on the sandbox, against figures recomputed here with SQL on sb_kb_articles / sb_tickets. */
let db: SqlDb;
let s: SandboxServer["s"];
let today: string;
withSandboxServer(
  "cs-knowledge",
  () => [createCustomerSuccessServer()],
  (h) => {
    ({ db, s, today } = h);
  },
);

const minus = (day: string, n: number) =>
  new Date(Date.parse(day) - n * 86_400_000).toISOString().slice(0, 10);

describe("kb_search on the sandbox", () => {
  it("finds the articles holding every word, title matches first, and says how many matched", async () => {
    const r = await s.call("kb_search", { query: "SSO", limit: 1 });
    expect(r.isError, r.text).toBe(false);
    const sql = await db.query<{ id: string; title: string }>(
      `SELECT id, title FROM sb_kb_articles
       WHERE lower(title || ' ' || body || ' ' || labels) LIKE '%sso%' ORDER BY id`,
    );
    expect(r.data.total).toBe(sql.length);
    expect(r.data.articles).toHaveLength(1);
    expect(sql.map((a) => a.id)).toContain(r.data.articles[0].id);
    expect(r.data.articles[0].title).toMatch(/SSO/);
    expect(r.data.note).toMatch(/Showing 1 of/);
    expect(r.text).toContain("<<<untrusted article title");
    const none = await s.call("kb_search", { query: "quantum teleport" });
    expect(none.data).toMatchObject({ total: 0, articles: [] });
    expect(none.data.note).toMatch(/No article has every word/);
  });

  it("names the field on bad input and keeps within the token budget", async () => {
    const bad = await s.call("kb_search", { query: "" });
    expect(bad.isError).toBe(true);
    expect(bad.text).toContain("query");
    const tools = await s.client.listTools();
    for (const name of ["kb_search", "kb_gaps"])
      expect(modelVisibleTokens(tools.tools.find((t) => t.name === name) as never)).toBeLessThanOrEqual(100);
  });
});

describe("kb_gaps on the sandbox", () => {
  for (const period of [{}, { from: "2026-01-01", to: "2026-06-30", min_tickets: 40 }]) {
    it(`recomputes every topic's tickets, accounts and ARR with SQL (${JSON.stringify(period)})`, async () => {
      const to = (period as { to?: string }).to ?? today;
      const from = (period as { from?: string }).from ?? minus(to, 90);
      const min = (period as { min_tickets?: number }).min_tickets ?? 10;
      const r = await s.call("kb_gaps", period);
      expect(r.isError, r.text).toBe(false);
      const tags = await db.query<{ tag: string }>(
        "SELECT DISTINCT tags AS tag FROM sb_tickets WHERE created_at >= ? AND substr(created_at, 1, 10) <= ?",
        [from, to],
      );
      const topics = [...new Set(tags.flatMap((t) => t.tag.split(",")))].filter(
        (t) => t && t !== "escalation",
      );
      const expected: { topic: string; tickets: number; accounts: number; arr: number }[] = [];
      const covered: string[] = [];
      for (const topic of topics) {
        const like = `%,${topic},%`;
        const row = await db.one<{ tickets: number; accounts: number }>(
          `SELECT COUNT(*) AS tickets, COUNT(DISTINCT account_id) AS accounts FROM sb_tickets
           WHERE created_at >= ? AND substr(created_at, 1, 10) <= ? AND ',' || tags || ',' LIKE ?`,
          [from, to, like],
        );
        if (Number(row?.tickets) < min) continue;
        const articles = await db.one<{ n: number }>(
          `SELECT COUNT(*) AS n FROM sb_kb_articles
           WHERE ',' || labels || ',' LIKE ? OR ' ' || lower(replace(title, '-', ' ')) || ' ' LIKE ?`,
          [like, `% ${topic.replace(/-/g, " ")} %`],
        );
        if (Number(articles?.n) > 0) {
          covered.push(topic);
          continue;
        }
        const arr = await db.one<{ arr: number }>(
          `SELECT COALESCE(SUM(arr), 0) AS arr FROM sb_accounts WHERE lifecycle = 'customer' AND id IN (
             SELECT account_id FROM sb_tickets
             WHERE created_at >= ? AND substr(created_at, 1, 10) <= ? AND ',' || tags || ',' LIKE ?)`,
          [from, to, like],
        );
        expected.push({
          topic,
          tickets: Number(row?.tickets),
          accounts: Number(row?.accounts),
          arr: Number(arr?.arr),
        });
      }
      expected.sort((a, b) => b.tickets - a.tickets || a.topic.localeCompare(b.topic));
      expect(r.data.gaps.map(({ examples: _e, ...g }: { examples: string[] }) => g)).toEqual(expected);
      expect(r.data.covered.map((c: { topic: string }) => c.topic).sort()).toEqual(covered.sort());
      // the planted gaps: the help desk has no article on performance or data sync
      expect(expected.map((g) => g.topic)).toEqual(expect.arrayContaining(["performance", "data-sync"]));
      for (const g of r.data.gaps) expect(g.examples.length).toBeGreaterThan(0);
      expect(r.text).toContain("<<<untrusted ticket subject");
      expect(r.data.meta.inputs.articles).toBe(16);
    });
  }

  it("refuses a reversed period, naming the field", async () => {
    const r = await s.call("kb_gaps", { from: "2026-06-01", to: "2026-01-01" });
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/from 2026-06-01 is after to/);
  });
});

describe("kb_search and kb_gaps on Zendesk (node-zendesk against the fake)", () => {
  let fake: RunningFake<ZendeskState>;
  let z: Awaited<ReturnType<typeof connectInProcess>>;
  beforeAll(async () => {
    const recent = new Date(Date.now() - 3 * 86_400_000).toISOString();
    fake = await startZendeskFake({
      organizations: [{ name: "Acme Corp" }],
      tickets: [
        ...Array.from({ length: 3 }, (_, i) => ({
          subject: `Export stuck ${i}`,
          tags: ["export"],
          organization_id: 1,
          created_at: recent,
          updated_at: recent,
        })),
        { subject: "Login loop", tags: ["sso"], organization_id: 1, created_at: recent, updated_at: recent },
      ],
      articles: [
        {
          title: "Setting up SSO",
          body: "<p>Configure <b>SAML</b></p>",
          label_names: ["sso"],
          html_url: "https://h/1",
        },
        { title: "Draft", body: "SSO notes", draft: true },
      ],
    });
    vi.stubEnv("CS_SUPPORT", "zendesk");
    vi.stubEnv("ZENDESK_EMAIL", "agent@acme.test");
    vi.stubEnv("ZENDESK_API_TOKEN", "zd-test");
    vi.stubEnv("REVOPS_TEST_VENDOR_BASE_URL", fake.url);
    vi.stubEnv("REVOPS_ALLOW_INSECURE_TEST_VENDOR", "true");
    z = await connectInProcess([createCustomerSuccessServer()], {
      env: { REVOPS_DATA_DIR: tempDataDir("cs-knowledge-zd"), SANDBOX_SCALE: "0.05" },
    });
  }, 60_000);
  afterAll(async () => {
    // the ports are built on the first call, from the environment: kept until the last one
    vi.unstubAllEnvs();
    await z?.close();
    await fake?.close();
  });

  it("searches published articles with plain-text snippets", async () => {
    const r = await z.call("kb_search", { query: "sso" });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.articles).toEqual([
      expect.objectContaining({
        title: "Setting up SSO",
        labels: ["sso"],
        snippet: "Configure SAML",
        url: "https://h/1",
      }),
    ]);
    expect(r.data.source).toMatch(/zendesk/i);
  });

  it("finds the tagged topic without an article", async () => {
    const today = new Date().toISOString().slice(0, 10);
    const r = await z.call("kb_gaps", { from: minus(today, 30), to: today, min_tickets: 1 });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.gaps).toEqual([
      expect.objectContaining({ topic: "export", tickets: 3, accounts: 1, examples: expect.any(Array) }),
    ]);
    expect(r.data.covered).toEqual([{ topic: "sso", tickets: 1, articles: 1 }]);
  });
});
