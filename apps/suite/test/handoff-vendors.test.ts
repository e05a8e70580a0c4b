import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { approvalsAdmin, createGuard, guardConfig, guardMigrations } from "@revops/guards";
import { approvalIdIn, connectGuarded, type GuardedHarness } from "@revops/guards/testing";
import { type KeyValue, migrate, openKv, openSql, type SqlDb } from "@revops/store";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createSuiteModules } from "../src/server";
import { hubspotCrm, salesforceCrm, type VendorCrm } from "./handoff-vendor-fakes";

/**
 * Both hand-offs with a vendor CRM (Salesforce through jsforce, HubSpot through @hubspot/api-client, against the
 * fakes) and customer success on the sandbox: the won deal and the renewal deals live in the fake, the CS book and
 * onboarding plans in our database. Every write is asserted on the fake's raw records.
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

describe.each([
  ["Salesforce", salesforceCrm],
  ["HubSpot", hubspotCrm],
])("hand-offs over %s", (_name, start) => {
  let guardDb: SqlDb;
  let kv: KeyValue;
  let h: GuardedHarness;
  let db: SqlDb;
  let crm: VendorCrm;
  let rep: string;
  const approve = (id: string) =>
    approvalsAdmin({ sql: async () => guardDb, config, now }).approve(id, "carol");

  beforeAll(async () => {
    crm = await start();
    for (const [k, v] of Object.entries(crm.env)) vi.stubEnv(k, v);
    guardDb = await openSql({ dataDir: mkdtempSync(join(tmpdir(), "suite-handoff-vendor-guard-")) });
    await migrate(guardDb, guardMigrations);
    kv = await openKv({});
    const guard = createGuard({ config, sql: async () => guardDb, kv: async () => kv, now, sandbox: true });
    h = await connectGuarded({ modules: createSuiteModules(), guard, env: {}, elicitation: true });
    h.as("alice");
    expect((await h.call("onboarding_status", {})).isError).toBe(false); // loads the sandbox (CS book)
    db = await h.runtime.sql();
    rep = crm.addUser("Ada Rep", "ada@example.com");
    // the CS team are CRM users too (matched by name), as the closed-won task needs
    for (const m of await db.query<{ name: string; email: string }>("SELECT name, email FROM sb_cs_managers"))
      crm.addUser(m.name, m.email);
  }, 180_000);

  afterAll(async () => {
    vi.unstubAllEnvs();
    await h?.close();
    await guardDb?.close();
    await kv?.close();
    await crm?.close();
  });

  it("closed-won: previews the plan and the CS owner's CRM task; a changed argument is refused; confirmed, it writes once through a 5xx", async () => {
    const account = crm.addAccount("Quillfeather Labs", rep, 300);
    const deal = (name: string) =>
      crm.addDeal({ name, accountId: account, ownerId: rep, kind: "won", closeDate: "2026-11-20" });
    const [won, other] = [deal("Quillfeather Labs - platform"), deal("Quillfeather Labs - add-on")];
    const dry = await h.call("handoff_closed_won", { deal_id: won, dry_run: true });
    expect(dry.isError, dry.text).toBeFalsy();
    const plan = d(dry).plan;
    const [view] = plan.sample;
    expect(view).toMatchObject({ deal_id: won, account_name: "Quillfeather Labs", segment: "mid_market" });
    const csm = crm.userNamed(view.owner.name);
    expect(view.crm_task).toMatchObject({ owner: { id: csm, name: view.owner.name } });
    expect(view.crm_task.due_date).toBe(view.milestones[0].due_date);
    expect(plan.summary).toContain(`a task for ${view.owner.name} in ${crm.system}`);
    expect(plan.side_effects.join(" ")).toContain(`task in ${crm.system}`);
    expect(crm.tasks()).toEqual([]); // the preview wrote nothing
    config.CONFIRMATION_MODE = "approval";
    try {
      const queued = await h.call("handoff_closed_won", { deal_id: won });
      const id = approvalIdIn(queued.text) as string;
      expect(id, queued.text).toBeDefined();
      await approve(id);
      // approved for one deal, then called for another: refused
      const changed = await h.call("handoff_closed_won", { deal_id: other, approval_id: id });
      expect(changed.isError).toBe(true);
      expect(changed.text).toMatch(/other arguments/);
      expect(crm.tasks()).toEqual([]);
      // the CRM creates the task, then answers 503: the key finds it, nothing is created twice
      crm.failAfterWrite(1);
      const ran = await h.call("handoff_closed_won", { deal_id: won, approval_id: id });
      expect(ran.isError, ran.text).toBe(false);
      const out = d(ran);
      expect(out).toMatchObject({ created: 1, plans: [{ deal_id: won, account_name: "Quillfeather Labs" }] });
      const tasks = crm.tasks();
      expect(tasks).toEqual([
        {
          id: tasks[0]?.id,
          ownerId: csm,
          dealId: won,
          subject: view.crm_task.subject,
          due: view.crm_task.due_date,
        },
      ]);
      expect(out.crm_tasks).toEqual([{ deal_id: won, task_id: tasks[0]?.id, recovered: true }]);
      expect(out.written).toEqual({ system: crm.system, id: `onb_${won},${tasks[0]?.id}` });
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

  describe("churn risk", () => {
    let target: { account_id: string; account_name: string };
    let weak: { account_id: string; account_name: string };
    let renewal: string;
    let crmAccount: string;
    beforeAll(async () => {
      const churn = await h.call("churn_risk", { limit: 100 });
      const threshold = Number(d(churn).meta.inputs.threshold);
      const risky = (d(churn).accounts as { account_id: string; account_name: string; probability: number }[])
        .filter((a) => a.probability >= threshold)
        .filter((a) => a.account_name.length > 8);
      expect(risky.length).toBeGreaterThan(1);
      [target, weak] = [risky[0], risky[1]] as [typeof target, typeof weak];
      crmAccount = crm.addAccount(target.account_name, rep, 120);
      renewal = crm.addDeal({
        name: `${target.account_name} renewal`,
        accountId: crmAccount,
        ownerId: rep,
        kind: "renewal",
        closeDate: "2027-03-01",
        nextStep: "Send the QBR deck",
      });
      // the weak one is misspelt in the CRM: a similar name only, below the identity threshold
      const n = weak.account_name;
      crm.addAccount(`${n.slice(0, 4)}${n.slice(5)}`, rep, 120);
    }, 120_000);

    it("an account linked below the identity threshold is not used: the call says what to review", async () => {
      const r = await h.call("handoff_churn_risk", { account_id: weak.account_id, dry_run: true });
      expect(r.isError).toBe(true);
      expect(r.text).toContain(`${weak.account_name} (${weak.account_id}) matches ${crm.system} account`);
      expect(r.text).toMatch(/below the identity threshold 0\.8.*identity_review/);
    });

    it("previews the owner's task and the next-step flag; confirmed, writes each once through 5xx answers; not again", async () => {
      const dry = await h.call("handoff_churn_risk", { account_id: target.account_id, dry_run: true });
      expect(dry.isError, dry.text).toBeFalsy();
      const plan = d(dry).plan;
      const [p] = plan.sample;
      expect(p).toMatchObject({
        account_id: target.account_id,
        crm_account_id: crmAccount,
        owner: { id: rep, name: "Ada Rep" },
        task: { deal_id: renewal },
        flags: [{ deal_id: renewal, before: "Send the QBR deck" }],
      });
      expect(p.flags[0].after).toMatch(/^Churn risk \(RevOps /);
      expect(plan.side_effects.join(" ")).toContain(crm.flagField);
      expect(crm.nextStep(renewal)).toBe("Send the QBR deck");
      const [tasksBefore, updates] = [crm.tasks().length, crm.updates().length];
      // both writes land, then the CRM answers 503 to each: neither is made twice
      crm.failAfterWrite(2);
      typeThePhrase(h);
      const r = await h.call("handoff_churn_risk", { account_id: target.account_id });
      expect(r.isError, r.text).toBe(false);
      const tasks = crm.tasks().slice(tasksBefore);
      expect(tasks).toEqual([
        { id: tasks[0]?.id, ownerId: rep, dealId: renewal, subject: p.task.subject, due: p.task.due_date },
      ]);
      expect(crm.updates().slice(updates)).toEqual([{ id: renewal, nextStep: p.flags[0].after }]);
      expect(crm.nextStep(renewal)).toBe(p.flags[0].after);
      expect(d(r)).toMatchObject({
        tasks_created: 0, // recovered: the key found the task the 503 hid
        deals_flagged: 1,
        written: { system: crm.system, id: `${renewal},${tasks[0]?.id}` },
        accounts: [{ task_id: tasks[0]?.id, recovered: true }],
      });
      const again = await h.call("handoff_churn_risk", { account_id: target.account_id, dry_run: true });
      expect(again.isError).toBe(true);
      expect(again.text).toMatch(/Nothing to hand off/);
    }, 120_000);
  });
});
