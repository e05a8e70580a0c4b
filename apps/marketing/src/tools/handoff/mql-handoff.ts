import {
  AnalyticsMetaSchema,
  annotations,
  type ToolContext,
  untrustedName,
  userError,
  WrittenSchema,
} from "@revops/kit";
import { z } from "zod";
import { type Routed, type Routing, routeLeads, speedToLead } from "../../domain/lead-routing";
import { type MarketingPorts, marketingTool, type PendingMqls, type SalesOwner } from "../../ports";
import { planOnce } from "../plan-once";
import { modelSummary, type Qualified, qualifyByActiveModel } from "./active-model";
import { handoffToolset } from "./toolset";

/** Leads one plan may hand off; more wait for the next call, oldest first. */
export const MAX_HANDOFF = 200;
/** Past hand-offs that make speed-to-lead and keep the round robin even across calls. */
export const HISTORY_DAYS = 90;
const SAMPLE = 10;
const METHOD =
  "mql-handoff-v2: oldest unowned MQLs the active lead-scoring version scores at or over its threshold; least-loaded round robin over sellers (territory: sellers whose team covers the lead's region and segment, everyone when none does); speed-to-lead = hours from MQL to owner over the last 90 days' hand-offs";

const input = z
  .object({
    routing: z.enum(["territory", "round_robin"]).default("territory"),
    sla_hours: z.number().positive().max(720).default(24),
    limit: z.number().int().min(1).max(MAX_HANDOFF).default(50),
  })
  .strict();

type Input = z.output<typeof input>;

interface Derived {
  routed: Routed[];
  pending: PendingMqls;
  owners: SalesOwner[];
  model: Qualified;
  now: string;
  plan: Record<string, unknown>;
}

const planned = planOnce(derive, (i: Input) => JSON.stringify([i.routing, i.sla_hours, i.limit]));

const daysBefore = (iso: string, days: number) => new Date(Date.parse(iso) - days * 86_400_000).toISOString();
const hoursBefore = (iso: string, hours: number) =>
  new Date(Date.parse(iso) - hours * 3_600_000).toISOString();

function perOwner(routed: readonly Routed[]) {
  const by = new Map<string, { owner_id: string; owner: string; leads: number }>();
  for (const r of routed) {
    const row = by.get(r.owner.id) ?? { owner_id: r.owner.id, owner: r.owner.name, leads: 0 };
    row.leads++;
    by.set(r.owner.id, row);
  }
  return [...by.values()].sort((a, b) => b.leads - a.leads || (a.owner_id < b.owner_id ? -1 : 1));
}

const sampleOf = (routed: readonly Routed[]) =>
  routed.slice(0, SAMPLE).map((r) => ({
    id: r.lead.id,
    name: r.lead.name,
    company: r.lead.company,
    owner_id: r.owner.id,
    owner: r.owner.name,
    routed_by: r.byTerritory ? ("territory" as const) : ("round_robin" as const),
  }));

async function derive(i: Input, ctx: ToolContext<MarketingPorts>): Promise<Derived> {
  const ports = ctx.ports;
  const { marketing } = ports;
  const now = await ports.now();
  const [pending, owners, history] = await Promise.all([
    // the oldest MAX_HANDOFF are scored, so leads below the threshold do not shrink the hand-off
    marketing.pendingMqls({ limit: MAX_HANDOFF, mqlBefore: hoursBefore(now, i.sla_hours) }),
    marketing.salesOwners(),
    marketing.handoffHistory(daysBefore(now, HISTORY_DAYS)),
  ]);
  if (owners.length === 0)
    throw userError("There are no sales owners to hand leads to.", {
      fields: ["connection"],
      hint: "Add sellers in the CRM (HubSpot owners), or pick another connection.",
    });
  if (pending.rows.length === 0)
    throw userError("No MQLs are waiting for a sales owner: every MQL has one.", {
      fields: ["limit"],
      hint: "Nothing to hand off; leads_by_source shows the funnel.",
    });
  const model = await qualifyByActiveModel(ports, pending.rows);
  if (model.rows.length === 0)
    throw userError(
      `None of the ${pending.rows.length} oldest unowned MQLs scores at or over the threshold of lead-scoring version ${model.version}.`,
      {
        fields: ["limit"],
        hint: "lead_scoring_model shows the threshold; lower it there (update) to hand more off.",
      },
    );
  const load = new Map<string, number>();
  for (const h of history) load.set(h.ownerId, (load.get(h.ownerId) ?? 0) + 1);
  const routed = routeLeads(model.rows.slice(0, i.limit), owners, i.routing as Routing, load);
  const byTerritory = routed.filter((r) => r.byTerritory).length;
  const count = routed.length;
  const plan = {
    summary: `Hand ${count} of ${pending.total} unowned MQLs to ${perOwner(routed).length} sales owners (${i.routing}${i.routing === "territory" ? `: ${byTerritory} by territory, ${count - byTerritory} round robin` : ""}); ${pending.before} waiting longer than the ${i.sla_hours} h SLA; ${model.version === null ? "no lead-scoring model" : `lead-scoring v${model.version} threshold ${model.threshold}, ${model.below.length} below it`}`,
    action: "update",
    record_type: "lead",
    count,
    records: sampleOf(routed),
    ...(count > SAMPLE && { not_shown: count - SAMPLE }),
    per_owner: perOwner(routed),
    waiting: { total: pending.total, over_sla: pending.before },
    lead_scoring: modelSummary(model),
    speed_to_lead: { sla_hours: i.sla_hours, ...speedToLead(history, i.sla_hours) },
    side_effects: [
      "Each lead gets its sales owner and the sales status NEW; the lifecycle stays MQL until sales accepts it.",
      "Owners see the leads in their CRM queues (and any owner-assignment notifications the CRM sends).",
    ],
  };
  return { routed, pending, owners, model, now, plan };
}

