import { AnalyticsMetaSchema, annotations, MoneySchema } from "@revops/kit";
import { fromVendor } from "@revops/safety/vendor-errors";
import { z } from "zod";
import {
  DECLINE_LIMIT,
  EXPANSION_METHOD,
  type ExpansionRow,
  expansionBook,
  SEAT_TRIGGER,
  UPGRADE_UTILISATION,
} from "../../domain/expansion";
import { csTool } from "../../ports";
import { AccountNameSchema } from "../schemas";
import { expansionToolset } from "./toolset";

const r2 = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);
const pct = (v: number) => `${Math.round(v * 100)}%`;

/** One line a CSM can repeat: the figures each dollar of the potential comes from. */
function evidence(x: ExpansionRow, median: number | null): string {
  const parts: string[] = [];
  if (x.utilisation !== null)
    parts.push(
      `${x.s.monthlyActiveUsers}/${x.s.seats} seats active in ${x.s.usageMonth} (${pct(x.utilisation)})`,
    );
  if (x.keyFeatureShare !== null)
    parts.push(
      `key features ${pct(x.keyFeatureShare)} of events${median !== null ? ` (median ${pct(median)})` : ""}`,
    );
  if (x.usageTrend !== null)
    parts.push(`usage ${x.usageTrend >= 0 ? "+" : ""}${pct(x.usageTrend)} vs prior 30 d`);
  if (x.extraSeats > 0) parts.push(`+${x.extraSeats} seats to get back to ${pct(SEAT_TRIGGER)}`);
  if (x.upgradeTo) parts.push(`ready for ${x.upgradeTo}`);
  return parts.join("; ");
}

export const expansionSignals = csTool({
  name: "expansion_signals",
  title: "Expansion signals",
  description:
    "Customers ranked by expansion potential in dollars from seat utilisation, feature adoption and white space.",
  toolset: expansionToolset.name,
  scopes: ["cs:read"],
  ports: ["support"],
  annotations: annotations.read,
  input: z
    .object({
      plan: z.string().max(30).optional(),
      owner: z.string().max(80).optional(),
      limit: z.number().int().min(1).max(100).default(6),
    })
    .strict(),
  output: z.object({
    accounts: z.array(
      z.object({
        account_id: z.string(),
        account_name: AccountNameSchema,
        owner: z.string(),
        plan: z.string().nullable(),
        seats: z.number(),
        arr: MoneySchema,
        actives_per_seat: z.number().nullable().describe("Monthly active users / seats"),
        key_feature_share: z.number().nullable().describe("Key-feature uses / events, 30 days"),
        usage_trend: z.number().nullable().describe("Events, last 30 days vs the 30 before"),
        white_space: z.array(z.string()).describe("Plans above theirs"),
        seat_expansion: MoneySchema,
        plan_upgrade: MoneySchema,
        potential: MoneySchema,
        evidence: z.string(),
      }),
    ),
    total: z.object({
      customers: z.number(),
      with_potential: z.number(),
      potential: MoneySchema,
      seat_expansion: MoneySchema,
      plan_upgrade: MoneySchema,
    }),
    beyond_limit: z.number(),
    meta: AnalyticsMetaSchema,
  }),
  example: { limit: 5 },
  handler: async ({ input, ctx }) => {
    const ports = ctx.ports;
    const today = await ports.today();
    const [signals, use] = await Promise.all([
      fromVendor(() => ports.support.accountSignals()),
      fromVendor(() => ports.support.featureUse()),
    ]);
    const book = expansionBook(signals, use);
    const wanted = book.rows.filter(
      (x) =>
        x.potential > 0 &&
        (!input.plan || (x.s.plan ?? "").toLowerCase() === input.plan.toLowerCase()) &&
        (!input.owner || x.s.ownerName.toLowerCase().includes(input.owner.toLowerCase())),
    );
    const sum = (f: (x: ExpansionRow) => number) => wanted.reduce((t, x) => t + f(x), 0);
    return {
      accounts: wanted.slice(0, input.limit).map((x) => ({
        account_id: x.s.accountId,
        account_name: x.s.accountName,
        owner: x.s.ownerName,
        plan: x.s.plan ?? null,
        seats: x.s.seats,
        arr: x.s.arr,
        actives_per_seat: r2(x.utilisation),
        key_feature_share: r2(x.keyFeatureShare),
        usage_trend: r2(x.usageTrend),
        white_space: x.whiteSpace,
        seat_expansion: x.seatUsd,
        plan_upgrade: x.upgradeUsd,
        potential: x.potential,
        evidence: evidence(x, book.medianKeyShare),
      })),
      total: {
        customers: signals.length,
        with_potential: wanted.length,
        potential: sum((x) => x.potential),
        seat_expansion: sum((x) => x.seatUsd),
        plan_upgrade: sum((x) => x.upgradeUsd),
      },
      beyond_limit: Math.max(0, wanted.length - input.limit),
      meta: {
        method: `${EXPANSION_METHOD}: seats = ceil(monthly actives / ${SEAT_TRIGGER}) − seats when actives/seat ≥ ${SEAT_TRIGGER}, at the account's price per seat; upgrade = (next plan's price per seat − theirs) × seats when actives/seat ≥ ${UPGRADE_UTILISATION} and key-feature share ≥ the median; none when usage fell more than ${-DECLINE_LIMIT * 100}%; plan price = median ARR/seat of its customers`,
        as_of: today,
        source: ports.source,
        inputs: {
          customers: signals.length,
          usage_month: signals[0]?.usageMonth ?? "",
          median_key_feature_share: r2(book.medianKeyShare) ?? "",
          ...Object.fromEntries(book.prices.map((p) => [`price_per_seat_${p.plan}`, Math.round(p.perSeat)])),
        },
        caveats: [
          "Usage counts key-feature uses as one figure, not per feature: adoption breadth is their share of events.",
          "White space is the plans priced above theirs; add-on products are not in the account book.",
          ...(signals.some((s) => s.monthlyActiveUsers === null)
            ? [
                "Accounts without monthly actives (no usage that month, or a usage vendor that does not serve them) show no seat signal.",
              ]
            : []),
        ],
      },
    };
  },
});
