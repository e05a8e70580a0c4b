import type { CsPorts } from "@revops/cs-mcp";
import {
  activeHealthWeights,
  churnModelFor,
  HEALTH_METHOD,
  healthScore,
  predictChurn,
  topDriver,
} from "@revops/cs-mcp";
import { AnalyticsMetaSchema, annotations, MoneySchema, notFound, untrustedName } from "@revops/kit";
import { z } from "zod";
import type { StoredLink } from "../identity/store";
import { customerTool } from "./ports";
import { customerToolset } from "./toolsets";
import { UsageGroupSchema, usageGroupOf } from "./usage-group";

/** Which system each group of facts comes from: a fact is used only when that system's record is linked for sure. */
const FACT_SYSTEM = { support: "zendesk", usage: "mixpanel", nps: "intercom" } as const;
type Fact = keyof typeof FACT_SYSTEM;
const USED: StoredLink["status"][] = ["auto", "confirmed"];
const MAX_DEALS = 5;
/** People listed per account: enough to know who writes in, within the context budget. */
const MAX_PEOPLE = 8;

/** The churn model's probability for the account's upcoming renewal (the model `cs_churn_risk` serves), if it has one. */
async function churnOf(cs: CsPorts, accountId: string, today: string) {
  const { model } = await churnModelFor(cs.support, today);
  const term = (await cs.support.upcomingRenewals()).find((t) => t.accountId === accountId);
  if (!model || !term) return null;
  const p = predictChurn(model.fitted, term);
  return {
    probability: Math.round(p.probability * 1000) / 1000,
    renewal_date: term.renewalDate,
    top_drivers: [...p.drivers]
      .sort((a, b) => Math.abs(b.logOdds) - Math.abs(a.logOdds))
      .slice(0, 3)
      .map((d) => `${d.feature} ${d.logOdds >= 0 ? "raises" : "lowers"} risk`),
    model: model.version,
    held_out_auc: model.evaluation ? Math.round(model.evaluation.auc * 1000) / 1000 : null,
  };
}

/** Churn features come from usage, tickets and NPS: the usage system must be linked for sure. */
const usageLinkOk = (links: StoredLink[]) =>
  links.some((l) => l.system === FACT_SYSTEM.usage && USED.includes(l.status));

const Sourced = { source: z.string() };

