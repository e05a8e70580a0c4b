import {
  AnalyticsMetaSchema,
  annotations,
  type ToolContext,
  untrustedName,
  userError,
  WrittenSchema,
} from "@revops/kit";
import { z } from "zod";
import { type MarketingPorts, marketingTool, type SegmentPreview, type SegmentRules } from "../../ports";
import { MAX_LIST_CHANGES } from "../lists/list-members-update";
import { planOnce } from "../plan-once";
import { segmentsToolset } from "./toolset";

const SAMPLE = 10;
const METHOD =
  "segment-v1: contacts whose account (or own record) matches every rule given; unsubscribed contacts are counted but never added";

const LISTS = {
  industry: undefined,
  employee_band: ["1-50", "51-200", "201-1000", "1000+"],
  region: ["NA", "EMEA", "APAC", "LATAM"],
  lifecycle: ["customer", "prospect", "churned"],
} as const;
const KEYS = [...Object.keys(LISTS), "min_arr", "campaign_id", "engaged_days"];

const input = z
  .object({
    name: z.string().trim().min(1).max(120),
    rules: z.record(z.string(), z.coerce.string()).describe(KEYS.join(", ")),
  })
  .strict();

type Input = z.output<typeof input>;

const bad = (key: string, message: string, hint: string) =>
  userError(`rules.${key}: ${message}`, { fields: [`rules.${key}`], hint });

/** The rules object checked key by key: each error names the rule and the values it takes. */
export function parseRules(raw: Record<string, string>): Omit<SegmentRules, "engagedSince"> & {
  engagedDays?: number;
} {
  const out: ReturnType<typeof parseRules> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!KEYS.includes(key)) throw bad(key, "is not a rule", `Use ${KEYS.join(", ")}.`);
    if (key === "min_arr" || key === "engaged_days") {
      const n = Number(value);
      const max = key === "min_arr" ? Number.MAX_SAFE_INTEGER : 365;
      if (!Number.isInteger(n) || n < (key === "min_arr" ? 0 : 1) || n > max)
        throw bad(
          key,
          `${value} is not a whole number in range`,
          key === "min_arr" ? "Dollars, 0 or more." : "1 to 365 days.",
        );
      if (key === "min_arr") out.minArr = n;
      else out.engagedDays = n;
      continue;
    }
    if (key === "campaign_id") {
      out.campaignId = String(value).trim();
      continue;
    }
    const items = String(value)
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean);
    const allowed = LISTS[key as keyof typeof LISTS] as readonly string[] | undefined;
    const wrong = allowed ? items.filter((x) => !allowed.includes(x)) : [];
    if (items.length === 0 || wrong.length > 0)
      throw bad(
        key,
        `${wrong.join(", ") || "empty"} not allowed`,
        `One or more of ${allowed?.join(", ") ?? "your industries"}.`,
      );
    if (key === "industry") out.industry = items;
    else if (key === "employee_band") out.employeeBand = items;
    else if (key === "region") out.region = items;
    else out.lifecycle = items;
  }
  return out;
}

interface Derived {
  preview: SegmentPreview;
  plan: Record<string, unknown>;
}

const planned = planOnce(derive, (i: Input) => JSON.stringify(i));

async function rulesOf(i: Input, ctx: ToolContext<MarketingPorts>): Promise<SegmentRules> {
  const { engagedDays, ...rules } = parseRules(i.rules);
  if (engagedDays === undefined) return rules;
  const { now } = ctx.ports;
  return {
    ...rules,
    engagedSince: new Date(Date.parse(await now()) - engagedDays * 86_400_000).toISOString(),
  };
}

