import { tmpdir } from "node:os";
import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import { openSql, type SqlDb } from "@revops/store";
import {
  connectInProcess,
  type RunningFake,
  startZendeskFake,
  tempDataDir,
  type ZendeskState,
} from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ticketTrends } from "../src/domain/support-trends";
import type { SupportPort, TicketFacts } from "../src/ports";
import { createCustomerSuccessServer } from "../src/server";

/**
 * The ticket-facts contract: the same tickets held by each provider (sandbox rows on SQLite and PostgreSQL,
 * Zendesk tickets with metric sets behind node-zendesk) give the same facts and the same ticket_trends figures.
 */
const PG_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const TODAY = "2026-11-23";
const PERIOD = { from: "2026-11-01", to: "2026-11-22" };

interface Seed {
  created: string;
  status: "new" | "open" | "pending" | "solved" | "closed";
  /** Zendesk's own status when it differs ("hold" reads as pending). */
  zendeskStatus?: string;
  priority: "low" | "normal" | "high" | "urgent";
  tags: string[];
  csat: "good" | "bad" | null;
  reply: number | null;
  resolution: number | null;
}

const SEED: Seed[] = [
  {
    created: "2026-11-02T09:00:00Z",
    status: "solved",
    priority: "urgent",
    tags: ["performance", "escalation"],
    csat: "bad",
    reply: 12,
    resolution: 300,
  },
  {
    created: "2026-11-03T10:30:00Z",
    status: "closed",
    priority: "normal",
    tags: ["billing"],
    csat: "good",
    reply: 95,
    resolution: 2000,
  },
  {
    created: "2026-11-05T11:00:00Z",
    status: "solved",
    priority: "normal",
    tags: ["billing", "how-to"],
    csat: "good",
    reply: 200,
    resolution: 600,
  },
  {
    created: "2026-11-10T14:00:00Z",
    status: "open",
    priority: "high",
    tags: ["api"],
    csat: null,
    reply: 40,
    resolution: null,
  },
  {
    created: "2026-11-21T08:00:00Z",
    status: "pending",
    zendeskStatus: "hold",
    priority: "normal",
    tags: ["api"],
    csat: null,
    reply: 30,
    resolution: null,
  },
  {
    created: "2026-11-22T16:00:00Z",
    status: "new",
    priority: "low",
    tags: ["how-to"],
    csat: null,
    reply: null,
    resolution: null,
  },
  // before the period: only in the backlog (open) or nowhere (solved inside the period, so Zendesk exports it)
  {
    created: "2026-09-01T08:00:00Z",
    status: "open",
    priority: "normal",
    tags: ["sso"],
    csat: null,
    reply: 60,
    resolution: null,
  },
  {
    created: "2026-10-20T08:00:00Z",
    status: "solved",
    priority: "high",
    tags: ["export"],
    csat: "good",
    reply: 20,
    resolution: 20_000,
  },
];

const plusMinutes = (at: string, m: number) =>
  new Date(Date.parse(at) + m * 60_000).toISOString().replace(".000Z", "Z");

interface Fixture {
  port: SupportPort;
  close(): Promise<void>;
}

const runtime = (env: Record<string, string>) =>
  new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("cs-facts"), SANDBOX_SCALE: "0.05", ...env }),
    createLogger("silent", "test"),
  );

async function sandboxFixture(engine: "sqlite" | "postgres"): Promise<Fixture> {
  let admin: SqlDb | undefined;
  const schema = `cs_facts_${process.pid}_${Date.now()}`;
  const env: Record<string, string> = {};
  if (engine === "postgres") {
    admin = await openSql({ databaseUrl: PG_URL, dataDir: tmpdir() });
    await admin.exec(`CREATE SCHEMA ${schema}`);
    env.DATABASE_URL = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  }
  const rt = runtime(env);
  const port = (await createCustomerSuccessServer().ports(rt)).support;
  const db = await rt.sql();
  await db.run("DELETE FROM sb_tickets");
  for (const [i, t] of SEED.entries())
    await db.run(
      `INSERT INTO sb_tickets (id, account_id, contact_id, subject, priority, status, channel, created_at, solved_at,
         first_response_minutes, csat, csat_comment, tags) VALUES (?, 'acc_0001', 'con_0001', 'Seeded', ?, ?, 'email', ?, ?, ?, ?, NULL, ?)`,
      [
        `tkt_${i + 1}`,
        t.priority,
        t.status,
        t.created,
        t.resolution === null ? null : plusMinutes(t.created, t.resolution),
        t.reply,
        t.csat,
        t.tags.join(","),
      ],
    );
  return {
    port,
    close: async () => {
      await rt.close(1000);
      if (admin) {
        await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await admin.close();
      }
    },
  };
}

