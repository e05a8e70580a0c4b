import type { Runtime } from "@revops/kit";
import {
  annotations,
  defineResource,
  defineServer,
  defineTool,
  defineView,
  envWithFile,
  IsoDateSchema,
  ToolError,
} from "@revops/kit";
import type { Budget, CostLedger, ResilientCaller, UsageDimension } from "@revops/resilience";
import { sandboxDatabase, sandboxToday } from "@revops/sandbox";
import { z } from "zod";
import { integrationsHealth, type OpsPorts, opsPorts, opsToolset } from "./ops-module";

interface UsagePorts extends OpsPorts {
  /** Opened on first use: a sandbox-only server never loads the ledger code at start. */
  ledger: () => Promise<CostLedger>;
  callers: () => Promise<Map<string, ResilientCaller>>;
  /** The deployment's spending limits (REVOPS_VENDOR_BUDGETS). */
  budgets: () => Promise<readonly Budget[]>;
  today: () => Promise<string>;
}

const DIMENSIONS = ["vendor", "connection", "operation", "tool", "principal", "day"] as const;

const UsageRowSchema = z.object({
  vendor: z.string().optional(),
  connection: z.string().optional(),
  operation: z.string().optional(),
  tool: z.string().optional(),
  principal: z.string().optional(),
  day: z.string().optional(),
  calls: z.number(),
  attempts: z.number(),
  units: z.number(),
  cost_usd: z.number(),
});

const QuotaSchema = z.object({
  vendor: z.string(),
  connection: z.string(),
  window_limit: z.number().optional(),
  window_remaining: z.number().optional(),
  window_resets_in_s: z.number().optional(),
  daily_used: z.number().optional(),
  daily_limit: z.number().optional(),
});

const UsageInput = z
  .object({
    group_by: z.array(z.enum(DIMENSIONS)).max(3).default(["vendor"]),
    from: IsoDateSchema.optional().describe("Default: 1st of this month"),
    to: IsoDateSchema.optional().describe("Default: today"),
    vendor: z.string().min(1).max(64).optional(),
    leads: z.number().int().positive().optional().describe("Leads gained: adds cost per lead"),
  })
  .strict();

const BudgetSchema = z.object({
  label: z.string(),
  period: z.enum(["day", "month"]),
  soft_usd: z.number().optional(),
  hard_usd: z.number().optional(),
});

/** Who a budget limits: its name, else its vendor, tool and principal (unset: any). */
const budgetLabel = (b: Budget): string =>
  b.name ?? ([b.vendor, b.tool, b.principal].filter(Boolean).join(" · ") || "all vendors");

/** The budgets that limit spend inside the filter (a budget of another vendor does not). */
const budgetsIn = (budgets: readonly Budget[], vendor?: string): z.output<typeof BudgetSchema>[] =>
  budgets
    .filter((b) => !vendor || !b.vendor || b.vendor === vendor)
    .map((b) => ({
      label: budgetLabel(b),
      period: b.period,
      ...(b.softUsd !== undefined && { soft_usd: b.softUsd }),
      ...(b.hardUsd !== undefined && { hard_usd: b.hardUsd }),
    }));

const UsageOutput = z.object({
  from: z.string(),
  to: z.string(),
  rows: z.array(UsageRowSchema),
  total_cost_usd: z.number(),
  cost_per_lead_usd: z.number().nullable(),
  remaining_quota: z.array(QuotaSchema),
  budgets: z.array(BudgetSchema).optional().describe("Spending limits that apply (REVOPS_VENDOR_BUDGETS)"),
  note: z.string(),
});

type Row = z.output<typeof UsageRowSchema>;

async function quotas(callers: Map<string, ResilientCaller>): Promise<z.output<typeof QuotaSchema>[]> {
  const out: z.output<typeof QuotaSchema>[] = [];
  for (const caller of callers.values()) {
    const q = await caller.remainingQuota();
    out.push({
      vendor: q.vendor,
      connection: q.connection,
      ...(q.window && {
        window_limit: q.window.limit,
        window_remaining: q.window.remaining,
        window_resets_in_s: Math.ceil(q.window.resetMs / 1000),
      }),
      ...(q.daily && { daily_used: q.daily.used, daily_limit: q.daily.limit }),
    });
  }
  return out;
}

const round = (usd: number): number => Math.round(usd * 1_000_000) / 1_000_000;

