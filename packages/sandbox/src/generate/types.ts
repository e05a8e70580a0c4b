import type { DealType, SizeBand, Stage } from "@revops/model";
import { addQuarters, dayOf } from "../dates.js";
import type { Region } from "../names.js";
import type { TableName } from "../schema.js";

export interface GenerateOptions {
  /** PRNG seed; same seed (and scale/today) gives byte-identical output. Default 42. */
  seed?: number;
  /** Multiplies all entity counts (scale 2 doubles them). Default 1. */
  scale?: number;
  /** The dataset's "today" (`YYYY-MM-DD`); all history is before it. Default "2026-11-23". */
  today?: string;
  /** Rows per yielded chunk. Default 1000. */
  chunkSize?: number;
}

export const SANDBOX_DEFAULTS = { seed: 42, scale: 1, today: "2026-11-23" } as const;

/** Entity counts at scale 1. */
export const BASE_COUNTS = {
  accounts: 500,
  contacts: 2000,
  leads: 1000,
  deals: 800,
  activities: 20000,
  campaigns: 30,
  tickets: 3000,
  nps: 1500,
} as const;

export interface TableChunk {
  table: TableName;
  columns: readonly string[];
  rows: unknown[][];
}

export interface Ctx {
  seed: number;
  scale: number;
  today: string;
  todayDay: number;
  /** The dataset clock: noon UTC on `today`, in minutes since epoch. Nothing happens after it. */
  nowMinute: number;
  /** First day of the 8-quarter window ending with today's quarter. */
  windowStart: number;
  /** Last day of the quarter after today's. */
  horizonEnd: number;
  chunkSize: number;
}

export function makeCtx(opts: GenerateOptions = {}): Ctx {
  const seed = opts.seed ?? SANDBOX_DEFAULTS.seed;
  const scale = opts.scale ?? SANDBOX_DEFAULTS.scale;
  const today = opts.today ?? SANDBOX_DEFAULTS.today;
  if (!Number.isInteger(seed)) throw new Error("seed must be an integer");
  if (!(scale > 0 && scale <= 1000)) throw new Error("scale must be in (0, 1000]");
  const todayDay = dayOf(today);
  const chunkSize = Math.max(1, Math.floor(opts.chunkSize ?? 1000));
  return {
    seed,
    scale,
    today: today.slice(0, 10),
    todayDay,
    nowMinute: todayDay * 1440 + 12 * 60,
    windowStart: addQuarters(todayDay, -7),
    horizonEnd: addQuarters(todayDay, 2) - 1,
    chunkSize,
  };
}

export function scaled(ctx: Ctx, base: number): number {
  return Math.max(1, Math.round(base * ctx.scale));
}

const ZEROS = "0".repeat(16);

/** `prefix_0042`: n zero-padded to the digits of `total` (at least 4). Called per generated row, hence no padStart. */
export function padId(prefix: string, n: number, total: number): string {
  const width = total < 10_000 ? 4 : String(total).length;
  const digits = String(n);
  return digits.length >= width
    ? `${prefix}_${digits}`
    : `${prefix}_${ZEROS.slice(0, width - digits.length)}${digits}`;
}

export type Lifecycle = "prospect" | "customer" | "churned";

export interface AccountModel {
  idx: number;
  id: string;
  name: string;
  domain: string;
  industry: string;
  region: Region;
  timezone: string;
  phonePrefix: string;
  sizeBand: SizeBand;
  employees: number;
  ownerId: string;
  lifecycle: Lifecycle;
  createdDay: number;
  /** Subscription start (customers and churned accounts). */
  customerSince: number;
  /** Cancellation day (churned only), else -1. */
  churnDay: number;
  plan: string;
  seats: number;
  /** Contract ARR (current for customers, at cancellation for churned). */
  contractArr: number;
  atRisk: boolean;
  contactStart: number;
  contactCount: number;
}

export interface DealModel {
  id: string;
  account: AccountModel;
  type: DealType;
  stage: Stage;
  amount: number;
  createdDay: number;
  closeDay: number;
  /** Index in OPEN_STAGES of the furthest open stage the deal reached before closing (or its current one). */
  reached: number;
  lastActivityMinute: number;
  /** Number of activities logged against this deal (>= 1). */
  activityCount: number;
}

export interface CampaignModel {
  id: string;
  channel: string;
  startDay: number;
  endDay: number;
}

export interface LeadModel {
  id: string;
  createdMinute: number;
  campaign: CampaignModel | null;
  status: string;
}