const Row = z.object({
  id: z.string(),
  name: untrustedName(z.string(), "lead name"),
  company: untrustedName(z.string(), "company name"),
  owner_id: z.string(),
  owner: z.string(),
  routed_by: z.enum(["territory", "round_robin"]),
});

export const mqlHandoff = marketingTool({
  name: "mql_handoff",
  title: "Hand MQLs to sales",
  description:
    "Hands the oldest unowned MQLs to sales owners; reports speed-to-lead against the SLA. A human confirms.",
  toolset: handoffToolset.name,
  scopes: ["marketing:write"],
  ports: ["marketing", "leadScoring"],
  annotations: annotations.update,
  input,
  output: z.object({
    handed: z.number().describe("Leads given an owner"),
    ignored: z.number().describe("Leads owned or requalified meanwhile: unchanged"),
    per_owner: z.array(z.object({ owner_id: z.string(), owner: z.string(), leads: z.number() })),
    sample: z.array(Row).describe("First leads handed"),
    waiting: z.object({ total: z.number(), over_sla: z.number() }).describe("Unowned MQLs left"),
    lead_scoring: z
      .object({
        version: z.number().nullable(),
        threshold: z.number().optional(),
        scored: z.number().optional(),
        below_threshold: z.number().optional(),
        note: z.string().optional(),
      })
      .describe("The active lead-scoring version that qualified the MQLs"),
    speed_to_lead: z.object({
      sla_hours: z.number(),
      handed: z.number(),
      within_sla: z.number(),
      share_within_sla: z.number().nullable(),
      median_hours: z.number().nullable(),
      p90_hours: z.number().nullable(),
    }),
    written: WrittenSchema,
    note: z.string(),
    meta: AnalyticsMetaSchema,
  }),
  guard: { kind: "destructive", preview: planned.preview },
  handler: async ({ input: i, ctx }) => {
    const d = await planned.derived(i, ctx);
    const { marketing, source } = ctx.ports;
    const r = await marketing.handOffLeads(
      d.routed.map((x) => ({ leadId: x.lead.id, ownerId: x.owner.id })),
      { principal: ctx.principal.id, ...ctx.write },
    );
    const done = new Set(r.handed);
    const handed = d.routed.filter((x) => done.has(x.lead.id));
    // the hand-off is made: a failed re-read must not turn it into an error
    const [history, left] = await Promise.all([
      marketing.handoffHistory(daysBefore(d.now, HISTORY_DAYS)).catch(() => []),
      marketing
        .pendingMqls({ limit: 1, mqlBefore: hoursBefore(d.now, i.sla_hours) })
        .catch(() => ({ ...d.pending, total: d.pending.total - handed.length })),
    ]);
    const stl = { sla_hours: i.sla_hours, ...speedToLead(history, i.sla_hours) };
    return {
      handed: handed.length,
      ignored: r.ignored.length,
      per_owner: perOwner(handed),
      sample: sampleOf(handed),
      waiting: { total: left.total, over_sla: left.before },
      lead_scoring: modelSummary(d.model),
      speed_to_lead: stl,
      written: { system: source, id: `mql_handoff:${handed.length}` },
      note: [
        `${handed.length} MQLs handed to ${perOwner(handed).length} owners; ${left.total} unowned MQLs wait, ${left.before} past the ${i.sla_hours} h SLA.`,
        r.ignored.length > 0 &&
          `${r.ignored.length} were owned or requalified meanwhile and left as they are.`,
      ]
        .filter(Boolean)
        .join(" "),
      meta: {
        method: METHOD,
        as_of: d.now,
        source,
        inputs: {
          routing: i.routing,
          sla_hours: i.sla_hours,
          limit: i.limit,
          owners: d.owners.length,
          lead_scoring_version: d.model.version ?? "none",
        },
        caveats: [
          ...(marketing.handoffNote ? [marketing.handoffNote] : []),
          d.model.version === null
            ? `No lead-scoring model (${d.model.reason}): MQLs were handed off by lifecycle stage alone.`
            : `Lead-scoring version ${d.model.version} (threshold ${d.model.threshold}) held back ${d.model.below.length} of the oldest ${d.model.scored} unowned MQLs.`,
          ...(stl.handed === 0
            ? ["No hand-offs in the last 90 days: speed-to-lead has no history yet."]
            : []),
        ],
      },
    };
  },
  render: (o) =>
    `${o.handed} MQLs handed (${o.per_owner.map((p) => `${p.owner} ${p.leads}`).join(", ")}); ${o.waiting.total} waiting, ${o.waiting.over_sla} past SLA; median ${o.speed_to_lead.median_hours ?? "–"} h to owner`,
  example: { routing: "territory", sla_hours: 24, limit: 20 },
});
