import { annotations, WrittenSchema } from "@revops/kit";
import { z } from "zod";
import { type CsPorts, csTool } from "../../ports";
import {
  draftsFor,
  draftView,
  ONBOARDING_HOME,
  ownerRuleNote,
  planView,
  wonDealFor,
  writeDraft,
} from "./plan-write";
import { DraftSchema } from "./schemas";
import { onboardingToolset } from "./toolset";

const input = z.object({ deal_id: z.string().min(1).max(64) }).strict();

async function draftOf(ports: CsPorts, dealId: string, planned: "refuse" | "port" = "refuse") {
  const [draft] = await draftsFor(ports, [await wonDealFor(ports, dealId, { planned })]);
  return draft as NonNullable<typeof draft>;
}

export const onboardingPlan = csTool({
  name: "onboarding_plan",
  title: "Create an onboarding plan",
  description: "Creates a closed-won deal's onboarding plan: segment milestones and a CS owner.",
  toolset: onboardingToolset.name,
  scopes: ["cs:write"],
  ports: [],
  annotations: annotations.update,
  input,
  output: DraftSchema.extend({
    recovered: z.boolean(),
    written: WrittenSchema,
    notes: z.array(z.string()),
  }),
  guard: {
    kind: "destructive",
    preview: async (i, ctx) => {
      const d = await draftOf(ctx.ports, i.deal_id);
      const view = draftView(d);
      return {
        summary: `Create onboarding plan ${view.plan_id} for ${d.deal.accountName} (deal ${d.deal.dealId}, ${d.deal.segment}): owner ${d.owner.name}, ${d.milestones.length} milestones from ${d.milestones[0]?.dueDate} to ${d.milestones.at(-1)?.dueDate}`,
        action: "create",
        record_type: "onboarding plan",
        records: [{ id: view.plan_id, name: d.deal.accountName }],
        plan: view,
        side_effects: [ownerRuleNote, ONBOARDING_HOME],
      };
    },
  },
  example: { deal_id: "deal_0005" },
  handler: async ({ input, ctx }) => {
    const d = await draftOf(ctx.ports, input.deal_id, "port");
    const r = await writeDraft(ctx.ports, d, {
      principal: ctx.principal.id,
      ...(ctx.write && { planHash: ctx.write.planHash, idempotencyKey: ctx.write.idempotencyKey }),
    });
    return {
      ...planView(r.plan),
      recovered: r.recovered,
      written: { system: "revops", id: r.plan.id },
      notes: [ownerRuleNote, ONBOARDING_HOME],
    };
  },
  render: (o) =>
    [
      `Onboarding plan ${o.plan_id} for ${o.account_name} (${o.segment}), owner ${o.owner.name}${o.recovered ? " (already written by an interrupted attempt)" : ""}:`,
      ...o.milestones.map((m) => `- ${m.due_date} ${m.name}`),
      ...o.notes,
    ].join("\n"),
});
