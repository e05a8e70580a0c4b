import {
  type CsPorts,
  draftsFor,
  draftView,
  ONBOARDING_HOME,
  type OnboardingDraft,
  OnboardingDraftSchema,
  ownerRuleNote,
  planView,
  wonDealFor,
  writeDraft,
} from "@revops/cs-mcp";
import { annotations, IsoDateSchema, type ToolContext, userError, WrittenSchema } from "@revops/kit";
import type { WonDeal } from "@revops/model";
import type { SalesPorts } from "@revops/sales-mcp";
import { segmentOf } from "@revops/sandbox";
import { z } from "zod";
import { crmUserNamed } from "./handoff-accounts";
import { type CustomerPorts, customerTool } from "./ports";
import { handoffsToolset } from "./toolsets";

/** Deals handed off per call at most: a bigger backlog is handed off in batches, oldest first. */
const MAX_DEALS = 50;
/** Plans listed in a bulk preview; the rest are counted. */
const SAMPLE = 5;
const DEFAULT_SINCE_DAYS = 30;
export const CLOSED_WON_SOURCE = "handoff_closed_won";

const input = z
  .object({
    deal_id: z.string().min(1).max(64).optional().describe("omit: all closed since `since`"),
    since: IsoDateSchema.optional().describe("default: 30 days ago"),
  })
  .strict();
type Input = z.output<typeof input>;

const minusDays = (day: string, n: number) =>
  new Date(Date.parse(day) - n * 86_400_000).toISOString().slice(0, 10);

