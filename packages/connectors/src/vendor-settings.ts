import type { Budget, PriceTable, RateRule } from "@revops/resilience";
import { z } from "zod";

/** What a deployment tunes about its vendor accounts: plans, prices and spending limits. */
export interface VendorSettings {
  /** USD per quota unit per vendor and operation ("*" = any operation). */
  prices: PriceTable;
  budgets: Budget[];
  /** Rate per vendor when the account's plan differs from the default (e.g. HubSpot Enterprise). */
  rates: Record<string, RateRule>;
  /** Server replicas sharing each vendor quota: sizes the in-process limiter used while Redis is away. */
  replicas: number;
}

const usd = z.number().nonnegative();
const prices = z.record(z.string(), z.record(z.string(), usd));
const budget = z
  .object({
    name: z.string().optional(),
    vendor: z.string().optional(),
    tool: z.string().optional(),
    principal: z.string().optional(),
    period: z.enum(["day", "month"]),
    softUsd: usd.optional(),
    hardUsd: usd.optional(),
  })
  .strict()
  .refine((b) => b.softUsd !== undefined || b.hardUsd !== undefined, "give softUsd, hardUsd or both");
const rate = z.object({ points: z.number().int().min(1), durationMs: z.number().int().min(1000) }).strict();

const VARIABLES = {
  REVOPS_VENDOR_PRICES: { schema: prices, example: '{"apollo":{"*":0.025}}' },
  REVOPS_VENDOR_BUDGETS: {
    schema: z.array(budget),
    example: '[{"vendor":"apollo","period":"month","softUsd":40,"hardUsd":50}]',
  },
  REVOPS_VENDOR_RATES: {
    schema: z.record(z.string(), rate),
    example: '{"hubspot":{"points":190,"durationMs":10000}}',
  },
} as const;

export class VendorSettingsError extends Error {
  override name = "VendorSettingsError";
}

function parseJson<T>(name: keyof typeof VARIABLES, raw: string | undefined, fallback: T): T {
  if (raw === undefined || raw.trim() === "") return fallback;
  const { schema, example } = VARIABLES[name];
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new VendorSettingsError(`${name} is not JSON. Example: ${name}='${example}'.`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
    throw new VendorSettingsError(`${name}${where}: ${issue?.message}. Example: ${name}='${example}'.`);
  }
  return parsed.data as T;
}

/** Reads REVOPS_VENDOR_PRICES, _BUDGETS, _RATES and REVOPS_REPLICAS; a bad value names the variable and an example. */
export function vendorSettingsFromEnv(
  env: Record<string, string | undefined> = process.env,
  defaults: { prices?: PriceTable } = {},
): VendorSettings {
  const replicas = Number(env.REVOPS_REPLICAS ?? "1");
  if (!Number.isInteger(replicas) || replicas < 1) {
    throw new VendorSettingsError("REVOPS_REPLICAS must be a whole number of server replicas, 1 or more.");
  }
  const custom = parseJson<PriceTable>("REVOPS_VENDOR_PRICES", env.REVOPS_VENDOR_PRICES, {});
  const merged: PriceTable = { ...defaults.prices };
  for (const [vendor, table] of Object.entries(custom)) merged[vendor] = { ...merged[vendor], ...table };
  return {
    prices: merged,
    budgets: parseJson<Budget[]>("REVOPS_VENDOR_BUDGETS", env.REVOPS_VENDOR_BUDGETS, []),
    rates: parseJson<Record<string, RateRule>>("REVOPS_VENDOR_RATES", env.REVOPS_VENDOR_RATES, {}),
    replicas,
  };
}
