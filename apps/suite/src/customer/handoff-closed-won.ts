import {
  type CsPorts,
  draftsFor,
  draftView,
  ONBOARDING_HOME,
  OnboardingDraftSchema,
  ownerRuleNote,
  planView,
  wonDealFor,
  writeDraft,
} from "@revops/cs-mcp";
import { annotations, IsoDateSchema, type ToolContext, ToolError, userError } from "@revops/kit";
import { z } from "zod";
import { type CustomerPorts, customerTool } from "./ports";
import { handoffsToolset } from "./toolsets";

/** Deals handed off per call at most: a bigger backlog is handed off in batches, oldest first. */
const MAX_DEALS = 50;
/** Plans listed in a bulk preview; the rest are counted. */
const SAMPLE = 5;
const DEFAULT_SINCE_DAYS = 30;

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
  // the account book onboarding reads (segment, plan) is the sandbox's; a vendor CRM's deals are not in it
  if (sales.source !== "sandbox")
    throw new ToolError(
      "user",
      "The closed-won hand-off reads the sandbox company's CRM in this version; with a vendor CRM connected it is not available yet.",
      {
        hint: "Unset SALES_CRM to use the sandbox, or create plans with cs_onboarding_plan on sandbox deals.",
      },
    );
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

/** The plans the hand-off would create, owners assigned over the CS team's current load. */
async function planOf(ports: CustomerPorts, a: Input) {
  const cs: CsPorts = await ports.cs();
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
  return { cs, drafts: await draftsFor(cs, deals) };
}

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
    notes: z.array(z.string()),
  }),
  guard: {
    kind: "destructive",
    preview: async (a, ctx) => {
      const { drafts } = await planOf(ctx.ports, a);
      const views = drafts.map(draftView);
      const only = views.length === 1 ? views[0] : undefined;
      return {
        summary: only
          ? `Hand off deal ${only.deal_id}: onboarding plan for ${only.account_name} (${only.segment}), owner ${only.owner.name}, ${only.milestones.length} milestones`
          : `Hand off ${views.length} closed-won deals: ${views.length} onboarding plans`,
        action: "create",
        record_type: "onboarding plan",
        ...(only ? { records: [{ id: only.plan_id, name: only.account_name }] } : { count: views.length }),
        by_owner: countBy(views.map((v) => v.owner.name)),
        by_segment: countBy(views.map((v) => v.segment)),
        sample: views.slice(0, SAMPLE),
        side_effects: [ownerRuleNote, ONBOARDING_HOME],
      };
    },
  },
  example: { deal_id: "deal_0007" },
  handler: async ({ input: a, ctx }) => handOff(a, ctx),
  render: (o) =>
    [
      `${o.created} onboarding plans created:`,
      ...o.plans.map((p) => `- ${p.plan_id} ${p.account_name} (${p.segment}), owner ${p.owner.name}`),
      ...o.notes,
    ].join("\n"),
});

async function handOff(a: Input, ctx: ToolContext<CustomerPorts>) {
  const { cs, drafts } = await planOf(ctx.ports, a);
  const plans = [];
  for (const d of drafts) {
    const r = await writeDraft(cs, d, {
      principal: ctx.principal.id,
      // one key per deal, so a retried hand-off recovers what an interrupted one wrote
      ...(ctx.write && {
        planHash: ctx.write.planHash,
        idempotencyKey: `${ctx.write.idempotencyKey}:${d.deal.dealId}`,
      }),
    });
    plans.push(planView(r.plan));
  }
  return { created: plans.length, plans, notes: [ownerRuleNote, ONBOARDING_HOME] };
}
