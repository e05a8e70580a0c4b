import { AnalyticsMetaSchema, annotations, ConnectionSchema, MoneySchema } from "@revops/kit";
import { z } from "zod";
import { parseQuarter, quarterOf } from "../../domain/period";
import { attainmentLine, QUOTA_METHOD, QUOTA_TYPES, quarterClock } from "../../domain/quota";
import { salesTool } from "../../ports";
import { QuarterSchema } from "../schemas";
import { planningToolset } from "./toolset";

const LineSchema = z.object({
  won: z.object({ new_business: MoneySchema, expansion: MoneySchema, renewal: MoneySchema }),
  bookings: MoneySchema.describe("New business + expansion won: counts toward quota"),
  quota: MoneySchema.nullable(),
  attainment_pct: z.number().nullable(),
  open_pipeline: MoneySchema.describe("Open new business + expansion closing in the quarter"),
  weighted_pipeline: MoneySchema.describe("Open pipeline × configured stage probability"),
  gap: MoneySchema.nullable().describe("Quota − bookings, at least 0"),
  coverage: z.number().nullable().describe("Open pipeline ÷ gap; null when the gap is 0"),
  pace_points: z.number().nullable().describe("Attainment − expected, in percentage points"),
  projected_attainment_pct: z.number().nullable().describe("(bookings + weighted pipeline) ÷ quota"),
  past_due: z.number().describe("Open deals counted whose close date has passed"),
});

const money = (n: number) => `$${Math.round(n).toLocaleString("en-US")}`;

export const quotaAttainment = salesTool({
  name: "quota_attainment",
  title: "Quota attainment",
  description:
    "Per rep and team for a quarter: quota, new business + expansion won, attainment, pipeline coverage of the gap and pace.",
  toolset: planningToolset.name,
  scopes: ["sales:read"],
  annotations: annotations.read,
  input: z.object({ quarter: QuarterSchema.optional(), connection: ConnectionSchema.optional() }).strict(),
  output: z.object({
    quarter: z.string(),
    days: z.object({ elapsed: z.number(), total: z.number() }),
    expected_attainment_pct: z.number().describe("Share of the quarter's days elapsed: pace is against it"),
    reps: z.array(LineSchema.extend({ owner_id: z.string(), owner: z.string() })),
    team: LineSchema,
    meta: AnalyticsMetaSchema,
  }),
  example: { quarter: "2026-Q4" },
  handler: async ({ input, ctx }) => {
    const ports = await ctx.ports.using(input.connection);
    const today = await ports.today();
    const quarter = input.quarter ?? quarterOf(today);
    const { from, to } = parseQuarter(quarter);
    const [deals, owners, quotas, settings] = await Promise.all([
      ports.crm.dealsClosingBetween(from, to),
      ports.crm.listOwners(),
      ports.settings.quotas(quarter),
      ports.settings.settings(),
    ]);
    const clock = quarterClock(from, to, today);
    const quotaOf = new Map(quotas.map((q) => [q.ownerId, q.amount]));
    const names = new Map(owners.map((o) => [o.id, o.name]));
    for (const d of deals) if (!names.has(d.ownerId)) names.set(d.ownerId, d.ownerName);
    const ids = [...new Set([...quotaOf.keys(), ...deals.map((d) => d.ownerId)])].sort();
    const line = (ds: typeof deals, quota: number | null) =>
      attainmentLine(ds, quota, settings.probabilities, clock, today);
    const reps = ids.map((id) => ({
      owner_id: id,
      owner: names.get(id) ?? id,
      ...line(
        deals.filter((d) => d.ownerId === id),
        quotaOf.get(id) ?? null,
      ),
    }));
    const teamQuota = quotas.reduce((s, q) => s + q.amount, 0);
    const team = line(deals, quotas.length ? teamQuota : null);
    const unset = reps.filter((r) => r.quota === null);
    const caveats = [
      `Counts closed-won ${QUOTA_TYPES.join(" and ").replace("_", " ")} toward quota; renewals are shown, not counted.`,
      "Quotas come from pipeline_settings (our store): this CRM's own quota objects are not read.",
      "Pipeline and bookings are deals with a close date in the quarter; open deals dated in earlier quarters are left out.",
    ];
    if (unset.length)
      caveats.push(
        `No quota set for ${unset.map((r) => r.owner).join(", ")}: their deals count in the team's bookings, not its quota.`,
      );
    if (quotas.length === 0) caveats.push(`No quotas for ${quarter}: set them with pipeline_settings.`);
    if (team.past_due > 0)
      caveats.push(
        `${team.past_due} open deals counted are past their close date (slipped, still in the quarter).`,
      );
    return {
      quarter,
      days: { elapsed: clock.elapsed, total: clock.days },
      expected_attainment_pct: team.expected_attainment_pct,
      reps: reps.map(({ expected_attainment_pct: _, ...r }) => r),
      team: (({ expected_attainment_pct: _, ...t }) => t)(team),
      meta: {
        method: QUOTA_METHOD,
        as_of: today,
        source: ports.source,
        inputs: {
          deals: deals.length,
          quotas: quotas.length,
          quota_source: "pipeline_settings",
          probabilities: Object.entries(settings.probabilities)
            .map(([s, p]) => `${s} ${p}%`)
            .join(", "),
          settings_updated: settings.updatedAt ?? "defaults",
        },
        caveats,
      },
    };
  },
  render: (o) =>
    [
      `${o.quarter} (${o.days.elapsed}/${o.days.total} days): team ${money(o.team.bookings)} of ${o.team.quota === null ? "no quota" : money(o.team.quota)} (${o.team.attainment_pct ?? "–"}%, expected ${o.expected_attainment_pct}%), coverage ${o.team.coverage ?? "–"}×`,
      ...o.reps.map(
        (r) =>
          `${r.owner}: ${money(r.bookings)} / ${r.quota === null ? "no quota" : money(r.quota)} = ${r.attainment_pct ?? "–"}%, gap ${r.gap === null ? "–" : money(r.gap)}, pipeline ${money(r.open_pipeline)} (${r.coverage ?? "–"}×), pace ${r.pace_points ?? "–"} pts`,
      ),
    ].join("\n"),
});
