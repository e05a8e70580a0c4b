import { AnalyticsMetaSchema, annotations, MoneySchema } from "@revops/kit";
import { z } from "zod";
import { parseQuarter, quarterOf } from "../../domain/period";
import {
  attainmentLine,
  chooseQuotas,
  QUOTA_METHOD,
  QUOTA_TYPES,
  quarterClock,
  quarterQuotas,
} from "../../domain/quota";
import { salesTool } from "../../ports";
import { QuarterSchema } from "../schemas";
import { crmQuotaLabel, crmQuotas } from "./quota-sources";
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
  ports: ["crm"],
  annotations: annotations.read,
  input: z.object({ quarter: QuarterSchema.optional() }).strict(),
  output: z.object({
    quarter: z.string(),
    days: z.object({ elapsed: z.number(), total: z.number() }),
    expected_attainment_pct: z.number().describe("Share of the quarter's days elapsed: pace is against it"),
    reps: z.array(
      LineSchema.extend({
        owner_id: z.string(),
        owner: z.string(),
        quota_source: z
          .enum(["crm", "configured"])
          .nullable()
          .describe("crm: the CRM's own quota; configured: pipeline_settings; null: none"),
      }),
    ),
    team: LineSchema,
    meta: AnalyticsMetaSchema,
  }),
  example: { quarter: "2026-Q4" },
  handler: async ({ input, ctx }) => {
    const ports = ctx.ports;
    const today = await ports.today();
    const quarter = input.quarter ?? quarterOf(today);
    const { from, to } = parseQuarter(quarter);
    const [deals, owners, configured, settings, fromCrm] = await Promise.all([
      ports.crm.dealsClosingBetween(from, to),
      ports.crm.listOwners(),
      ports.settings.quotas(quarter),
      ports.settings.settings(),
      crmQuotas(ports, from, to),
    ]);
    const clock = quarterClock(from, to, today);
    const names = new Map(owners.map((o) => [o.id, o.name]));
    for (const d of deals) if (!names.has(d.ownerId)) names.set(d.ownerId, d.ownerName);
    // a configured quota for someone this CRM does not know (another CRM's or the sandbox's rep) is not this team's
    const known = configured.filter((q) => names.has(q.ownerId));
    const quotas = chooseQuotas(quarterQuotas(fromCrm.periods, from, to), known);
    const ids = [...new Set([...quotas.keys(), ...deals.map((d) => d.ownerId)])].sort();
    const line = (ds: typeof deals, quota: number | null) =>
      attainmentLine(ds, quota, settings.probabilities, clock, today);
    const reps = ids.map((id) => ({
      owner_id: id,
      owner: names.get(id) ?? id,
      ...line(
        deals.filter((d) => d.ownerId === id),
        quotas.get(id)?.amount ?? null,
      ),
      quota_source: quotas.get(id)?.source ?? null,
    }));
    const teamQuota = [...quotas.values()].reduce((s, q) => s + q.amount, 0);
    const team = line(deals, quotas.size ? teamQuota : null);
    const who = (pick: (q: NonNullable<ReturnType<typeof quotas.get>>) => boolean) =>
      reps.filter((r) => {
        const q = quotas.get(r.owner_id);
        return q !== undefined && pick(q);
      });
    const fromCrmReps = who((q) => q.source === "crm");
    const label = crmQuotaLabel(ports.source);
    const caveats = [
      `Counts closed-won ${QUOTA_TYPES.join(" and ").replace("_", " ")} toward quota; renewals are shown, not counted.`,
      fromCrm.unavailable
        ? `${fromCrm.unavailable} Quotas come from pipeline_settings (our store).`
        : `Quotas of ${fromCrmReps.length} reps come from ${label}; pipeline_settings fills reps the CRM has none for. A CRM period inside the quarter counts whole (monthly periods add up); one reaching outside it counts by its share of days inside.`,
      ...fromCrm.caveats,
      "Pipeline and bookings are deals with a close date in the quarter; open deals dated in earlier quarters are left out.",
    ];
    const partial = who((q) => q.source === "crm" && (q.coveredDays ?? clock.days) < clock.days);
    if (partial.length)
      caveats.push(
        `CRM quota periods cover only part of ${quarter} for ${partial.map((r) => `${r.owner} (${quotas.get(r.owner_id)?.coveredDays}/${clock.days} days)`).join(", ")}: their quota is that part alone.`,
      );
    const overridden = who(
      (q) => q.source === "crm" && q.configured !== undefined && q.configured !== q.amount,
    );
    if (overridden.length)
      caveats.push(
        `The CRM's quota is used over a different configured one for ${overridden.map((r) => r.owner).join(", ")}.`,
      );
    if (known.length < configured.length)
      caveats.push(
        `${configured.length - known.length} configured quotas name owners this CRM does not list: left out.`,
      );
    const unset = reps.filter((r) => r.quota === null);
    if (unset.length)
      caveats.push(
        `No quota set for ${unset.map((r) => r.owner).join(", ")}: their deals count in the team's bookings, not its quota.`,
      );
    if (quotas.size === 0) caveats.push(`No quotas for ${quarter}: set them with pipeline_settings.`);
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
          quotas: quotas.size,
          quota_source: fromCrmReps.length
            ? `${label}: ${fromCrmReps.length} reps (${fromCrm.periods.length} periods); pipeline_settings: ${quotas.size - fromCrmReps.length} reps`
            : "pipeline_settings",
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
          `${r.owner}: ${money(r.bookings)} / ${r.quota === null ? "no quota" : `${money(r.quota)} (${r.quota_source})`} = ${r.attainment_pct ?? "–"}%, gap ${r.gap === null ? "–" : money(r.gap)}, pipeline ${money(r.open_pipeline)} (${r.coverage ?? "–"}×), pace ${r.pace_points ?? "–"} pts`,
      ),
    ].join("\n"),
});