async function derive(i: Input, ctx: ToolContext<MarketingPorts>): Promise<Derived> {
  const { marketing } = ctx.ports;
  const preview = await marketing.segmentPreview(await rulesOf(i, ctx), {
    sample: SAMPLE,
    cap: MAX_LIST_CHANGES + 1,
  });
  if (preview.subscribed === 0)
    throw userError(`No subscribed contact matches these rules (${preview.total} match in all).`, {
      fields: ["rules"],
      hint: "Loosen a rule (fewer filters, more regions or bands, a longer engaged_days).",
    });
  if (preview.subscribed > MAX_LIST_CHANGES)
    throw userError(
      `${preview.subscribed} subscribed contacts match: one list save adds at most ${MAX_LIST_CHANGES}.`,
      {
        fields: ["name"],
        hint: "Narrow the rules (region, employee_band, industry), or save several segments.",
      },
    );
  const plan = {
    summary: `Save ${preview.subscribed} subscribed contacts (of ${preview.total} matching) as static list "${i.name}"`,
    action: "update",
    record_type: "list member",
    count: preview.subscribed,
    records: preview.sample.map((c) => ({
      id: c.id,
      name: c.name,
      email: c.email,
      unsubscribed: c.unsubscribed,
    })),
    ...(preview.total > preview.sample.length && { not_shown: preview.total - preview.sample.length }),
    matching: preview.total,
    unsubscribed: preview.total - preview.subscribed,
    by_region: preview.byRegion,
    side_effects: [
      `Creates static list "${i.name}" if none has that name, then adds the subscribed contacts to it.`,
    ],
  };
  return { preview, plan };
}

export const segmentBuild = marketingTool({
  name: "segment_build",
  title: "Build a segment",
  description: "Saves contacts matching rules as a static list.",
  toolset: segmentsToolset.name,
  scopes: ["marketing:write"],
  ports: ["marketing", "email"],
  annotations: annotations.update,
  input,
  output: z.object({
    list: z.object({ id: z.string(), name: untrustedName(z.string(), "list name") }),
    created: z.boolean().describe("false: a list of that name existed"),
    matching: z.number(),
    added: z.number(),
    already: z.number().describe("Members already"),
    unsubscribed: z.number().describe("Matching but not added"),
    by_region: z.array(z.object({ region: z.string(), contacts: z.number() })),
    written: WrittenSchema,
    note: z.string(),
    meta: AnalyticsMetaSchema,
  }),
  guard: { kind: "destructive", preview: planned.preview },
  handler: async ({ input: i, ctx }) => {
    const d = await planned.derived(i, ctx);
    const { marketing, source, today } = ctx.ports;
    const origin = { principal: ctx.principal.id, ...ctx.write };
    const { list, created } = await marketing.createStaticList(i.name, origin);
    if (list.kind === "dynamic")
      throw userError(`List "${list.name}" (${list.id}) exists and is dynamic: members cannot be added.`, {
        fields: ["name"],
        hint: "Pick another name.",
      });
    const ids = d.preview.memberIds;
    const members = new Set(await marketing.listMembership(list.id, ids));
    const add = ids.filter((id) => !members.has(id));
    const r = await marketing.updateListMembers(list.id, { add, remove: [] }, origin);
    return {
      list: { id: list.id, name: list.name },
      created,
      matching: d.preview.total,
      added: r.added.length,
      already: ids.length - r.added.length,
      unsubscribed: d.preview.total - d.preview.subscribed,
      by_region: d.preview.byRegion,
      written: { system: source, id: list.id },
      note: `List ${list.name} (${list.id}) ${created ? "created" : "updated"}: ${r.added.length} added, ${ids.length - r.added.length} already members.`,
      meta: {
        method: METHOD,
        as_of: await today(),
        source,
        inputs: { rules: JSON.stringify(i.rules), matching: d.preview.total },
        caveats: marketing.segmentNote ? [marketing.segmentNote] : [],
      },
    };
  },
  render: (o) =>
    `${o.list.name} (${o.list.id}): +${o.added}, ${o.already} already, ${o.unsubscribed} unsubscribed left out; ${o.matching} matching`,
  example: {
    name: "EMEA mid-market customers",
    rules: { region: "EMEA", employee_band: "201-1000", lifecycle: "customer" },
  },
});
