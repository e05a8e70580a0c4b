import { approvalsAdmin, guardConfig } from "@revops/guards";
import { safetyConfigSchema, safetyHooks, safetyModules } from "@revops/safety";
import { journalChanges, sandboxPlantedLinks, sandboxPlantedPersonLinks } from "@revops/sandbox";
import { connectInProcess } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSuiteModules } from "../src/server";

type Session = Awaited<ReturnType<typeof connectInProcess>>;
let s: Session;
// biome-ignore lint/suspicious/noExplicitAny: the test reads structured results field by field
const call = async (name: string, args: Record<string, unknown>): Promise<any> => {
  const r = await s.client.callTool({ name, arguments: args });
  return { ...(r.structuredContent as object), isError: r.isError, text: JSON.stringify(r.content) };
};

beforeAll(async () => {
  s = await connectInProcess([...createSuiteModules(), ...safetyModules], {
    hooks: safetyHooks("suite"),
    schema: safetyConfigSchema,
    namespace: true,
    env: { CONFIRMATION_MODE: "approval", LOG_LEVEL: "silent" },
  });
  // the first call loads the sandbox company
  await s.client.callTool({ name: "customer_360", arguments: { account_id: "acc_0001" } });
}, 180_000);
afterAll(async () => s?.close());

describe("customer_360", () => {
  it("joins the CRM account, its deals and the linked systems' facts, each with its source, checked by SQL", async () => {
    const db = await s.app.runtime.sql();
    const truth = await sandboxPlantedLinks(db);
    // a customer whose help desk, analytics and messenger records all carry the CRM id
    const clean = (id: string) =>
      ["zendesk", "mixpanel", "intercom"].every((sys) =>
        truth.some((t) => t.system === sys && t.accountId === id && t.kind === "clean"),
      );
    const ids = (
      await db.query<{ id: string }>("SELECT id FROM sb_accounts WHERE lifecycle = 'customer' ORDER BY id")
    ).map((r) => r.id);
    const id = ids.find(clean) as string;
    const r = await call("customer_360", { account_id: id });
    expect(r.isError).toBeFalsy();
    const acc = await db.one<{ name: string; arr: number }>(
      "SELECT name, arr FROM sb_accounts WHERE id = ?",
      [id],
    );
    expect(r.account).toMatchObject({ id, name: acc?.name, arr: Number(acc?.arr), source: "sandbox" });
    const open = await db.query<{ amount: number }>(
      "SELECT amount FROM sb_deals WHERE account_id = ? AND stage NOT IN ('closed_won', 'closed_lost')",
      [id],
    );
    expect(r.deals.open).toBe(open.length);
    expect(r.deals.open_amount).toBe(open.reduce((n, d) => n + Number(d.amount), 0));
    const today = await db.one<{ d: string }>("SELECT MAX(day) AS d FROM sb_usage_daily");
    const t90 = await db.one<{ n: number }>(
      "SELECT COUNT(*) AS n FROM sb_tickets WHERE account_id = ? AND created_at >= ?",
      [id, new Date(Date.parse(`${today?.d}T00:00:00Z`) - 89 * 86_400_000).toISOString().slice(0, 10)],
    );
    expect(Math.abs(r.support.tickets_90d - Number(t90?.n))).toBeLessThanOrEqual(1);
    expect(r.support.source).toMatch(/zendesk/);
    expect(r.health.source).toMatch(/mixpanel/);
    expect(r.health.score).toBeGreaterThanOrEqual(0);
    const term = await db.one<{ renewal_date: string }>(
      "SELECT renewal_date FROM sb_subscriptions WHERE account_id = ? AND status = 'active'",
      [id],
    );
    expect(r.churn?.renewal_date).toBe(term?.renewal_date);
    expect(r.churn.probability).toBeGreaterThan(0);
    expect(r.churn.probability).toBeLessThan(1);
    expect(r.churn.held_out_auc).toBeGreaterThanOrEqual(0.85);
    expect(r.links.map((l: { system: string }) => l.system)).toEqual(
      expect.arrayContaining(["zendesk", "mixpanel", "intercom"]),
    );
  });

  it("leaves out a system's facts while its link is below the threshold, and uses them once a human confirms it", async () => {
    const db = await s.app.runtime.sql();
    const truth = await sandboxPlantedLinks(db);
    const typo = truth.find(
      (t) => t.system === "zendesk" && t.kind === "typo" && t.accountId,
    ) as (typeof truth)[number];
    const before = await call("customer_360", { account_id: typo.accountId });
    expect(before.support).toBeNull();
    expect(before.meta.caveats.join(" ")).toContain(`(${typo.externalId}) matches at`);
    const review = await call("identity_links", { status: "review", system: "zendesk", limit: 100 });
    expect(review.links.some((l: { external_id: string }) => l.external_id === typo.externalId)).toBe(true);
    const preview = await call("identity_review", {
      system: "zendesk",
      external_id: typo.externalId,
      action: "confirm",
      dry_run: true,
    });
    expect(preview.dry_run, preview.text).toBe(true);
    expect(preview.plan.changes).toEqual([
      { field: "account_id", before: typo.accountId, after: typo.accountId },
      { field: "status", before: "review", after: "confirmed" },
    ]);
    const args = { system: "zendesk", external_id: typo.externalId, action: "confirm" };
    const queued = await call("identity_review", args);
    const id = /apr_[\w-]+/.exec(queued.text)?.[0] as string;
    expect(id, queued.text).toBeDefined();
    const sql = async () => s.app.runtime.sql();
    await approvalsAdmin({ sql, config: guardConfig() }).approve(id, "ann");
    const done = await call("identity_review", { ...args, approval_id: id });
    expect(done.isError, done.text).toBeFalsy();
    expect(done.link.status).toBe("confirmed");
    const after = await call("customer_360", { account_id: typo.accountId });
    expect(after.support?.source).toContain(typo.externalId);
  });

  it("lists an account's people, and a person link is split only once a human approves", async () => {
    const db = await s.app.runtime.sql();
    const truth = await sandboxPlantedPersonLinks(db);
    const clean = truth.find((t) => t.system === "intercom" && t.kind === "clean") as (typeof truth)[number];
    const contact = await db.one<{ account_id: string }>("SELECT account_id FROM sb_contacts WHERE id = ?", [
      clean.contactId,
    ]);
    const r = await call("customer_360", { account_id: contact?.account_id });
    expect(r.people).toContainEqual(
      expect.objectContaining({
        system: "intercom",
        external_id: clean.externalId,
        contact_id: clean.contactId,
      }),
    );
    const review = await call("identity_links", { of: "people", status: "review", limit: 100 });
    expect(review.links.length, review.text).toBeGreaterThan(0);
    const decoy = truth.find((t) => t.kind === "decoy") as (typeof truth)[number];
    const page = await call("identity_links", {
      of: "people",
      status: "auto",
      system: decoy.system,
      limit: 100,
    });
    expect(page.links.some((l: { external_id: string }) => l.external_id === decoy.externalId)).toBe(false);
    const args = { of: "people", system: "intercom", external_id: clean.externalId, action: "split" };
    const preview = await call("identity_review", { ...args, dry_run: true });
    expect(preview.plan.changes).toEqual([
      { field: "account_id", before: contact?.account_id, after: null },
      { field: "contact_id", before: clean.contactId, after: null },
      { field: "status", before: "auto", after: "rejected" },
    ]);
    const merge = await call("identity_review", { ...args, action: "merge", account_id: "acc_0001" });
    expect(merge.isError).toBe(true);
    const queued = await call("identity_review", args);
    const id = /apr_[\w-]+/.exec(queued.text)?.[0] as string;
    expect(id, queued.text).toBeDefined();
    await approvalsAdmin({ sql: async () => s.app.runtime.sql(), config: guardConfig() }).approve(id, "ann");
    const done = await call("identity_review", { ...args, approval_id: id });
    expect(done.isError, done.text).toBeFalsy();
    const after = await call("customer_360", { account_id: contact?.account_id });
    expect(after.people.some((p: { external_id: string }) => p.external_id === clean.externalId)).toBe(false);
  });

  it("names the field when the account does not exist", async () => {
    const r = await call("customer_360", { account_id: "acc_9999" });
    expect(r.isError).toBe(true);
    expect(r.text).toContain("account_id");
  });
});

