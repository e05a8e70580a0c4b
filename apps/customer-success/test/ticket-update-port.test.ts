import { tmpdir } from "node:os";
import { createZendeskConnector } from "@revops/connectors";
import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import { openSql, type SqlDb } from "@revops/store";
import { type RunningFake, startZendeskFake, tempDataDir, type ZendeskState } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { MAX_TICKETS, ZendeskSupport } from "../src/integrations/zendesk/support";
import type { SupportPort } from "../src/ports";
import { createCustomerSuccessServer } from "../src/server";

/** One provider under the same contract: its port, the ids to work on, and how to read back comments. */
interface Fixture {
  system: string;
  port: SupportPort;
  openId: string;
  secondOpenId: string;
  closedId: string;
  missingId: string;
  agentId: string;
  notAgentId: string;
  comments(id: string): Promise<{ body: string; public: boolean }[]>;
  close(): Promise<void>;
}

const PG_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const ORIGIN = { principal: "contract", planHash: "plan-c", idempotencyKey: "" };
let keys = 0;
const origin = () => ({ ...ORIGIN, idempotencyKey: `contract-${++keys}` });

function runtime(env: Record<string, string>): KitRuntime {
  return new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("cs-port"), SANDBOX_SCALE: "0.05", ...env }),
    createLogger("silent", "test"),
  );
}

async function sandboxFixture(engine: "sqlite" | "postgres"): Promise<Fixture> {
  let admin: SqlDb | undefined;
  let schema = "";
  const env: Record<string, string> = {};
  if (engine === "postgres") {
    schema = `cs_ticket_contract_${process.pid}_${Date.now()}`;
    admin = await openSql({ databaseUrl: PG_URL, dataDir: tmpdir() });
    await admin.exec(`CREATE SCHEMA ${schema}`);
    env.DATABASE_URL = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  }
  const rt = runtime(env);
  const port = (await createCustomerSuccessServer().ports(rt)).support;
  const db = await rt.sql();
  const ids = (await db.query<{ id: string }>("SELECT id FROM sb_tickets ORDER BY id LIMIT 3")).map(
    (r) => r.id,
  );
  const set = (id: string | undefined, status: string) =>
    db.run(
      "UPDATE sb_tickets SET status = ?, priority = 'normal', tags = 'billing', assignee_id = NULL, solved_at = NULL WHERE id = ?",
      [status, id],
    );
  await set(ids[0], "open");
  await set(ids[1], "open");
  await set(ids[2], "closed");
  return {
    system: "sandbox",
    port,
    openId: ids[0] as string,
    secondOpenId: ids[1] as string,
    closedId: ids[2] as string,
    missingId: "tkt_none",
    agentId: "usr_03",
    notAgentId: "usr_nobody",
    comments: async (id) =>
      (
        await db.query<{ body: string; public: number }>(
          "SELECT body, public FROM sb_ticket_comments WHERE ticket_id = ? ORDER BY created_at, id",
          [id],
        )
      ).map((c) => ({ body: c.body, public: Number(c.public) === 1 })),
    close: async () => {
      await rt.close(1000);
      if (admin) {
        await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await admin.close();
      }
    },
  };
}

async function zendeskFixture(): Promise<Fixture> {
  const fake: RunningFake<ZendeskState> = await startZendeskFake({
    users: [
      { name: "Ada Agent", email: "ada@support.example.com", role: "agent" }, // 1
      { name: "Carl Customer", email: "carl@customer.example.com", role: "end-user" }, // 2
    ],
    tickets: [
      { subject: "Refund", status: "open", priority: "normal", requester_id: 2, tags: ["billing"] }, // 3
      { subject: "Export", status: "open", priority: "normal", requester_id: 2, tags: ["billing"] }, // 4
      { subject: "Old", status: "closed", priority: "normal", requester_id: 2 }, // 5
    ],
  });
  vi.stubEnv("CS_SUPPORT", "zendesk");
  vi.stubEnv("ZENDESK_EMAIL", "agent@acme.test");
  vi.stubEnv("ZENDESK_API_TOKEN", "zd-test");
  vi.stubEnv("REVOPS_TEST_VENDOR_BASE_URL", fake.url);
  vi.stubEnv("REVOPS_ALLOW_INSECURE_TEST_VENDOR", "true");
  const rt = runtime({});
  const port = (await createCustomerSuccessServer().ports(rt)).support;
  vi.unstubAllEnvs();
  return {
    system: "zendesk",
    port,
    openId: "3",
    secondOpenId: "4",
    closedId: "5",
    missingId: "999",
    agentId: "1",
    notAgentId: "2",
    comments: async (id) =>
      fake.state.audits
        .filter((a) => a.ticket_id === Number(id))
        .flatMap((a) => a.events.map((e) => ({ body: e.body, public: e.public }))),
    close: async () => {
      await rt.close(1000);
      await fake.close();
    },
  };
}

