import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import { ensureSandboxLoaded, SandboxCrm } from "@revops/sandbox";
import { openSql } from "@revops/store";
import { type RunningFake, startHubSpotFake, startSalesforceFake, tempDataDir } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { CrmPort, NewTask } from "../src/ports";
import { createSalesServer } from "../src/server";

// One contract for CrmPort.createTask, the same assertions on every provider.

interface Provider {
  crm: CrmPort;
  system: string;
  task: Omit<NewTask, "subject">;
  /** How many tasks the system of record holds with this subject. */
  count(subject: string): Promise<number>;
  /** The next create is applied, then its answer is lost. */
  failAfterWrite(): void;
  close(): Promise<void>;
}

function describeCreateTaskContract(name: string, setup: () => Promise<Provider>) {
  describe(`CrmPort.createTask contract: ${name}`, () => {
    let p: Provider;
    beforeAll(async () => {
      p = await setup();
    }, 60_000);
    afterAll(async () => p?.close());

    it("creates the task for the owner on the account and deal", async () => {
      const w = await p.crm.createTask(
        { ...p.task, subject: "Churn risk review" },
        { principal: "ann", idempotencyKey: "t-1" },
      );
      expect(w.system).toBe(p.system);
      expect(w.recovered).toBe(false);
      expect(w.task).toMatchObject({
        subject: "Churn risk review",
        ownerId: p.task.ownerId,
        accountId: p.task.accountId,
        dealId: p.task.dealId ?? null,
        dueDate: p.task.dueDate,
        status: "open",
      });
      expect(await p.count("Churn risk review")).toBe(1);
    });

    it("runs once per idempotency key", async () => {
      const first = await p.crm.createTask(
        { ...p.task, subject: "Once" },
        { principal: "a", idempotencyKey: "t-2" },
      );
      const again = await p.crm.createTask(
        { ...p.task, subject: "Once" },
        { principal: "a", idempotencyKey: "t-2" },
      );
      expect(again.id).toBe(first.id);
      expect(again.recovered).toBe(true);
      expect(await p.count("Once")).toBe(1);
    });

    it("looks a create up after an ambiguous failure instead of making it twice", async () => {
      p.failAfterWrite();
      const w = await p.crm.createTask(
        { ...p.task, subject: "Ambiguous" },
        { principal: "a", idempotencyKey: "t-3" },
      );
      expect(w.recovered).toBe(true);
      expect(await p.count("Ambiguous")).toBe(1);
    });

    it("refuses an unknown owner, naming the field", async () => {
      await expect(
        p.crm.createTask(
          { ...p.task, subject: "Nope", ownerId: "not an id" },
          { principal: "a", idempotencyKey: "t-4" },
        ),
      ).rejects.toThrow(/^owner:/);
      expect(await p.count("Nope")).toBe(0);
    });
  });
}

describeCreateTaskContract("sandbox on SQLite", async () => {
  const db = await openSql({ dataDir: tempDataDir("task-create") });
  await ensureSandboxLoaded(db, { scale: 0.05 });
  const deal = await db.one<{ id: string; account_id: string; owner_id: string }>(
    "SELECT id, account_id, owner_id FROM sb_deals WHERE type = 'renewal' ORDER BY id LIMIT 1",
  );
  const crm = new SandboxCrm(db) as CrmPort;
  let fail = false;
  return {
    // the sandbox's write is a transaction: "applied, answer lost" is the same plan run a second time
    crm: {
      ...crm,
      createTask: async (t, origin) => {
        if (!fail) return crm.createTask(t, origin);
        fail = false;
        await crm.createTask(t, origin);
        return crm.createTask(t, origin);
      },
    } as CrmPort,
    system: "sandbox",
    task: {
      ownerId: deal?.owner_id as string,
      accountId: deal?.account_id as string,
      dealId: deal?.id as string,
      dueDate: "2026-11-30",
      source: "contract",
    },
    count: async (subject) =>
      Number(
        (await db.one<{ n: number }>("SELECT COUNT(*) AS n FROM sb_tasks WHERE subject = ?", [subject]))?.n,
      ),
    failAfterWrite: () => {
      fail = true;
    },
    close: () => db.close(),
  };
});