export const customer360 = customerTool({
  name: "customer_360",
  title: "Customer 360",
  description:
    "One account across systems: deals, renewal, health, usage (and its Mixpanel group), tickets and NPS, each with its source.",
  toolset: customerToolset.name,
  scopes: ["sales:read", "cs:read"],
  annotations: annotations.read,
  input: z.object({ account_id: z.string().min(1).max(64).describe("e.g. acc_0042") }).strict(),
  output: z.object({
    summary: z.string(),
    account: z.object({
      id: z.string(),
      name: untrustedName(z.string(), "account name"),
      owner: z.string(),
      lifecycle: z.string(),
      arr: MoneySchema,
      plan: z.string().nullable(),
      seats: z.number().nullable(),
      renewal_date: z.string().nullable(),
      ...Sourced,
    }),
    deals: z.object({
      open: z.number(),
      open_amount: MoneySchema,
      by_category: z.record(z.string(), z.number()),
      top: z.array(
        z.object({
          id: z.string(),
          name: untrustedName(z.string(), "deal name"),
          type: z.string(),
          stage: z.string(),
          amount: MoneySchema,
          forecast_category: z.string(),
          close_date: z.string(),
        }),
      ),
      ...Sourced,
    }),
    health: z
      .object({
        score: z.number(),
        band: z.string(),
        top_driver: z.string(),
        usage_trend_pct: z.number().nullable(),
        monthly_actives_per_seat: z.number().nullable(),
        reasons: z.array(z.string()),
        ...Sourced,
      })
      .nullable(),
    usage_group: UsageGroupSchema,
    support: z
      .object({ tickets_90d: z.number(), urgent_90d: z.number(), bad_csat_90d: z.number(), ...Sourced })
      .nullable(),
    nps: z.object({ average_180d: z.number().nullable(), responses_180d: z.number(), ...Sourced }).nullable(),
    churn: z
      .object({
        probability: z.number(),
        renewal_date: z.string(),
        top_drivers: z.array(z.string()),
        model: z.string(),
        held_out_auc: z.number().nullable(),
      })
      .nullable(),
    last_activity: z
      .object({ at: z.string(), type: z.string(), subject: untrustedName(z.string(), "activity subject") })
      .nullable(),
    links: z.array(
      z.object({ system: z.string(), external_id: z.string(), status: z.string(), confidence: z.number() }),
    ),
    people: z
      .array(
        z.object({
          system: z.string(),
          external_id: z.string(),
          name: untrustedName(z.string(), "person's name in the help desk or messenger"),
          contact_id: z.string(),
        }),
      )
      .describe("the account's contacts as the help desk and messenger know them (links used only)"),
    meta: AnalyticsMetaSchema,
  }),
  example: { account_id: "acc_0064" },
  handler: async ({ input, ctx }) => {
    const sales = await ctx.ports.sales();
    const cs = await ctx.ports.cs();
    const today = await ctx.ports.today();
    const account = await sales.crm.getAccount(input.account_id);
    if (!account)
      throw notFound(`account_id: no account ${input.account_id}.`, {
        fields: ["account_id"],
        hint: "Find the account with sales_accounts_search and pass its id.",
      });
    const { store, people: personStore, threshold } = await ctx.ports.identity();
    const links = await store.forAccount(account.id);
    const personLinks = await personStore.forAccount(account.id);
    const people = personLinks.filter((l) => USED.includes(l.status) && l.contactId !== null);
    const waiting = personLinks.filter((l) => l.status === "review").length;
    const caveats: string[] = [];
    /** The link that lets facts of a system count for this account; otherwise a caveat says why they are left out. */
    const linked = (fact: Fact): StoredLink | undefined => {
      const system = FACT_SYSTEM[fact];
      const link = links.find((l) => l.system === system && USED.includes(l.status));
      if (!link) {
        const pending = links.find((l) => l.system === system && l.status === "review");
        caveats.push(
          pending
            ? `${fact} left out: the ${system} company "${pending.externalName}" (${pending.externalId}) matches at ${pending.confidence}, below ${threshold}; confirm it with identity_review.`
            : `${fact} left out: no ${system} company is linked to this account.`,
        );
      }
      return link;
    };
    const via = (l: StoredLink) =>
      `${cs.source === "sandbox" ? "sandbox" : cs.source} (${l.system} ${l.externalId})`;
    const [signals] = await cs.support.accountSignals({ accountIds: [account.id] });
    const churn = usageLinkOk(links) ? await churnOf(cs, account.id, today) : null;
    const usageLink = linked("usage");
    const supportLink = linked("support");
    const npsLink = linked("nps");
    const usageGroup = await usageGroupOf(cs, usageLink);

    const open = account.openDeals;
    const byCategory: Record<string, number> = {};
    for (const d of open) byCategory[d.forecastCategory] = (byCategory[d.forecastCategory] ?? 0) + d.amount;
    const openAmount = open.reduce((n, d) => n + d.amount, 0);
    const { weights } = await activeHealthWeights(cs);
    const health = signals && usageLink ? healthScore(signals, today, weights) : undefined;
    const trend =
      signals && signals.usagePrev30 > 0
        ? Math.round(((signals.usageLast30 - signals.usagePrev30) / signals.usagePrev30) * 100)
        : null;
    const last = account.recentActivities[0];
    const renewal = account.subscription?.renewalDate ?? null;
    const parts = [
      `${account.name} (${account.id}): ${account.lifecycle}, ARR $${account.arr.toLocaleString("en-US")}`,
      renewal ? `renews ${renewal}` : undefined,
      health ? `health ${health.score} (${health.risk} risk)` : undefined,
      churn ? `churn probability ${Math.round(churn.probability * 100)}% at renewal` : undefined,
      `${open.length} open deal${open.length === 1 ? "" : "s"} $${openAmount.toLocaleString("en-US")}`,
      signals && supportLink ? `${signals.ticketsLast90} tickets in 90 days` : undefined,
    ];
    return {
      summary: `${parts.filter(Boolean).join("; ")}.`,
      account: {
        id: account.id,
        name: account.name,
        owner: account.ownerName,
        lifecycle: account.lifecycle,
        arr: account.arr,
        plan: account.subscription?.plan ?? null,
        seats: account.subscription?.seats ?? null,
        renewal_date: renewal,
        source: sales.source,
      },
      deals: {
        open: open.length,
        open_amount: openAmount,
        by_category: byCategory,
        top: [...open]
          .sort((a, b) => b.amount - a.amount)
          .slice(0, MAX_DEALS)
          .map((d) => ({
            id: d.id,
            name: d.name,
            type: d.type,
            stage: d.stage,
            amount: d.amount,
            forecast_category: d.forecastCategory,
            close_date: d.closeDate,
          })),
        source: sales.source,
      },
      health:
        health && signals && usageLink
          ? {
              score: health.score,
              band: health.risk,
              top_driver: topDriver(health).component,
              usage_trend_pct: trend,
              monthly_actives_per_seat: signals.monthlyActivesPerSeat ?? null,
              reasons: health.reasons,
              source: via(usageLink),
            }
          : null,
      usage_group: usageGroup,
      support:
        signals && supportLink
          ? {
              tickets_90d: signals.ticketsLast90,
              urgent_90d: signals.urgentTicketsLast90,
              bad_csat_90d: signals.badCsatLast90,
              source: via(supportLink),
            }
          : null,
      nps:
        signals && npsLink
          ? {
              average_180d: signals.npsAvgLast180,
              responses_180d: signals.npsResponsesLast180,
              source: via(npsLink),
            }
          : null,
      churn,
      last_activity: last ? { at: last.occurredAt, type: last.type, subject: last.subject } : null,
      links: links.map((l) => ({
        system: l.system,
        external_id: l.externalId,
        status: l.status,
        confidence: l.confidence,
      })),
      people: people.slice(0, MAX_PEOPLE).map((l) => ({
        system: l.system,
        external_id: l.externalId,
        name: l.externalName,
        contact_id: l.contactId as string,
      })),
      meta: {
        method: `customer-360-v1: the CRM's account and open deals; ${HEALTH_METHOD} health, tickets and NPS from the systems linked to it by the identity graph (links at or above ${threshold} confidence, or confirmed)`,
        as_of: today,
        source: `${sales.source} + ${cs.source}`,
        inputs: {
          open_deals: open.length,
          linked_systems: links.filter((l) => USED.includes(l.status)).length,
        },
        caveats: [
          ...caveats,
          ...(open.length > MAX_DEALS ? [`${open.length - MAX_DEALS} smaller open deals not listed.`] : []),
          ...(people.length > MAX_PEOPLE
            ? [`${people.length - MAX_PEOPLE} more linked people not listed.`]
            : []),
          ...(waiting
            ? [
                `${waiting} person link${waiting === 1 ? "" : "s"} below ${threshold} left out; identity_links of: people lists them.`,
              ]
            : []),
          ...(signals ? [] : ["No usage, ticket or NPS signals for this account."]),
        ],
      },
    };
  },
});