/** Closed-won new business in the CRM (the sales port) that customer success has no onboarding plan for. */
async function unplannedDeals(ports: CustomerPorts, a: Input): Promise<string[]> {
  const sales = await ports.sales();
  if (a.deal_id) return [a.deal_id];
  const closeFrom = a.since ?? minusDays(await ports.today(), DEFAULT_SINCE_DAYS);
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await sales.crm.listDeals({
      stage: "closed_won",
      type: "new_business",
      closeFrom,
      limit: 100,
      ...(cursor && { cursor }),
    });
    ids.push(...page.rows.map((d) => d.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  const planned = await (await ports.cs()).onboarding.plansOfDeals(ids);
  return ids.filter((id) => !planned.has(id)).sort();
}

/** A won deal read fresh from a vendor CRM, its segment from the account's size (no product plan: the book has none yet). */
async function vendorWonDeal(sales: SalesPorts, id: string): Promise<WonDeal | undefined> {
  const d = await sales.crm.getDeal(id);
  if (!d) return undefined;
  const account = await sales.crm.getAccount(d.accountId);
  return {
    dealId: d.id,
    dealName: d.name,
    stage: d.stage,
    type: d.type,
    closeDate: d.closeDate,
    accountId: d.accountId,
    accountName: account?.name ?? d.accountName,
    segment: segmentOf(account?.sizeBand ?? ""),
    plan: null,
  };
}

/** Customer success's ports with won deals read from the CRM: the sandbox's own, or a vendor's through the sales port. */
async function csOf(ports: CustomerPorts): Promise<{ cs: CsPorts; sales: SalesPorts }> {
  const [cs, sales] = [await ports.cs(), await ports.sales()];
  if (sales.source === "sandbox") return { cs, sales };
  const onboarding = Object.assign(Object.create(cs.onboarding), {
    wonDeal: (id: string) => vendorWonDeal(sales, id),
  }) as CsPorts["onboarding"];
  return { cs: { ...cs, onboarding }, sales };
}

/** The CRM task for a plan's CS owner (a CRM user of the same name), due at the plan's first milestone. */
async function taskOf(sales: SalesPorts, d: OnboardingDraft) {
  const user = await crmUserNamed(sales, d.owner.name);
  const first = d.milestones[0];
  if (!user || !first) return null;
  return {
    owner: { id: user.id, name: user.name },
    subject: `Onboarding: ${d.deal.accountName} (plan onb_${d.deal.dealId}): ${first.name}`,
    due_date: first.dueDate,
  };
}

/** The plans the hand-off would create, owners assigned over the CS team's current load, each with its CRM task. */
async function planOf(ports: CustomerPorts, a: Input) {
  const { cs, sales } = await csOf(ports);
  const ids = await unplannedDeals(ports, a);
  if (ids.length === 0)
    throw userError(
      "Nothing to hand off: every closed-won new-business deal in range already has an onboarding plan.",
      {
        fields: ["since"],
        hint: "Pass an earlier since, or read the plans with cs_onboarding_status.",
      },
    );
  if (ids.length > MAX_DEALS)
    throw userError(`since: ${ids.length} deals to hand off; at most ${MAX_DEALS} per call.`, {
      fields: ["since"],
      hint: "Pass a later since (or one deal_id) and hand off in batches.",
    });
  const deals = [];
  // the same checks as cs_onboarding_plan: closed-won, new business, no plan yet
  for (const id of ids) deals.push(await wonDealFor(cs, id));
  const drafts = await draftsFor(cs, deals);
  const tasks = [];
  for (const d of drafts) tasks.push(await taskOf(sales, d));
  return { cs, sales, drafts, tasks };
}

/** Where the tasks go and what happens when a CS owner is no CRM user. */
const taskNote = (system: string) =>
  `Each plan's CS owner gets a task in ${system} (assigned to the CRM user of the same name, due at the first milestone); an owner who is no CRM user gets none (crm_task null).`;

const countBy = (xs: string[]) =>
  Object.fromEntries([...new Set(xs)].sort().map((k) => [k, xs.filter((x) => x === k).length]));

export const handoffClosedWon = customerTool({
  name: "handoff_closed_won",
  title: "Hand off closed-won deals to customer success",
  description: "Creates onboarding plans and CS owners for closed-won deals that have none.",
  toolset: handoffsToolset.name,
  scopes: ["cs:write"],
  annotations: annotations.update,
  input,
  output: z.object({
    created: z.number().int(),
    plans: z.array(OnboardingDraftSchema),
    crm_tasks: z.array(z.object({ deal_id: z.string(), task_id: z.string(), recovered: z.boolean() })),
    written: WrittenSchema,
    notes: z.array(z.string()),
  }),
  guard: {
    kind: "destructive",
    preview: async (a, ctx) => {
      const { drafts, tasks, sales } = await planOf(ctx.ports, a);
      const views = drafts.map((d, i) => ({ ...draftView(d), crm_task: tasks[i] ?? null }));
      const only = views.length === 1 ? views[0] : undefined;
      const crmTasks = tasks.filter(Boolean).length;
      return {
        summary: only
          ? `Hand off deal ${only.deal_id}: onboarding plan for ${only.account_name} (${only.segment}), owner ${only.owner.name}, ${only.milestones.length} milestones; ${only.crm_task ? `a task for ${only.crm_task.owner.name} in ${sales.source}` : `no task in ${sales.source} (the owner is no CRM user)`}`
          : `Hand off ${views.length} closed-won deals: ${views.length} onboarding plans, ${crmTasks} tasks in ${sales.source}`,
        crm_tasks: crmTasks,
        action: "create",
        record_type: "onboarding plan",
        ...(only ? { records: [{ id: only.plan_id, name: only.account_name }] } : { count: views.length }),
        by_owner: countBy(views.map((v) => v.owner.name)),
        by_segment: countBy(views.map((v) => v.segment)),
        sample: views.slice(0, SAMPLE),
        side_effects: [ownerRuleNote, ONBOARDING_HOME, taskNote(sales.source)],
      };
    },
  },
  example: { deal_id: "deal_0007" },
  handler: async ({ input: a, ctx }) => handOff(a, ctx),
  render: (o) =>
    [
      `${o.created} onboarding plans created:`,
      ...o.plans.map((p) => `- ${p.plan_id} ${p.account_name} (${p.segment}), owner ${p.owner.name}`),
      `${o.crm_tasks.length} CRM tasks for the owners (${o.written.system}).`,
      ...o.notes,
    ].join("\n"),
});

async function handOff(a: Input, ctx: ToolContext<CustomerPorts>) {
  const { cs, sales, drafts, tasks } = await planOf(ctx.ports, a);
  const plans = [];
  const crmTasks = [];
  for (const [i, d] of drafts.entries()) {
    // one key per deal (and its task), so a retried hand-off recovers what an interrupted one wrote
    const key = ctx.write && `${ctx.write.idempotencyKey}:${d.deal.dealId}`;
    const origin = {
      principal: ctx.principal.id,
      ...(ctx.write && { planHash: ctx.write.planHash }),
      ...(key && { idempotencyKey: key }),
    };
    const r = await writeDraft(cs, d, origin);
    // our store names accounts from the sandbox book: a vendor account keeps the CRM's name
    plans.push({ ...planView(r.plan), account_name: d.deal.accountName });
    const t = tasks[i];
    if (!t) continue;
    const w = await sales.crm.createTask(
      {
        ownerId: t.owner.id,
        accountId: d.deal.accountId,
        dealId: d.deal.dealId,
        subject: t.subject,
        dueDate: t.due_date,
        source: CLOSED_WON_SOURCE,
      },
      { ...origin, ...(key && { idempotencyKey: `${key}:task` }) },
    );
    crmTasks.push({ deal_id: d.deal.dealId, task_id: w.id, recovered: w.recovered });
  }
  return {
    created: plans.length,
    plans,
    crm_tasks: crmTasks,
    // the audit record keeps the plans' and the vendor's task ids
    written: {
      system: sales.source,
      id: [...plans.map((p) => p.plan_id), ...crmTasks.map((t) => t.task_id)].join(","),
    },
    notes: [ownerRuleNote, ONBOARDING_HOME, taskNote(sales.source)],
  };
}
