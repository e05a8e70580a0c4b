import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import type { KbArticle } from "@revops/model";
import { type RunningFake, startZendeskFake, tempDataDir, type ZendeskState } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SupportPort } from "../src/ports";
import { createCustomerSuccessServer } from "../src/server";

/** What a provider's Help Center holds, as its seed (the sandbox: its table) says. */
interface Provider {
  port: SupportPort;
  /** Published articles. */
  published: number;
  /** An article whose title holds `word`, with its labels; `others` more published articles hold `word` only in the body. */
  known: { id: string; title: string; labels: string[]; word: string; others: number };
  close(): Promise<void>;
}

/** The Help Center reads kb_search and kb_gaps stand on: the same assertions on every provider. */
function describeKnowledgeContract(name: string, setup: () => Promise<Provider>) {
  describe(`SupportPort Help Center contract: ${name}`, () => {
    let p: Provider;
    let all: KbArticle[];
    beforeAll(async () => {
      p = await setup();
      all = await p.port.articles();
    }, 120_000);
    afterAll(async () => p?.close());

    it("lists every published article once, with plain-text snippets and a link", () => {
      expect(all).toHaveLength(p.published);
      expect(new Set(all.map((a) => a.id)).size).toBe(p.published);
      for (const a of all) {
        expect(a.title.length).toBeGreaterThan(0);
        expect(a.snippet).not.toMatch(/<[a-z/]/i);
        expect(a.url).toMatch(/^https:\/\//);
      }
      expect(all.find((a) => a.id === p.known.id)).toMatchObject({
        title: p.known.title,
        labels: p.known.labels,
      });
    });

    it("searches published articles in any case, title matches first, counting every match", async () => {
      const r = await p.port.searchArticles({ query: p.known.word.toUpperCase(), limit: 50 });
      expect(r.rows.map((a) => a.id)).toContain(p.known.id);
      expect(r.rows.length).toBeGreaterThanOrEqual(1 + p.known.others);
      expect(r.total).toBe(r.rows.length);
      const published = new Set(all.map((a) => a.id));
      for (const a of r.rows) expect(published.has(a.id)).toBe(true);
      const inTitle = r.rows.map((a) => a.title.toLowerCase().includes(p.known.word.toLowerCase()));
      expect(inTitle).toEqual([...inTitle].sort((a, b) => Number(b) - Number(a)));
    });

    it("keeps to the limit and still says how many matched; nothing for words no article has", async () => {
      const wide = await p.port.searchArticles({ query: p.known.word, limit: 50 });
      const one = await p.port.searchArticles({ query: p.known.word, limit: 1 });
      expect(one.rows).toEqual(wide.rows.slice(0, 1));
      expect(one.total).toBe(wide.total);
      expect(await p.port.searchArticles({ query: "quantum teleport", limit: 5 })).toMatchObject({
        rows: [],
        total: 0,
      });
    });
  });
}

describeKnowledgeContract("sandbox on SQLite", async () => {
  const rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("kb-port"), SANDBOX_SCALE: "0.05" }),
    createLogger("silent", "test"),
  );
  const port = (await createCustomerSuccessServer().ports(rt)).support;
  await port.searchAccounts("a", 1); // loads the company
  const db = await rt.sql();
  const rows = await db.query<{ id: string; title: string; body: string; labels: string }>(
    "SELECT id, title, body, labels FROM sb_kb_articles ORDER BY id",
  );
  const known = rows.find((r) => /\bSSO\b/.test(r.title)) as (typeof rows)[number];
  const has = (t: string) => t.toLowerCase().includes("sso");
  return {
    port,
    published: rows.length,
    known: {
      id: known.id,
      title: known.title,
      labels: known.labels.split(",").filter(Boolean),
      word: "sso",
      others: rows.filter((r) => !has(r.title) && has(`${r.body} ${r.labels}`)).length,
    },
    close: () => rt.close(1000),
  };
});

describeKnowledgeContract("Zendesk Help Center (node-zendesk) over its fake", async () => {
  // the fake numbers articles from 1 in seed order
  const fake: RunningFake<ZendeskState> = await startZendeskFake({
    articles: [
      {
        title: "Exporting reports",
        body: "<p>Large exports run <i>overnight</i>.</p>",
        label_names: ["export"],
      },
      { title: "Setting up SSO", body: "<p>Configure <b>SAML</b></p>", label_names: ["sso"] },
      { title: "Security overview", body: "<p>We support SSO and 2FA.</p>", label_names: ["security"] },
      { title: "SSO draft", body: "SSO notes", draft: true },
    ].map((a, i) => ({ ...a, html_url: `https://help.example.test/hc/articles/${i + 1}` })),
  });
  for (const [k, v] of Object.entries({
    CS_SUPPORT: "zendesk",
    ZENDESK_EMAIL: "agent@acme.test",
    ZENDESK_API_TOKEN: "zd-test",
    REVOPS_TEST_VENDOR_BASE_URL: fake.url,
    REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true",
  }))
    vi.stubEnv(k, v);
  const rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("kb-port-zd"), SANDBOX_SCALE: "0.05" }),
    createLogger("silent", "test"),
  );
  try {
    return {
      port: (await createCustomerSuccessServer().ports(rt)).support,
      published: 3,
      known: { id: "2", title: "Setting up SSO", labels: ["sso"], word: "sso", others: 1 },
      close: async () => {
        await rt.close(1000);
        await fake.close();
      },
    };
  } finally {
    vi.unstubAllEnvs();
  }
});