describe("hand-off: renewal in commit at high churn risk", () => {
  it("warns in the sales forecast when customer success expects to lose a renewal that sales has in commit", async () => {
    const db = await s.app.runtime.sql();
    const risk = await call("cs_churn_risk", { limit: 1 });
    const top = risk.renewals?.[0] ?? risk.accounts?.[0];
    expect(top, risk.text).toBeDefined();
    const accountId = top.account_id as string;
    const today = (await db.one<{ d: string }>("SELECT MAX(day) AS d FROM sb_usage_daily"))?.d as string;
    const quarter = `${today.slice(0, 4)}-Q${Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1}`;
    const before = await call("sales_forecast_get", { quarter });
    expect(before.reconciliation.some((c: { account: string }) => c.account === top.account_name)).toBe(
      false,
    );
    // a renewal deal for that account, closing this quarter, in commit
    await db.run(
      `INSERT INTO sb_deals (id, name, account_id, owner_id, stage, amount, probability, close_date, created_date, type,
         forecast_category, next_step, last_activity_at)
       SELECT 'deal_handoff_commit', 'Renewal handoff', a.id, a.owner_id, 'negotiation', a.arr, 75, ?, ?, 'renewal', 'commit', NULL, NULL
       FROM sb_accounts a WHERE a.id = ?`,
      [today, today, accountId],
    );
    // journalled as every sandbox write is, so reads kept while the data is unchanged see it
    const journal = (after: string | null) =>
      journalChanges(
        db,
        [{ entity: "deal", recordId: "deal_handoff_commit", field: "stage", before: null, after }],
        {
          principal: "test",
        },
      );
    await journal("negotiation");
    try {
      const after = await call("sales_forecast_get", { quarter });
      const flagged = after.reconciliation.find(
        (c: { deal_id: string }) => c.deal_id === "deal_handoff_commit",
      );
      expect(flagged, JSON.stringify(after.reconciliation)).toBeDefined();
      expect(flagged.churn_probability).toBeGreaterThan(0.3);
      expect(after.meta.caveats.join(" ")).toContain("Reconcile: renewal deal_handoff_commit");
    } finally {
      await db.run("DELETE FROM sb_deals WHERE id = 'deal_handoff_commit'");
      await journal(null);
    }
  });
});
