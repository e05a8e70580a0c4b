import { notFound, ToolError, userError } from "@revops/kit";
import { OWNER_RULE } from "@revops/sandbox";
import { draftOnboardings, type OnboardingDraft } from "../../domain/onboarding";
import { type CsPorts, type OnboardingPlan, OnboardingWriteError, type WonDeal } from "../../ports";

/** Said in every onboarding result: where the plans are kept. */
export const ONBOARDING_HOME =
  "Onboarding plans live in the suite's database (no connected vendor holds them); the deal and account come from the CRM.";

/**
 * A won new customer's deal, or a user error saying why it cannot be onboarded. Previews refuse a deal that has a
 * plan; the write itself leaves that to the port, which recovers a plan its own interrupted attempt wrote.
 */
export async function wonDealFor(
  ports: CsPorts,
  dealId: string,
  opts: { field?: string; planned?: "refuse" | "port" } = {},
): Promise<WonDeal> {
  const field = opts.field ?? "deal_id";
  const deal = await ports.onboarding.wonDeal(dealId);
  if (!deal)
    throw notFound(`${field}: no deal ${dealId}.`, {
      fields: [field],
      hint: "Pass a closed-won deal id, e.g. from deals_list.",
    });
  if (deal.stage !== "closed_won")
    throw userError(`${field}: deal ${dealId} is ${deal.stage}; only a closed-won deal starts onboarding.`, {
      fields: [field],
      hint: "Pass a closed-won deal id.",
    });
  if (deal.type !== "new_business")
    throw userError(
      `${field}: deal ${dealId} is ${deal.type}; onboarding plans are for new customers (new_business deals).`,
      {
        fields: [field],
        hint: "Pass the account's closed-won new_business deal.",
      },
    );
  const existing = opts.planned !== "port" && (await ports.onboarding.plansOfDeals([dealId])).get(dealId);
  if (existing)
    throw userError(
      `${field}: deal ${dealId} already has onboarding plan ${existing.id} (owner ${existing.ownerName}).`,
      {
        fields: [field],
        hint: "One plan per deal: read it with onboarding_status.",
      },
    );
  return deal;
}

/** Drafts plans for the deals with the owner rule applied over the team's current load. */
export async function draftsFor(ports: CsPorts, deals: readonly WonDeal[]): Promise<OnboardingDraft[]> {
  const drafts = draftOnboardings(deals, await ports.onboarding.csmLoads());
  return drafts.map((d, i) => {
    if (d) return d;
    throw new ToolError("user", `No customer-success manager covers segment ${deals[i]?.segment}.`, {
      hint: "Add a CSM for that segment to the customer-success team.",
    });
  });
}

/** A stored plan as results show it (after a recovered retry, the plan written first). */
export const planView = (p: OnboardingPlan) => ({
  plan_id: p.id,
  deal_id: p.dealId,
  account_id: p.accountId,
  account_name: p.accountName,
  segment: p.segment,
  owner: { id: p.ownerId, name: p.ownerName },
  milestones: p.milestones.map((m) => ({ name: m.name, due_date: m.dueDate })),
});

/** One draft as previews and results show it. */
export const draftView = (d: OnboardingDraft) => ({
  plan_id: `onb_${d.deal.dealId}`,
  deal_id: d.deal.dealId,
  account_id: d.deal.accountId,
  account_name: d.deal.accountName,
  segment: d.deal.segment,
  owner: { id: d.owner.id, name: d.owner.name },
  milestones: d.milestones.map((m) => ({ name: m.name, due_date: m.dueDate })),
});

export const ownerRuleNote = `CS owner: ${OWNER_RULE}.`;

/** Writes one drafted plan; a deal planned meanwhile is a user error naming the plan. */
export async function writeDraft(
  ports: CsPorts,
  d: OnboardingDraft,
  origin: { principal: string; planHash?: string; idempotencyKey?: string },
) {
  try {
    return await ports.onboarding.createPlan(
      { deal: d.deal, ownerId: d.owner.id, milestones: d.milestones },
      origin,
    );
  } catch (err) {
    if (err instanceof OnboardingWriteError)
      throw userError(err.message, {
        fields: ["deal_id"],
        hint: "One plan per deal: read it with onboarding_status.",
      });
    throw err;
  }
}
