import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { approvalsAdmin, createGuard, guardConfig, guardMigrations } from "@revops/guards";
import { approvalIdIn, connectGuarded, type GuardedHarness } from "@revops/guards/testing";
import { type KeyValue, migrate, openKv, openSql, type SqlDb } from "@revops/store";
import { addSObject, type RunningFake, type SalesforceState, startSalesforceFake } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createSuiteModules } from "../src/server";

/**
 * Both hand-offs with Salesforce as the CRM (jsforce against the fake) and customer success on the sandbox: the won
 * deal and the renewal deals live in the fake, the CS book and onboarding plans in our database. Every write is
 * asserted on the fake's raw records.
 */
const config = guardConfig({
  GUARD_QUIET_HOURS: "off",
  GUARD_TOKEN_SECRET: "handoff-vendor-secret-0123456789abcdef",
});
const now = () => new Date();
// biome-ignore lint/suspicious/noExplicitAny: the test reads structured results field by field
const d = (r: { data?: unknown }): any => r.data;
const typeThePhrase = (h: GuardedHarness) =>
  h.answerWith((p) => ({
    action: "accept",
    content: { confirmation: String(p.message.split("type: ").at(-1)) },
  }));

let guardDb: SqlDb;
let kv: KeyValue;
let h: GuardedHarness;
let db: SqlDb;
let sf: RunningFake<SalesforceState>;
const rows = (type: string) => [...(sf.state.objects[type]?.values() ?? [])];
const approve = (id: string) => approvalsAdmin({ sql: async () => guardDb, config, now }).approve(id, "carol");

beforeAll(async () => {
  sf = await startSalesforceFake({
    User: [{ Name: "Ada Rep", Email: "ada@example.com" }],
    customFields: { Task: ["RevOps_Idempotency_Key__c"] },
  });
  vi.stubEnv("SALES_CRM", "salesforce");
  vi.stubEnv("SALESFORCE_ACCESS_TOKEN", "00D-static-token");
  vi.stubEnv("REVOPS_TEST_VENDOR_BASE_URL", sf.url);
  vi.stubEnv("REVOPS_ALLOW_INSECURE_TEST_VENDOR", "true");
  guardDb = await openSql({ dataDir: mkdtempSync(join(tmpdir(), "suite-handoff-vendor-guard-")) });
  await migrate(guardDb, guardMigrations);
  kv = await openKv({});
  const guard = createGuard({ config, sql: async () => guardDb, kv: async () => kv, now, sandbox: true });
  h = await connectGuarded({ modules: createSuiteModules(), guard, env: {}, elicitation: true });
  h.as("alice");
  expect((await h.call("onboarding_status", {})).isError).toBe(false); // loads the sandbox (CS book)
  db = await h.runtime.sql();
  // the CS team are CRM users too (by name), as the closed-won task needs
  for (const m of await db.query<{ name: string; email: string }>("SELECT name, email FROM sb_cs_managers"))
    addSObject(sf.state, "User", { Name: m.name, Email: m.email });
}, 180_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  await h?.close();
  await guardDb?.close();
  await kv?.close();
  await sf?.close();
});

const ADA = () => rows("User").find((u) => u.Name === "Ada Rep")?.Id as string;

describe("handoff_closed_won over Salesforce", () => {
  let won: string;
  let other: string;
  beforeAll(() => {
    const acme = addSObject(sf.state, "Account", {
      Name: "Quillfeather Labs",
      OwnerId: ADA(),
      NumberOfEmployees: 300,
    });
    const deal = (name: string) =>
      addSObject(sf.state, "Opportunity", {
        Name: name,
        AccountId: acme,
        StageName: "Closed Won",
        Amount: 48_000,
        CloseDate: "2026-11-20",
        OwnerId: ADA(),
        Type: "New Customer",
      });
    won = deal("Quillfeather Labs - platform");
    other = deal("Quillfeather Labs - add-on");
  });

  it("previews the plan and the CS owner's Salesforce task; a changed argument is refused; confirmed, it writes once through a 5xx", async () => {
    const dry = await h.call("handoff_closed_won", { deal_id: won, dry_run: true });
    expect(dry.isError, dry.text).toBeFalsy();
    const plan = d(dry).plan;
    const [view] = plan.sample;
    expect(view).toMatchObject({ deal_id: won, account_name: "Quillfeather Labs", segment: "mid_market" });
    const csm = rows("User").find((u) => u.Name === view.owner.name);
    expect(view.crm_task).toMatchObject({ owner: { id: csm?.Id, name: view.owner.name } });
    expect(view.crm_task.due_date).toBe(view.milestones[0].due_date);
    expect(plan.side_effects.join(" ")).toMatch(/task in salesforce/);
    expect(rows("Task")).toEqual([]); // the preview wrote nothing
    // approved for one deal, then called for another: refused
    config.CONFIRMATION_MODE = "approval";
    try {
      const queued = await h.call("handoff_closed_won", { deal_id: won });
      const id = approvalIdIn(queued.text) as string;
      expect(id, queued.text).toBeDefined();
      await approve(id);
      const changed = await h.call("handoff_closed_won", { deal_id: other, approval_id: id });
      expect(changed.isError).toBe(true);
      expect(changed.text).toMatch(/other arguments/);
      expect(rows("Task")).toEqual([]);
      // Salesforce creates the task, then answers 503: the key finds it, nothing is created twice
      sf.state.failAfterWrite = { status: 503, times: 1 };
      const ran = await h.call("handoff_closed_won", { deal_id: won, approval_id: id });
      expect(ran.isError, ran.text).toBe(false);
      const out = d(ran);
      expect(out).toMatchObject({ created: 1, plans: [{ deal_id: won, account_name: "Quillfeather Labs" }] });
      const tasks = rows("Task");
      expect(tasks).toHaveLength(1);
      expect(tasks[0]).toMatchObject({
        OwnerId: csm?.Id,
        WhatId: won,
        Subject: view.crm_task.subject,
        ActivityDate: view.crm_task.due_date,
      });
      expect(out.crm_tasks).toEqual([{ deal_id: won, task_id: tasks[0]?.Id, recovered: true }]);
      expect(out.written).toEqual({ system: "salesforce", id: `onb_${won},${tasks[0]?.Id}` });
    } finally {
      config.CONFIRMATION_MODE = "inband";
    }
    const plans = await db.query<{ id: string; owner_id: string }>(
      "SELECT id, owner_id FROM sb_onboarding_plans WHERE deal_id = ?",
      [won],
    );
    expect(plans).toEqual([{ id: `onb_${won}`, owner_id: view.owner.id }]);
    const again = await h.call("handoff_closed_won", { deal_id: won, dry_run: true });
    expect(again.isError).toBe(true);
    expect(again.text).toContain(`already has onboarding plan onb_${won}`);
  }, 120_000);
});