const startSeededZendesk = () =>
  startZendeskFake({
    tickets: SEED.map((t) => ({
      subject: "Seeded",
      status: t.zendeskStatus ?? t.status,
      priority: t.priority,
      tags: t.tags,
      created_at: t.created,
      updated_at: t.resolution === null ? t.created : plusMinutes(t.created, t.resolution),
      satisfaction_rating: { score: t.csat ?? (t.resolution === null ? "unoffered" : "offered") },
    })),
    ticketMetrics: SEED.map((t, i) => ({
      ticket_id: i + 1,
      reply_time_in_minutes: {
        calendar: t.reply,
        business: t.reply === null ? null : Math.round(t.reply / 2),
      },
      full_resolution_time_in_minutes: { calendar: t.resolution, business: null },
      solved_at: t.resolution === null ? null : plusMinutes(t.created, t.resolution),
    })),
  });

function useZendesk(fake: RunningFake<ZendeskState>) {
  // small export pages so the adapter follows the cursor
  fake.state.exportPageSize = 3;
  vi.stubEnv("CS_SUPPORT", "zendesk");
  vi.stubEnv("ZENDESK_EMAIL", "agent@acme.test");
  vi.stubEnv("ZENDESK_API_TOKEN", "zd-test");
  vi.stubEnv("REVOPS_TEST_VENDOR_BASE_URL", fake.url);
  vi.stubEnv("REVOPS_ALLOW_INSECURE_TEST_VENDOR", "true");
}

async function zendeskFixture(): Promise<Fixture> {
  const fake: RunningFake<ZendeskState> = await startSeededZendesk();
  useZendesk(fake);
  const rt = runtime({});
  const port = (await createCustomerSuccessServer().ports(rt)).support;
  vi.unstubAllEnvs();
  return {
    port,
    close: async () => {
      await rt.close(1000);
      await fake.close();
    },
  };
}

/** Facts without provider ids, in creation order. */
const comparable = (f: TicketFacts) => ({
  // ids and accounts are each provider's own
  created: f.created.map(({ id: _id, accountId: _a, subject: _s, ...x }) => x),
  backlog: f.backlog
    .map(({ id: _id, ...x }) => x)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.status.localeCompare(b.status)),
});

const expectedFacts = comparable({
  created: SEED.filter((t) => t.created >= PERIOD.from && t.created.slice(0, 10) <= PERIOD.to).map(
    (t, i) => ({
      id: String(i),
      createdAt: t.created,
      accountId: "",
      subject: "",
      status: t.status,
      priority: t.priority,
      tags: t.tags,
      csat: t.csat,
      firstReplyMinutes: t.reply,
      resolutionMinutes: t.resolution,
    }),
  ),
  backlog: SEED.filter((t) => ["new", "open", "pending"].includes(t.status)).map((t, i) => ({
    id: String(i),
    createdAt: t.created,
    status: t.status,
    priority: t.priority,
  })),
});

function describeTicketFactsContract(name: string, make: () => Promise<Fixture>) {
  describe(`ticket facts contract: ${name}`, () => {
    let f: Fixture;
    beforeAll(async () => {
      f = await make();
    }, 120_000);
    afterAll(async () => f?.close());

    it("gives the period's tickets with reply and resolution minutes, and the unsolved backlog", async () => {
      const facts = await f.port.ticketFacts(PERIOD);
      expect(comparable(facts)).toEqual(expectedFacts);
      const trends = ticketTrends(facts, TODAY, 10);
      expect(trends.totals).toEqual({
        created: 6,
        solved: 3,
        csat_rated: 3,
        csat_good: 0.667,
        first_reply_minutes: { p50: 40, p90: 200 },
        resolution_hours: { p50: 10, p90: 33.3 },
      });
      expect(trends.by_tag.slice(0, 2)).toEqual([
        { tag: "api", tickets: 2, csat_rated: 0, csat_good: null },
        { tag: "billing", tickets: 2, csat_rated: 2, csat_good: 1 },
      ]);
      expect(trends.backlog).toEqual({
        unsolved: 4,
        by_age: { "0-1d": 1, "2-7d": 1, "8-30d": 1, "31-90d": 1, "90d+": 0 },
        oldest_days: 83,
      });
    });
  });
}

describeTicketFactsContract("sandbox (SQLite)", () => sandboxFixture("sqlite"));
describeTicketFactsContract("sandbox (PostgreSQL)", () => sandboxFixture("postgres"));
describeTicketFactsContract("Zendesk (node-zendesk → fake)", zendeskFixture);

describe("ticket_trends on Zendesk through the MCP client", () => {
  it("answers from node-zendesk against the fake, with the contract's figures", async () => {
    const fake = await startSeededZendesk();
    useZendesk(fake);
    const s = await connectInProcess([createCustomerSuccessServer()], {
      env: { REVOPS_DATA_DIR: tempDataDir("cs-facts-mcp"), SANDBOX_SCALE: "0.05" },
    });
    try {
      const r = await s.call("ticket_trends", { ...PERIOD, tags: 3 });
      expect(r.data.meta.source).toBe("zendesk+sandbox");
      expect(r.data.totals).toMatchObject({ created: 6, solved: 3, csat_good: 0.667 });
      expect(r.data.backlog.unsolved).toBe(4);
      expect(fake.requests.some((q) => q.path === "/api/v2/incremental/tickets/cursor.json")).toBe(true);
    } finally {
      vi.unstubAllEnvs();
      await s.close();
      await fake.close();
    }
  }, 120_000);
});