async function vendorPort(env: Record<string, string>): Promise<{ crm: CrmPort; rt: KitRuntime }> {
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  const rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("task-create-port") }),
    createLogger("silent", "test"),
  );
  try {
    return { rt, crm: (await createSalesServer().ports(rt)).crm };
  } finally {
    vi.unstubAllEnvs();
  }
}
const vendorEnv = (url: string) => ({
  REVOPS_TEST_VENDOR_BASE_URL: url,
  REVOPS_ALLOW_INSECURE_TEST_VENDOR: "true",
});
const countOf =
  (fake: RunningFake<{ objects: Record<string, Map<string, unknown>> }>, type: string, key: string) =>
  async (value: string) =>
    [...(fake.state.objects[type]?.values() ?? [])].filter(
      (r) =>
        (r as Record<string, unknown>)[key] === value ||
        (r as { properties?: Record<string, unknown> }).properties?.[key] === value,
    ).length;

describeCreateTaskContract("Salesforce (jsforce) over its fake", async () => {
  const fake = await startSalesforceFake({
    User: [{ Name: "Ada Lovelace", Email: "ada@example.com" }],
    Account: [{ Name: "Acme", OwnerId: "005000000000000001" }],
    customFields: { Task: ["RevOps_Idempotency_Key__c"] },
  });
  const { crm, rt } = await vendorPort({
    SALES_CRM: "salesforce",
    SALESFORCE_ACCESS_TOKEN: "00D-static-token",
    ...vendorEnv(fake.url),
  });
  return {
    crm,
    system: "salesforce",
    task: {
      ownerId: "005000000000000001",
      accountId: "001000000000000002",
      dueDate: "2026-11-30",
      source: "contract",
    },
    count: countOf(fake as never, "Task", "Subject"),
    failAfterWrite: () => {
      fake.faults.next(
        { kind: "resetAfterHandling" },
        { path: "/services/data/v60.0/sobjects/Task", method: "POST" },
      );
    },
    close: async () => {
      await rt.close(1000);
      await fake.close();
    },
  };
});

describeCreateTaskContract("HubSpot (@hubspot/api-client) over its fake", async () => {
  const fake = await startHubSpotFake({
    owners: [{ id: "71", email: "ann@example.com", firstName: "Ann", lastName: "Lee", userId: 1 }],
    companies: [{ name: "Initech", hubspot_owner_id: "71" }],
    deals: [{ dealname: "Initech renewal", dealstage: "contractsent", pipeline: "default" }],
  });
  const { crm, rt } = await vendorPort({
    SALES_CRM: "hubspot",
    HUBSPOT_ACCESS_TOKEN: "pat-test",
    ...vendorEnv(fake.url),
  });
  return {
    crm,
    system: "hubspot",
    task: { ownerId: "71", accountId: "1002", dealId: "1001", dueDate: "2026-11-30", source: "contract" },
    count: async (subject) => {
      const n = await countOf(fake as never, "tasks", "hs_task_subject")(subject);
      // each task is associated with its deal and company, as the create asked
      for (const t of fake.state.objects.tasks.values())
        if (t.properties.hs_task_subject === subject)
          expect(fake.state.associations.get(`tasks:${t.id}`)).toEqual({
            deals: ["1001"],
            companies: ["1002"],
          });
      return n;
    },
    failAfterWrite: () => {
      fake.faults.next({ kind: "resetAfterHandling" }, { path: "/crm/v3/objects/tasks", method: "POST" });
    },
    close: async () => {
      await rt.close(1000);
      await fake.close();
    },
  };
});
