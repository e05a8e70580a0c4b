import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import type { NpsResponseRow } from "@revops/model";
import { type IntercomState, type RunningFake, startIntercomFake, tempDataDir } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { NpsQuery, SupportPort } from "../src/ports";
import { createCustomerSuccessServer } from "../src/server";

interface Provider {
  port: SupportPort;
  /** Responses the provider holds in all, as its seed (the sandbox: its table) says. */
  total: number;
  close(): Promise<void>;
}

const dayOf = (r: NpsResponseRow) => r.respondedAt.slice(0, 10);

/** What `npsStats` must add up to: the same responses counted here, detractors' comments newest first. */
function recount(rows: NpsResponseRow[], comments: number) {
  const detractors = rows.filter((r) => r.score <= 6);
  return {
    responses: rows.length,
    promoters: rows.filter((r) => r.score >= 9).length,
    passives: rows.filter((r) => r.score === 7 || r.score === 8).length,
    detractors: detractors.length,
    commented: detractors
      .filter((r) => (r.comment ?? "").trim() !== "")
      .sort((a, b) => b.respondedAt.localeCompare(a.respondedAt))
      .slice(0, comments)
      .map((r) => r.id),
  };
}

/** NPS responses and what they add up to (nps_summary, health, churn features): the same assertions on every provider. */
function describeNpsContract(name: string, setup: () => Promise<Provider>) {
  describe(`SupportPort NPS contract: ${name}`, () => {
    let p: Provider;
    let all: NpsResponseRow[];
    const check = async (q: Omit<NpsQuery, "comments">, comments = 50) => {
      const rows = await p.port.npsResponses(q);
      const s = await p.port.npsStats({ ...q, comments });
      const want = recount(rows, comments);
      expect({ ...s, detractorComments: s.detractorComments.map((c) => c.id) }).toEqual({
        responses: want.responses,
        promoters: want.promoters,
        passives: want.passives,
        detractors: want.detractors,
        detractorComments: want.commented,
      });
      return rows;
    };
    beforeAll(async () => {
      p = await setup();
      all = await p.port.npsResponses({});
    }, 120_000);
    afterAll(async () => p?.close());

    it("reads every response with a 0–10 score, once", () => {
      expect(p.total).toBeGreaterThan(0);
      expect(all).toHaveLength(p.total);
      expect(new Set(all.map((r) => r.id)).size).toBe(p.total);
      for (const r of all) {
        expect(Number.isInteger(r.score) && r.score >= 0 && r.score <= 10).toBe(true);
        expect(r.respondedAt).toMatch(/^\d{4}-\d{2}-\d{2}/);
      }
    });

    it("adds the responses up to promoters, passives, detractors and their newest comments", async () => {
      await check({});
      await check({}, 1);
    });

    it("keeps to a range of days (both ends included) and to one account, adding up the same way", async () => {
      const days = [...new Set(all.map(dayOf))].sort();
      const from = days[Math.floor(days.length / 4)] as string;
      const to = days[Math.floor((days.length * 3) / 4)] as string;
      const ranged = await check({ from, to });
      expect(ranged.map((r) => r.id).sort()).toEqual(
        all
          .filter((r) => dayOf(r) >= from && dayOf(r) <= to)
          .map((r) => r.id)
          .sort(),
      );
      const accountId = all.find((r) => r.accountId)?.accountId as string;
      const one = await check({ accountId });
      expect(one.map((r) => r.id).sort()).toEqual(
        all
          .filter((r) => r.accountId === accountId)
          .map((r) => r.id)
          .sort(),
      );
    });
  });
}

const runtime = (tag: string) =>
  new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir(tag), SANDBOX_SCALE: "0.05" }),
    createLogger("silent", "test"),
  );

describeNpsContract("sandbox on SQLite", async () => {
  const rt = runtime("nps-port");
  const port = (await createCustomerSuccessServer().ports(rt)).support;
  await port.searchAccounts("a", 1); // loads the company
  const db = await rt.sql();
  const n = await db.one<{ n: number }>("SELECT COUNT(*) AS n FROM sb_nps_responses");
  return { port, total: Number(n?.n), close: () => rt.close(1000) };
});

describeNpsContract("Intercom conversation ratings over its fake", async () => {
  const TODAY = "2026-11-23";
  const at = (daysAgo: number) => Date.parse(`${TODAY}T10:00:00Z`) / 1000 - daysAgo * 86_400;
  const rated = (contactIndex: number, daysAgo: number, rating: number, remark?: string) => ({
    title: `Rated ${daysAgo}`,
    contactIndex,
    createdAt: at(daysAgo + 1),
    state: "closed" as const,
    rating: { rating, at: at(daysAgo), ...(remark ? { remark } : {}) },
  });
  const fake: RunningFake<IntercomState> = await startIntercomFake({
    accessToken: "ic-good",
    companies: [
      { companyId: "acc_0001", name: "Big Co" },
      { companyId: "acc_0002", name: "Small Co" },
    ],
    contacts: [
      { name: "Ada", email: "ada@big.test", companyIndex: 0 },
      { name: "Bob", email: "bob@small.test", companyIndex: 1 },
      { name: "Lead", email: "lead@nowhere.test" },
    ],
    conversations: [
      rated(0, 9, 5),
      rated(0, 19, 4),
      rated(1, 4, 1, "Export keeps failing"),
      rated(1, 95, 2, "Slow support"),
      rated(1, 199, 5),
      rated(2, 2, 3, "meh"),
      rated(0, 40, 2),
      { title: "Open question", contactIndex: 0, createdAt: at(1) },
    ],
  });
  for (const [k, v] of Object.entries({
    CS_CONVERSATIONS: "intercom",
    INTERCOM_ACCESS_TOKEN: "ic-good",
    REVOPS_TEST_VENDOR_BASE_URL: fake.url,
    REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true",
  }))
    vi.stubEnv(k, v);
  const rt = runtime("nps-port-ic");
  try {
    const now = () => new Date(`${TODAY}T12:00:00Z`);
    return {
      port: (await createCustomerSuccessServer({ now }).ports(rt)).support,
      total: 7,
      close: async () => {
        await rt.close(1000);
        await fake.close();
      },
    };
  } finally {
    vi.unstubAllEnvs();
  }
});