describe("handoff_churn_risk over Salesforce", () => {
  let target: { account_id: string; account_name: string };
  let weak: { account_id: string; account_name: string };
  let renewal: string;
  beforeAll(async () => {
    const churn = await h.call("churn_risk", { limit: 100 });
    const threshold = Number(d(churn).meta.inputs.threshold);
    const risky = (d(churn).accounts as { account_id: string; account_name: string; probability: number }[])
      .filter((a) => a.probability >= threshold)
      .filter((a) => a.account_name.length > 8);
    [target, weak] = risky as [typeof target, typeof weak];
    const acc = addSObject(sf.state, "Account", { Name: target.account_name, OwnerId: ADA() });
    renewal = addSObject(sf.state, "Opportunity", {
      Name: `${target.account_name} renewal`,
      AccountId: acc,
      StageName: "Negotiation/Review",
      Amount: 30_000,
      CloseDate: "2027-03-01",
      OwnerId: ADA(),
      Type: "Existing Customer - Renewal",
      NextStep: "Send the QBR deck",
    });
    // the weak one is misspelt in Salesforce: a similar name only, below the identity threshold
    const n = weak.account_name;
    addSObject(sf.state, "Account", { Name: `${n.slice(0, 4)}${n.slice(5)}`, OwnerId: ADA() });
  }, 120_000);

  it("an account linked below the identity threshold is not used: the call says what to review", async () => {
    const r = await h.call("handoff_churn_risk", { account_id: weak.account_id, dry_run: true });
    expect(r.isError).toBe(true);
    expect(r.text).toContain(`${weak.account_name} (${weak.account_id}) matches salesforce account`);
    expect(r.text).toMatch(/below the identity threshold 0\.8.*identity_review/);
  });

  it("previews the owner's task and the NextStep flag; confirmed, writes each once through a 5xx; not again", async () => {
    const dry = await h.call("handoff_churn_risk", { account_id: target.account_id, dry_run: true });
    expect(dry.isError, dry.text).toBeFalsy();
    const plan = d(dry).plan;
    const [p] = plan.sample;
    const crmAccount = rows("Account").find((a) => a.Name === target.account_name)?.Id;
    expect(p).toMatchObject({
      account_id: target.account_id,
      crm_account_id: crmAccount,
      owner: { id: ADA(), name: "Ada Rep" },
      task: { deal_id: renewal },
      flags: [{ deal_id: renewal, before: "Send the QBR deck" }],
    });
    expect(p.flags[0].after).toMatch(/^Churn risk \(RevOps /);
    expect(plan.side_effects.join(" ")).toContain("Opportunity.NextStep");
    const tasksBefore = rows("Task").length;
    expect(sf.state.objects.Opportunity?.get(renewal)?.NextStep).toBe("Send the QBR deck");
    const updates = sf.state.appliedUpdates.length;
    // both writes land, then Salesforce answers 503 to each: neither is made twice
    sf.state.failAfterWrite = { status: 503, times: 2 };
    typeThePhrase(h);
    const r = await h.call("handoff_churn_risk", { account_id: target.account_id });
    expect(r.isError, r.text).toBe(false);
    const tasks = rows("Task").slice(tasksBefore);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ OwnerId: ADA(), WhatId: renewal, Subject: p.task.subject });
    expect(sf.state.appliedUpdates.slice(updates)).toEqual([
      { type: "Opportunity", id: renewal, fields: { NextStep: p.flags[0].after } },
    ]);
    expect(sf.state.objects.Opportunity?.get(renewal)?.NextStep).toBe(p.flags[0].after);
    expect(d(r)).toMatchObject({
      tasks_created: 0, // recovered: the key found the task the 503 hid
      deals_flagged: 1,
      written: { system: "salesforce", id: `${renewal},${tasks[0]?.Id}` },
      accounts: [{ task_id: tasks[0]?.Id, recovered: true }],
    });
    const again = await h.call("handoff_churn_risk", { account_id: target.account_id, dry_run: true });
    expect(again.isError).toBe(true);
    expect(again.text).toMatch(/Nothing to hand off|already flagged/);
  }, 120_000);
});
