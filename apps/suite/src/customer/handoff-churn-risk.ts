import { assessAccounts, type RiskAssessment } from "@revops/cs-mcp";
import { annotations, type ToolContext, untrustedName, userError, WrittenSchema } from "@revops/kit";
import { z } from "zod";
import { crmAccountsOf } from "./handoff-accounts";
import { type CustomerPorts, customerTool } from "./ports";
import { handoffsToolset } from "./toolsets";

/** Accounts handed off per call at most: a bigger at-risk book is handed off in batches. */
const MAX_ACCOUNTS = 50;
/** Plans listed in a bulk preview; the rest are counted. */
const SAMPLE = 5;
/** Days the account owner gets to act (sooner when the renewal deal closes sooner). */
const DUE_DAYS = 3;
export const CHURN_SOURCE = "handoff_churn_risk";
/** How a flagged renewal deal's next step starts: a deal already carrying it is not flagged again. */
export const FLAG_PREFIX = "Churn risk (RevOps";
/** Where the flag is written in each CRM: a standard field both the vendor and our fakes accept. */
const FLAG_FIELD: Record<string, string> = {
  salesforce: "Opportunity.NextStep (255 characters at most)",
  hubspot: "the deal's hs_next_step property",
};
/** Salesforce's Opportunity.NextStep holds 255 characters. */
const FLAG_MAX = 255;
const homeOf = (system: string) =>
  `Each account owner gets one task in ${system}; each open renewal deal's next step (${FLAG_FIELD[system] ?? "its next step"}) is replaced by the flag (its old next step is in this plan).`;

const input = z
  .object({
    // defaults and meaning in docs/tools (context budget): omit account_id for every account at risk
    account_id: z.string().min(1).max(64).optional(),
    health_drop: z.number().int().min(1).max(100).default(15),
    days: z.number().int().min(7).max(180).default(30),
    min_probability: z.number().min(0).max(1).optional(),
  })
  .strict();
type Input = z.output<typeof input>;

const plusDays = (day: string, n: number) =>
  new Date(Date.parse(day) + n * 86_400_000).toISOString().slice(0, 10);
const pct = (p: number | null) => (p === null ? "n/a" : `${Math.round(p * 100)}%`);

/** Why an account qualifies, in words the owner reads in the task and the deal's next step. */
function why(r: RiskAssessment, a: Input, threshold: number | null): string[] {
  const out: string[] = [];
  if (r.drop !== null && r.drop >= a.health_drop)
    out.push(`health ${r.healthBefore} → ${r.health} in ${a.days} d`);
  if (r.probability !== null && threshold !== null && r.probability >= threshold)
    out.push(`churn probability ${pct(r.probability)}`);
  return out;
}

const PlanSchema = z.object({
  account_id: z.string(),
  crm_account_id: z.string(),
  account_name: untrustedName(z.string(), "account name"),
  owner: z.object({ id: z.string(), name: z.string() }),
  health: z.number(),
  drop: z.number().nullable(),
  probability: z.number().nullable(),
  reasons: z.array(z.string()),
  task: z.object({
    subject: untrustedName(z.string(), "task subject"),
    due_date: z.string(),
    deal_id: z.string().nullable(),
  }),
  flags: z.array(
    z.object({
      deal_id: z.string(),
      deal_name: untrustedName(z.string(), "deal name"),
      before: z.string().nullable(),
      after: z.string(),
    }),
  ),
});
type Plan = z.output<typeof PlanSchema>;