/** The support port's write contract: the same assertions on every provider. */
function describeTicketWriteContract(name: string, make: () => Promise<Fixture>) {
  describe(`ticket port contract: ${name}`, () => {
    let f: Fixture;
    beforeAll(async () => {
      f = await make();
    });
    afterAll(async () => f?.close());

    it("reads a ticket fresh with its requester, and nothing for an unknown id", async () => {
      const t = await f.port.getTicket(f.openId);
      expect(t).toMatchObject({ id: f.openId, status: "open", priority: "normal", assigneeId: null });
      expect(t?.tags).toEqual(["billing"]);
      expect(t?.requester?.email).toMatch(/@/);
      expect(await f.port.getTicket(f.missingId)).toBeUndefined();
    });

    it("applies status, priority, assignee, tags and an internal note once", async () => {
      const r = await f.port.updateTicket(
        f.openId,
        {
          status: "pending",
          priority: "high",
          assigneeId: f.agentId,
          addTags: ["vip"],
          removeTags: ["billing"],
          comment: { visibility: "internal", body: "Checked the invoice" },
        },
        origin(),
      );
      expect(r).toMatchObject({
        system: f.system,
        recovered: false,
        ticket: { status: "pending", priority: "high", assigneeId: f.agentId, tags: ["vip"] },
      });
      expect(r.commentId).toBeTruthy();
      expect(await f.port.getTicket(f.openId)).toMatchObject({
        status: "pending",
        priority: "high",
        assigneeId: f.agentId,
        tags: ["vip"],
      });
      expect(await f.comments(f.openId)).toEqual([{ body: "Checked the invoice", public: false }]);
    });

    it("posts a public reply as public, and unassigns with null", async () => {
      await f.port.updateTicket(
        f.openId,
        { assigneeId: null, comment: { visibility: "public", body: "We refunded you" } },
        origin(),
      );
      expect((await f.comments(f.openId)).at(-1)).toEqual({ body: "We refunded you", public: true });
      expect((await f.port.getTicket(f.openId))?.assigneeId).toBeNull();
    });

    it("refuses a closed ticket and an assignee who is not an agent, changing nothing", async () => {
      await expect(f.port.updateTicket(f.closedId, { status: "open" }, origin())).rejects.toMatchObject({
        name: "TicketWriteError",
        code: "closed",
      });
      expect((await f.port.getTicket(f.closedId))?.status).toBe("closed");
      await expect(
        f.port.updateTicket(f.secondOpenId, { assigneeId: f.notAgentId, priority: "urgent" }, origin()),
      ).rejects.toMatchObject({ code: "invalid", field: "assignee_id" });
      expect((await f.port.getTicket(f.secondOpenId))?.priority).toBe("normal");
    });

    it("loses no tag when updates run at once", async () => {
      await Promise.all(
        ["a", "b", "c", "d"].map((t) =>
          f.port.updateTicket(f.secondOpenId, { addTags: [`t-${t}`] }, origin()),
        ),
      );
      expect((await f.port.getTicket(f.secondOpenId))?.tags.sort()).toEqual(
        ["billing", "t-a", "t-b", "t-c", "t-d"].sort(),
      );
    });
  });
}

describeTicketWriteContract("sandbox on SQLite", () => sandboxFixture("sqlite"));
describeTicketWriteContract("sandbox on PostgreSQL", () => sandboxFixture("postgres"));
describeTicketWriteContract("Zendesk over node-zendesk and the fake", zendeskFixture);

describe("Zendesk ticket scan", () => {
  it("reads the newest tickets when there are more than it scans (List Tickets runs oldest first)", async () => {
    const day = (i: number) => new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString();
    const fake = await startZendeskFake({
      tickets: Array.from({ length: MAX_TICKETS + 50 }, (_, i) => ({
        subject: `T${i}`,
        status: "open",
        created_at: day(i),
      })),
    });
    try {
      const zd = await createZendeskConnector({
        id: "scan",
        vendor: "zendesk",
        baseUrl: fake.url,
        allowInsecureTestBaseUrl: true,
        credentials: { oauthToken: "t" },
      });
      const support = new ZendeskSupport(zd, {} as SupportPort);
      const page = await support.listTickets({ limit: 3 });
      expect(page.rows.map((r) => r.subject)).toEqual([
        `T${MAX_TICKETS + 49}`,
        `T${MAX_TICKETS + 48}`,
        `T${MAX_TICKETS + 47}`,
      ]);
      expect(page.total).toBe(MAX_TICKETS);
      expect(
        fake.requests.every((q) => q.path !== "/api/v2/tickets.json" || q.query.get("sort") === "-id"),
      ).toBe(true);
    } finally {
      await fake.close();
    }
  });
});
