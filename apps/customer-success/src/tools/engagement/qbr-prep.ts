import { AnalyticsMetaSchema, annotations, MoneySchema, notFound, untrustedText } from "@revops/kit";
import { fromVendor } from "@revops/safety/vendor-errors";
import { z } from "zod";
import { HEALTH_METHOD, healthScore, topDriver } from "../../domain/health";
import { activeHealthWeights } from "../../health-weights";
import { csTool } from "../../ports";
import { AccountIdSchema, AccountNameSchema } from "../schemas";
import { engagementToolset } from "./toolset";

const DAY_MS = 86_400_000;
const minusDays = (day: string, n: number) =>
  new Date(Date.parse(day) - n * DAY_MS).toISOString().slice(0, 10);
/** Recent tickets quoted in the brief: enough to recall what went wrong, few enough to stay compact. */
const RECENT_TICKETS = 3;
const pct = (now: number, before: number) =>
  before > 0 ? Math.round(((now - before) / before) * 100) : null;

const FactSchema = z.object({
  area: z.enum(["account", "usage", "outcomes", "support", "nps", "health", "renewal"]),
  fact: z.string(),
  value: z.union([z.number(), z.string()]).nullable(),
  source: z.string(),
});
type Fact = z.output<typeof FactSchema>;

export const qbrPrep = csTool({
  name: "qbr_prep",
  title: "QBR brief",
  description:
    "A compact QBR brief for one customer: usage, outcomes, tickets, NPS, health and renewal, each sourced.",
  toolset: engagementToolset.name,
  scopes: ["cs:read"],
  ports: ["support"],
  annotations: annotations.read,
  input: z.object({ account_id: AccountIdSchema }).strict(),
  output: z.object({
    account_id: z.string(),
    account_name: AccountNameSchema,
    arr: MoneySchema,
    facts: z.array(FactSchema),
    recent_tickets: z.array(
      z.object({
        id: z.string(),
        subject: untrustedText(z.string(), "ticket subject", 120),
        status: z.string(),
      }),
    ),
    meta: AnalyticsMetaSchema,
  }),
  example: { account_id: "acc_0064" },
  handler: async ({ input, ctx }) => {
    const ports = ctx.ports;
    const today = await ports.today();
    const [s] = await fromVendor(() => ports.support.accountSignals({ accountIds: [input.account_id] }));
    if (!s)
      throw notFound(`No customer account ${input.account_id}.`, {
        fields: ["account_id"],
        hint: "Take an id from health_scores or renewals_upcoming.",
      });
    const [deals, tickets, plans] = await fromVendor(() =>
      Promise.all([
        ports.support.renewalDeals([s.accountId]),
        ports.support.searchTickets({ accountId: s.accountId, limit: RECENT_TICKETS }),
        ports.onboarding.plans(),
      ]),
    );
    const h = healthScore(s, today, (await activeHealthWeights(ports)).weights);
    const plan = plans.find((p) => p.accountId === s.accountId);
    const book = `${ports.source} account book`;
    const facts: Fact[] = [
      {
        area: "account",
        fact: "plan and seats",
        value: `${s.plan ?? "no active plan"}, ${s.seats} seats`,
        source: book,
      },
      {
        area: "usage",
        fact: `monthly actives per seat (${s.usageMonth ?? "last month"})`,
        value: s.monthlyActivesPerSeat ?? null,
        source: "product usage (monthly actives / seats)",
      },
      {
        area: "usage",
        fact: "usage change, last 30 days vs the 30 before (%)",
        value: pct(s.usageLast30, s.usagePrev30),
        source: "product usage (events)",
      },
      ...(plan
        ? [
            {
              area: "outcomes" as const,
              fact: "onboarding milestones done",
              value: `${plan.milestones.filter((m) => m.doneDate).length} of ${plan.milestones.length}`,
              source: `onboarding plan ${plan.id}`,
            },
          ]
        : []),
      { area: "support", fact: "tickets in the last 90 days", value: s.ticketsLast90, source: "help desk" },
      {
        area: "support",
        fact: "urgent tickets, last 90 days",
        value: s.urgentTicketsLast90,
        source: "help desk",
      },
      {
        area: "support",
        fact: "bad CSAT ratings, last 90 days",
        value: s.badCsatLast90,
        source: "help desk",
      },
      {
        area: "nps",
        fact: `average NPS score, last 180 days (${s.npsResponsesLast180} responses)`,
        value: s.npsAvgLast180,
        source: "NPS surveys",
      },
      {
        area: "health",
        fact: `health score (${h.risk} risk; weakest: ${topDriver(h).component})`,
        value: h.score,
        source: HEALTH_METHOD,
      },
      { area: "renewal", fact: "renewal date", value: s.renewalDate, source: book },
      ...deals.map((d) => ({
        area: "renewal" as const,
        fact: `renewal deal ${d.id}: stage, forecast category`,
        value: `${d.stage}, ${d.forecastCategory}`,
        source: "CRM",
      })),
    ];
    return {
      account_id: s.accountId,
      account_name: s.accountName,
      arr: s.arr,
      facts,
      recent_tickets: tickets.rows.map((t) => ({ id: t.id, subject: t.subject, status: t.status })),
      meta: {
        method: `qbr-v1: the account's current signals (as health_scores reads them), its onboarding plan, newest ${RECENT_TICKETS} tickets and open renewal deals; health by ${HEALTH_METHOD}`,
        as_of: today,
        source: ports.source,
        inputs: {
          account_id: s.accountId,
          since_nps: minusDays(today, 180),
          since_tickets: minusDays(today, 90),
        },
        caveats: ["Outcomes are onboarding milestones only: the suite holds no customer goals."],
      },
    };
  },
  render: (o) =>
    [
      `QBR brief: ${o.account_name} (${o.account_id}), ARR $${o.arr.toLocaleString("en-US")}`,
      ...o.facts.map((f) => `- ${f.area}: ${f.fact}: ${f.value ?? "n/a"} [${f.source}]`),
      ...o.recent_tickets.map((t) => `- recent ticket ${t.id} (${t.status}): ${t.subject}`),
    ].join("\n"),
});