/** Accounts at risk by the two rules, minus those already handed off (an open task from this hand-off). */
async function planOf(
  ports: CustomerPorts,
  a: Input,
): Promise<{ plans: Plan[]; leftOut: string[]; today: string; rule: string }> {
  const sales = await ports.sales();
  const cs = await ports.cs();
  const sel = await assessAccounts(cs, {
    dropDays: a.days,
    ...(a.account_id && { accountIds: [a.account_id] }),
  });
  const threshold = a.min_probability ?? sel.model?.threshold ?? null;
  const rule = `health dropped ≥ ${a.health_drop} points over ${a.days} days, or churn probability ≥ ${threshold ?? "n/a"} (${sel.model?.version ?? "no churn model"})`;
  const atRisk = sel.rows.filter((r) => why(r, a, threshold).length > 0);
  const open = await cs.tasks.openTasks({
    accountIds: atRisk.map((r) => r.accountId),
    sourcePrefix: CHURN_SOURCE,
  });
  const handed = new Set(open.map((t) => t.accountId));
  const todo = atRisk.filter((r) => !handed.has(r.accountId));
  if (todo.length === 0) {
    const one = sel.rows[0];
    throw userError(
      a.account_id && one && !handed.has(one.accountId)
        ? `account_id: ${one.accountName} is not at risk by the rule (${rule}): health ${one.health}${one.drop === null ? "" : ` (${one.drop >= 0 ? "−" : "+"}${Math.abs(one.drop)})`}, churn ${pct(one.probability)}.`
        : `Nothing to hand off: no account meets the rule (${rule}) without an open hand-off task.`,
      {
        fields: a.account_id ? ["account_id"] : ["health_drop", "min_probability"],
        hint: "Lower health_drop or min_probability, or read cs_churn_risk for the probabilities.",
      },
    );
  }
  if (todo.length > MAX_ACCOUNTS)
    throw userError(`${todo.length} accounts at risk; at most ${MAX_ACCOUNTS} per call.`, {
      fields: ["health_drop", "min_probability"],
      hint: "Raise health_drop or min_probability (or pass one account_id) and hand off in batches.",
    });
  // the CS book's accounts in the CRM: a link below the identity threshold is left out, and the plan says so
  const crmIds = await crmAccountsOf(
    ports,
    todo.map((r) => ({ id: r.accountId, name: r.accountName })),
  );
  const plans: Plan[] = [];
  const leftOut: string[] = [];
  for (const r of todo) {
    const match = crmIds.get(r.accountId);
    if (!match || match.crmId === null) {
      leftOut.push(match ? match.why : `${r.accountName} (${r.accountId}): no CRM account`);
      continue;
    }
    const account = await sales.crm.getAccount(match.crmId);
    if (!account) {
      leftOut.push(`${r.accountName} (${r.accountId}): ${sales.source} has no account ${match.crmId}`);
      continue;
    }
    const reasons = why(r, a, threshold);
    const flag =
      `${FLAG_PREFIX} ${sel.today}): ${reasons.join("; ")}. See ${account.ownerName}'s task.`.slice(
        0,
        FLAG_MAX,
      );
    const renewals = account.openDeals.filter((x) => x.type === "renewal");
    const flags = [];
    for (const d of renewals) {
      // fresh from the system of record: the plan shows the next step it replaces
      const now = await sales.crm.getDeal(d.id);
      if (!now || now.nextStep?.startsWith(FLAG_PREFIX)) continue;
      flags.push({ deal_id: d.id, deal_name: d.name, before: now.nextStep, after: flag });
    }
    // a vendor's tasks are not in our task store: renewal deals that all carry the flag mean it was handed off
    if (sales.source !== "sandbox" && renewals.length > 0 && flags.length === 0) continue;
    const firstClose = renewals[0]?.closeDate;
    const due = plusDays(sel.today, DUE_DAYS);
    plans.push({
      account_id: r.accountId,
      crm_account_id: account.id,
      account_name: r.accountName,
      owner: { id: account.ownerId, name: account.ownerName },
      health: r.health,
      drop: r.drop,
      probability: r.probability,
      reasons,
      task: {
        subject: `Churn risk: ${r.accountName} (${reasons.join("; ")})`,
        due_date: firstClose && firstClose >= sel.today && firstClose < due ? firstClose : due,
        deal_id: flags[0]?.deal_id ?? null,
      },
      flags,
    });
  }
  if (plans.length === 0)
    throw userError(
      `Nothing to hand off: ${leftOut.join("; ") || "every account at risk is already flagged"}.`,
      {
        fields: a.account_id ? ["account_id"] : ["health_drop", "min_probability"],
        hint: "Correct or confirm the links named above, or read the flagged renewal deals with deals_list.",
      },
    );
  return { plans, leftOut, today: sel.today, rule };
}

const countBy = (xs: string[]) =>
  Object.fromEntries([...new Set(xs)].sort().map((k) => [k, xs.filter((x) => x === k).length]));