const apiUsage = defineTool<z.output<typeof UsageInput>, z.output<typeof UsageOutput>, UsagePorts>({
  name: "api_usage",
  title: "Vendor API usage and cost",
  description: "Vendor API calls, cost and remaining quota, grouped by vendor, tool, principal or day.",
  toolset: "usage",
  scopes: ["audit:read"],
  annotations: annotations.readLocal,
  input: UsageInput,
  output: UsageOutput,
  example: { group_by: ["vendor"] },
  view: defineView({
    uri: "ui://ops/api-usage",
    title: "API cost chart",
    description: "Vendor API cost per day with its daily budgets, or by the first grouping.",
    html: async () => (await import("./views/usage.view.ts?view")).default,
  }),
  handler: async ({ input, ctx }) => {
    const today = await ctx.ports.today();
    const from = input.from ?? `${today.slice(0, 7)}-01`;
    const to = input.to ?? today;
    if (from > to) {
      throw new ToolError("user", "from is after to.", {
        fields: ["from", "to"],
        hint: "Swap the two dates.",
      });
    }
    const ledger = await ctx.ports.ledger();
    await ledger.flush(); // calls that already answered are counted
    const filter = { from, to, ...(input.vendor ? { vendor: input.vendor } : {}) };
    const groupBy = [...new Set(input.group_by)] as UsageDimension[];
    const rows: Row[] = (await ledger.usage({ ...filter, groupBy })).map(({ costUsd, ...r }) => ({
      ...r,
      cost_usd: round(costUsd),
    }));
    const total = round(rows.reduce((sum, r) => sum + r.cost_usd, 0));
    const perLead = input.leads
      ? (await ledger.costPerLead({ ...filter, leads: input.leads })).costPerLeadUsd
      : null;
    const note =
      rows.length === 0
        ? `No vendor calls recorded between ${from} and ${to}${input.vendor ? ` for ${input.vendor}` : ""}; a server on the sandbox makes none.`
        : `${rows.reduce((n, r) => n + r.calls, 0)} vendor calls cost $${total.toFixed(2)} between ${from} and ${to}.`;
    const budgets = budgetsIn(await ctx.ports.budgets(), input.vendor);
    return {
      from,
      to,
      rows,
      total_cost_usd: total,
      cost_per_lead_usd: perLead === null ? null : round(perLead),
      remaining_quota: await quotas(await ctx.ports.callers()),
      ...(budgets.length > 0 && { budgets }),
      note,
    };
  },
});

const todayResource = defineResource<UsagePorts>({
  name: "usage_today",
  title: "Vendor API usage today",
  description:
    "Today's vendor API calls and cost per vendor and tool, and the remaining quota of each connection.",
  mimeType: "application/json",
  scopes: ["audit:read"],
  uri: "usage://today",
  read: async ({ uri, ctx }) => {
    const ledger = await ctx.ports.ledger();
    await ledger.flush();
    const day = await ctx.ports.today();
    const rows = await ledger.usage({ from: day, to: day, groupBy: ["vendor", "tool"] });
    const body = { day, rows, remaining_quota: await quotas(await ctx.ports.callers()) };
    return [{ uri, mimeType: "application/json", text: JSON.stringify(body) }];
  },
});

/** The sandbox's own date while no vendor is configured or called (the report is the same on any day), else the real one. */
async function usageToday(rt: Runtime): Promise<string> {
  const { liveCallers } = await import("@revops/connectors/app-setup");
  const { configuredConnections } = await import("@revops/connectors/doctor");
  const onVendors =
    (await liveCallers(rt)).size > 0 || configuredConnections(envWithFile()).connections.length > 0;
  return onVendors ? new Date().toISOString().slice(0, 10) : sandboxToday(await sandboxDatabase(rt));
}

async function usagePorts(rt: Runtime): Promise<UsagePorts> {
  return {
    ...opsPorts(rt),
    ledger: async () => (await import("@revops/connectors/app-setup")).costLedgerFor(rt),
    callers: async () => (await import("@revops/connectors/app-setup")).liveCallers(rt),
    budgets: async () =>
      (await import("@revops/connectors/app-setup")).deployedVendorSettings(rt.environment).budgets,
    today: () => usageToday(rt),
  };
}

/**
 * The cost ledger as a tool and a resource, and the ops tools (integrations_health), served by every server under
 * the same names.
 */
export const usageModule = defineServer<UsagePorts>({
  name: "usage",
  shared: true,
  title: "Vendor usage",
  version: "1.0.0",
  instructions:
    "api_usage answers what the vendor APIs cost and how much quota is left; integrations_health whether each vendor connection works.",
  // off by default like audit: it answers operators, not the everyday questions, and every tool costs context
  toolsets: [
    { name: "usage", description: "Vendor API usage, cost and remaining quota", default: false },
    opsToolset,
  ],
  tools: [apiUsage, integrationsHealth],
  resources: [todayResource],
  prompts: [],
  ports: usagePorts,
});
