import { AnalyticsMetaSchema, annotations, LimitSchema, untrustedName } from "@revops/kit";
import { STALL_DAYS } from "@revops/sandbox";
import { z } from "zod";
import { median, planStatus } from "../../domain/onboarding";
import { csTool } from "../../ports";
import { ONBOARDING_HOME, ownerRuleNote } from "./plan-write";
import { onboardingToolset } from "./toolset";

const SEGMENTS = ["smb", "mid_market", "enterprise"] as const;

const OffTrackSchema = z.object({
  plan_id: z.string(),
  account_id: z.string(),
  account_name: untrustedName(z.string(), "account name"),
  owner: z.string(),
  next_milestone: z.string(),
  due_date: z.string(),
  days_overdue: z.number().int(),
  stalled: z.number().int(),
});

export const onboardingStatus = csTool({
  name: "onboarding_status",
  title: "Onboarding status",
  description:
    "Accounts onboarding: time to value, milestones done, overdue and stalled, accounts off track.",
  toolset: onboardingToolset.name,
  scopes: ["cs:read"],
  ports: [],
  annotations: annotations.read,
  input: z.object({ segment: z.enum(SEGMENTS).optional(), limit: LimitSchema.optional() }).strict(),
  output: z.object({
    accounts_onboarding: z.number().int(),
    completed: z.number().int(),
    milestones: z.object({ done: z.number().int(), overdue: z.number().int(), stalled: z.number().int() }),
    time_to_value_days: z.object({ median: z.number().nullable(), accounts: z.number().int() }),
    off_track_count: z.number().int(),
    off_track: z.array(OffTrackSchema),
    meta: AnalyticsMetaSchema,
  }),
  example: { limit: 3 },
  handler: async ({ input, ctx }) => {
    const today = await ctx.ports.today();
    const plans = (await ctx.ports.onboarding.plans()).filter(
      (p) => !input.segment || p.segment === input.segment,
    );
    const status = plans.map((p) => planStatus(p, today));
    const onboarding = status.filter((s) => !s.complete);
    const ttv = status.flatMap((s) => (s.timeToValue === null ? [] : [s.timeToValue]));
    const offTrack = onboarding
      .filter((s) => s.overdue > 0)
      .sort(
        (a, b) =>
          (b.next?.daysOverdue ?? 0) - (a.next?.daysOverdue ?? 0) || a.plan.id.localeCompare(b.plan.id),
      );
    const sum = (f: (s: (typeof status)[number]) => number) => status.reduce((n, s) => n + f(s), 0);
    return {
      accounts_onboarding: onboarding.length,
      completed: status.length - onboarding.length,
      milestones: {
        done: sum((s) => s.done),
        overdue: sum((s) => s.overdue),
        stalled: sum((s) => s.stalled),
      },
      time_to_value_days: { median: median(ttv), accounts: ttv.length },
      off_track_count: offTrack.length,
      off_track: offTrack.slice(0, input.limit ?? 10).map((s) => ({
        plan_id: s.plan.id,
        account_id: s.plan.accountId,
        account_name: s.plan.accountName,
        owner: s.plan.ownerName,
        next_milestone: s.next?.name ?? "",
        due_date: s.next?.dueDate ?? "",
        days_overdue: s.next?.daysOverdue ?? 0,
        stalled: s.stalled,
      })),
      meta: {
        method: `onboarding-status v1: milestones as of today; overdue = open past due; stalled = overdue > ${STALL_DAYS} days; off track = any overdue; time to value = close date → first-value milestone done`,
        as_of: today,
        source: "revops",
        inputs: { plans: plans.length, segment: input.segment ?? "all" },
        caveats: [ONBOARDING_HOME, ownerRuleNote],
      },
    };
  },
  render: (o) =>
    [
      `${o.accounts_onboarding} accounts onboarding, ${o.completed} completed; milestones ${o.milestones.done} done, ${o.milestones.overdue} overdue, ${o.milestones.stalled} stalled; median time to value ${o.time_to_value_days.median ?? "n/a"} days (${o.time_to_value_days.accounts} accounts).`,
      `${o.off_track_count} off track:`,
      ...o.off_track.map(
        (a) =>
          `- ${a.account_name} (${a.owner}): ${a.next_milestone} due ${a.due_date}, ${a.days_overdue} days overdue`,
      ),
    ].join("\n"),
});