export const handoffChurnRisk = customerTool({
  name: "handoff_churn_risk",
  title: "Hand off churn risk to account owners",
  description:
    "Tasks owners of accounts whose health dropped or churn risk is high; flags their renewal deals.",
  toolset: handoffsToolset.name,
  scopes: ["sales:write", "cs:read"],
  annotations: annotations.update,
  input,
  output: z.object({
    tasks_created: z.number().int(),
    deals_flagged: z.number().int(),
    rule: z.string(),
    accounts: z.array(PlanSchema.extend({ task_id: z.string(), recovered: z.boolean() })),
    left_out: z.array(z.string()),
    written: WrittenSchema,
    notes: z.array(z.string()),
  }),
  guard: {
    kind: "destructive",
    preview: async (a, ctx) => {
      const { plans, leftOut, rule } = await planOf(ctx.ports, a);
      const { source } = await ctx.ports.sales();
      const only = plans.length === 1 ? plans[0] : undefined;
      const flags = plans.reduce((n, p) => n + p.flags.length, 0);
      return {
        summary: only
          ? `Hand off ${only.account_name} (${only.reasons.join("; ")}): task for ${only.owner.name}, ${only.flags.length} renewal deals flagged`
          : `Hand off ${plans.length} at-risk accounts: ${plans.length} tasks for account owners, ${flags} renewal deals flagged`,
        system: source,
        action: "create",
        record_type: "churn-risk hand-off",
        // one record per account: more than one is a bulk change (approval queue)
        ...(only ? { records: [{ id: only.account_id, name: only.account_name }] } : { count: plans.length }),
        rule,
        tasks: plans.length,
        deals_flagged: flags,
        by_owner: countBy(plans.map((p) => p.owner.name)),
        sample: plans.slice(0, SAMPLE),
        left_out: leftOut,
        side_effects: [homeOf(source)],
      };
    },
  },
  example: { health_drop: 15, days: 30 },
  handler: async ({ input: a, ctx }) => handOff(a, ctx),
  render: (o) =>
    [
      `${o.tasks_created} tasks created, ${o.deals_flagged} renewal deals flagged (${o.rule}):`,
      ...o.accounts.map(
        (p) =>
          `- ${p.account_name}: task ${p.task_id} for ${p.owner.name} due ${p.task.due_date}; ${p.reasons.join("; ")}; flagged ${p.flags.map((f) => f.deal_id).join(", ") || "no open renewal deal"}`,
      ),
      ...o.left_out.map((w) => `- not handed off: ${w}`),
      ...o.notes,
    ].join("\n"),
});

async function handOff(a: Input, ctx: ToolContext<CustomerPorts>) {
  const { plans, leftOut, today, rule } = await planOf(ctx.ports, a);
  const { crm, source } = await ctx.ports.sales();
  const base = ctx.write?.idempotencyKey ?? `${CHURN_SOURCE}:${today}`;
  const origin = { principal: ctx.principal.id, ...(ctx.write && { planHash: ctx.write.planHash }) };
  const accounts = [];
  const ids: string[] = [];
  let created = 0;
  let flagged = 0;
  for (const p of plans) {
    // one key per account and deal, so a retried hand-off recovers what an interrupted one wrote
    const t = await crm.createTask(
      {
        ownerId: p.owner.id,
        accountId: p.crm_account_id,
        dealId: p.task.deal_id,
        subject: p.task.subject,
        dueDate: p.task.due_date,
        source: CHURN_SOURCE,
      },
      { ...origin, idempotencyKey: `${base}:${p.account_id}` },
    );
    if (!t.recovered) created++;
    for (const f of p.flags) {
      const w = await crm.updateDeal(
        f.deal_id,
        { nextStep: f.after },
        { ...origin, idempotencyKey: `${base}:${f.deal_id}` },
        { nextStep: f.before },
      );
      if (w) ids.push(w.id);
      flagged++;
    }
    ids.push(t.id);
    accounts.push({ ...p, task_id: t.id, recovered: t.recovered });
  }
  return {
    tasks_created: created,
    deals_flagged: flagged,
    rule,
    accounts,
    left_out: leftOut,
    // the audit record keeps the task and deal ids written in the CRM
    written: { system: source, id: ids.join(",") },
    notes: [homeOf(source)],
  };
}
