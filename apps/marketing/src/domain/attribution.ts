/**
 * Multi-touch campaign attribution: pure functions over deal touch paths (no I/O).
 *
 * Each deal's amount is split over the campaigns that touched its lead inside the lookback window, by the
 * chosen model, in whole dollars that add up to the amount exactly. Pipeline counts open and won deals,
 * revenue won deals; so every model's totals are the distinct attributed deals' amounts, never more.
 */

export const ATTRIBUTION_MODELS = [
  "first_touch",
  "last_touch",
  "linear",
  "time_decay",
  "u_shaped",
  "w_shaped",
  "data_driven",
] as const;
export type AttributionModel = (typeof ATTRIBUTION_MODELS)[number];

export const DEFAULT_LOOKBACK_DAYS = 90;
export const DEFAULT_HALF_LIFE_DAYS = 7;

export interface Touch {
  campaignId: string;
  type: string;
  /** ISO time; null where the source does not record it (ordering then comes from the source). */
  at: string | null;
}

export interface Deal {
  dealId: string;
  amount: number;
  won: boolean;
  lost: boolean;
  createdDate: string;
  closeDate: string;
  leadCreatedAt: string | null;
  sourceCampaignId: string | null;
  touches: Touch[];
}

export interface AttributionOptions {
  model: AttributionModel;
  lookbackDays: number;
  halfLifeDays: number;
}

const DAY = 86_400_000;
const dayStart = (d: string) => Date.parse(`${d.slice(0, 10)}T00:00:00.000Z`);
const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Touches from lookbackDays before the opportunity's creation day to the end of that day; timeless touches are kept. */
export function windowed(deal: Deal, lookbackDays: number): Touch[] {
  const start = dayStart(deal.createdDate) - lookbackDays * DAY;
  const end = dayStart(deal.createdDate) + DAY - 1;
  return deal.touches.filter((t) => {
    if (t.at === null) return true;
    const ms = Date.parse(t.at);
    return ms >= start && ms <= end;
  });
}

/** The W-shaped lead-creation touch: the last one at or before the lead's creation (the first when unknown). */
function leadTouchIndex(deal: Deal, touches: Touch[]): number {
  if (!deal.leadCreatedAt) return 0;
  const lead = Date.parse(deal.leadCreatedAt);
  let at = 0;
  touches.forEach((t, i) => {
    if (t.at !== null && Date.parse(t.at) <= lead) at = i;
  });
  return at;
}

/** Weight per touch (summing to 1) for the position- and time-based models. */
export function touchWeights(
  model: Exclude<AttributionModel, "data_driven">,
  deal: Deal,
  touches: Touch[],
  halfLifeDays: number,
): number[] {
  const n = touches.length;
  const w = new Array<number>(n).fill(0);
  if (n === 0) return w;
  const last = n - 1;
  switch (model) {
    case "first_touch":
      w[0] = 1;
      return w;
    case "last_touch":
      w[last] = 1;
      return w;
    case "linear":
      return w.fill(1 / n);
    case "time_decay": {
      // untimed touches (vendors without touch times) cannot decay: equal weights
      if (touches.some((t) => t.at === null)) return w.fill(1 / n);
      const anchor = dayStart(deal.createdDate);
      const raw = touches.map(
        (t) => 2 ** (-Math.max(0, (anchor - Date.parse(t.at as string)) / DAY) / halfLifeDays),
      );
      const sum = raw.reduce((a, b) => a + b, 0);
      return raw.map((r) => r / sum);
    }
    case "u_shaped": {
      if (n === 1) return [1];
      if (n === 2) return [0.5, 0.5];
      w.fill(0.2 / (n - 2));
      w[0] = 0.4;
      w[last] = 0.4;
      return w;
    }
    case "w_shaped": {
      const keys = [0, leadTouchIndex(deal, touches), last];
      for (const k of keys) w[k] = (w[k] ?? 0) + 0.3;
      const middle = w.map((v, i) => (v === 0 ? i : -1)).filter((i) => i >= 0);
      for (const i of middle) w[i] = 0.1 / middle.length;
      // no other touches: the 10 % goes to the key touches in proportion
      const sum = w.reduce((a, b) => a + b, 0);
      return w.map((v) => v / sum);
    }
  }
}

/** Campaign sequence of a path with consecutive repeats collapsed (the Markov chain's states). */
function states(touches: Touch[]): string[] {
  const out: string[] = [];
  for (const t of touches) if (out[out.length - 1] !== t.campaignId) out.push(t.campaignId);
  return out;
}

/**
 * Removal effect per campaign of a first-order Markov chain over touch paths: the share of the chain's
 * conversion probability lost when the campaign is removed (its visits lead nowhere). Paths that became
 * open or won deals convert; lost deals end in null. States are visited in a fixed order (successors first),
 * and removing a campaign only changes the states that can reach it, so only those are solved again:
 * deterministic, and fast with thousands of campaigns.
 */
export function removalEffects(paths: { campaigns: string[]; converted: boolean }[]): Map<string, number> {
  const START = "\u0000start";
  const ids = [...new Set(paths.flatMap((p) => p.campaigns))].sort(byId);
  const index = new Map<string, number>([[START, 0]]);
  for (const [i, id] of ids.entries()) index.set(id, i + 1);
  const CONV = ids.length + 1;
  const NULL = ids.length + 2;
  const n = ids.length + 3;
  const counts: Map<number, number>[] = Array.from({ length: n }, () => new Map());
  for (const p of paths) {
    if (p.campaigns.length === 0) continue;
    const seq = [0, ...p.campaigns.map((c) => index.get(c) as number), p.converted ? CONV : NULL];
    for (let i = 0; i + 1 < seq.length; i++) {
      const row = counts[seq[i] as number] as Map<number, number>;
      row.set(seq[i + 1] as number, (row.get(seq[i + 1] as number) ?? 0) + 1);
    }
  }
  const succ: number[][] = [];
  const prob: number[][] = [];
  const pred: number[][] = Array.from({ length: n }, () => []);
  counts.forEach((row, s) => {
    const to = [...row.keys()].sort((a, b) => a - b);
    const total = to.reduce((a, t) => a + (row.get(t) as number), 0);
    succ[s] = to;
    prob[s] = to.map((t) => (row.get(t) as number) / total);
    for (const t of to) (pred[t] as number[]).push(s);
  });
  // successors before predecessors (DFS post-order from the start): one sweep solves an acyclic chain
  const order: number[] = [];
  const seen = new Uint8Array(n);
  const visit = (root: number) => {
    const stack: [number, number][] = [[root, 0]];
    seen[root] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1] as [number, number];
      const next = (succ[top[0]] as number[])[top[1]++];
      if (next === undefined) {
        order.push(top[0]);
        stack.pop();
      } else if (!seen[next]) {
        seen[next] = 1;
        stack.push([next, 0]);
      }
    }
  };
  visit(0);
  const solve = (v: Float64Array, states: number[], removed: number) => {
    for (let iter = 0; iter < 10_000; iter++) {
      let delta = 0;
      for (const s of states) {
        if (s === removed || s === CONV || s === NULL) continue;
        const to = succ[s] as number[];
        const p = prob[s] as number[];
        let x = 0;
        for (let k = 0; k < to.length; k++) x += (p[k] as number) * (v[to[k] as number] as number);
        delta = Math.max(delta, Math.abs(x - (v[s] as number)));
        v[s] = x;
      }
      if (delta < 1e-13) return;
    }
  };
  const base = new Float64Array(n);
  base[CONV] = 1;
  solve(base, order, -1);
  const rank = new Int32Array(n).fill(-1);
  order.forEach((s, i) => {
    rank[s] = i;
  });
  const out = new Map<string, number>();
  const p0 = base[0] as number;
  ids.forEach((id, i) => {
    const c = i + 1;
    if (!(p0 > 0) || rank[c] === -1) {
      out.set(id, 0);
      return;
    }
    // the states that can reach c, in the global order
    const up = new Uint8Array(n);
    const queue = [c];
    while (queue.length)
      for (const s of pred[queue.pop() as number] as number[])
        if (!up[s]) {
          up[s] = 1;
          queue.push(s);
        }
    const states = order.filter((s) => up[s] && s !== c);
    const v = Float64Array.from(base);
    v[c] = 0;
    solve(v, states, c);
    out.set(id, Math.max(0, 1 - (v[0] as number) / p0));
  });
  return out;
}

/**
 * Whole dollars per key summing exactly to `amount`: floors first, then the remaining dollars one each to the
 * largest fractional parts (ties: key order). Deterministic for the same shares.
 */
export function splitDollars(amount: number, shares: Map<string, number>): Map<string, number> {
  const total = Math.round(amount);
  const keys = [...shares.keys()].sort(byId);
  const out = new Map<string, number>();
  if (keys.length === 0 || total <= 0) return out;
  const sum = keys.reduce((a, k) => a + Math.max(0, shares.get(k) ?? 0), 0);
  const parts = keys.map((key, order) => {
    const exact = sum > 0 ? (total * Math.max(0, shares.get(key) ?? 0)) / sum : total / keys.length;
    const dollars = Math.floor(exact + 1e-9);
    return { key, order, dollars, fraction: exact - dollars };
  });
  let rest = total - parts.reduce((a, p) => a + p.dollars, 0);
  const byFraction = [...parts].sort((a, b) => b.fraction - a.fraction || a.order - b.order);
  for (let j = 0; rest !== 0; j = (j + 1) % byFraction.length) {
    const part = byFraction[j] as (typeof parts)[number];
    if (rest > 0) {
      part.dollars++;
      rest--;
    } else if (part.dollars > 0) {
      part.dollars--;
      rest++;
    }
  }
  for (const p of parts) if (p.dollars > 0) out.set(p.key, p.dollars);
  return out;
}

export interface CampaignCredit {
  pipeline: number;
  revenue: number;
  /** Deals the campaign earned credit on. */
  deals: number;
  sourcedPipeline: number;
  sourcedRevenue: number;
}

export interface AttributionResult {
  byCampaign: Map<string, CampaignCredit>;
  /** Whole dollars per campaign for each attributed open or won deal. */
  credits: Map<string, Map<string, number>>;
  totals: {
    deals: number;
    pipeline: number;
    revenue: number;
    sourcedDeals: number;
    sourcedPipeline: number;
    sourcedRevenue: number;
  };
  /** Open or won deals with no campaign touch in the window. */
  unattributed: { deals: number; pipeline: number; revenue: number };
}

const emptyCredit = (): CampaignCredit => ({
  pipeline: 0,
  revenue: 0,
  deals: 0,
  sourcedPipeline: 0,
  sourcedRevenue: 0,
});

/** Splits every open or won deal's amount over its campaigns by the model; lost deals only shape data_driven. */
export function attribute(deals: Deal[], opts: AttributionOptions): AttributionResult {
  const paths = deals.map((d) => ({ deal: d, touches: windowed(d, opts.lookbackDays) }));
  const effects =
    opts.model === "data_driven"
      ? removalEffects(paths.map((p) => ({ campaigns: states(p.touches), converted: !p.deal.lost })))
      : undefined;
  const byCampaign = new Map<string, CampaignCredit>();
  const credit = (id: string) => {
    const c = byCampaign.get(id) ?? emptyCredit();
    byCampaign.set(id, c);
    return c;
  };
  const credits = new Map<string, Map<string, number>>();
  const totals = {
    deals: 0,
    pipeline: 0,
    revenue: 0,
    sourcedDeals: 0,
    sourcedPipeline: 0,
    sourcedRevenue: 0,
  };
  const unattributed = { deals: 0, pipeline: 0, revenue: 0 };
  for (const { deal, touches } of [...paths].sort((a, b) => byId(a.deal.dealId, b.deal.dealId))) {
    if (deal.lost) continue;
    const amount = Math.round(deal.amount);
    const revenue = deal.won ? amount : 0;
    if (deal.sourceCampaignId) {
      const s = credit(deal.sourceCampaignId);
      s.sourcedPipeline += amount;
      s.sourcedRevenue += revenue;
      totals.sourcedDeals++;
      totals.sourcedPipeline += amount;
      totals.sourcedRevenue += revenue;
    }
    if (touches.length === 0) {
      unattributed.deals++;
      unattributed.pipeline += amount;
      unattributed.revenue += revenue;
      continue;
    }
    const shares = new Map<string, number>();
    if (effects) {
      const onPath = [...new Set(touches.map((t) => t.campaignId))];
      const anyEffect = onPath.some((c) => (effects.get(c) ?? 0) > 0);
      for (const c of onPath) shares.set(c, anyEffect ? (effects.get(c) ?? 0) : 1);
    } else {
      const w = touchWeights(
        opts.model as Exclude<AttributionModel, "data_driven">,
        deal,
        touches,
        opts.halfLifeDays,
      );
      for (const [i, t] of touches.entries())
        shares.set(t.campaignId, (shares.get(t.campaignId) ?? 0) + (w[i] ?? 0));
    }
    const split = splitDollars(amount, shares);
    credits.set(deal.dealId, split);
    totals.deals++;
    totals.pipeline += amount;
    totals.revenue += revenue;
    for (const [id, dollars] of split) {
      const c = credit(id);
      c.pipeline += dollars;
      if (deal.won) c.revenue += dollars;
      c.deals++;
    }
  }
  return { byCampaign, credits, totals, unattributed };
}

/** Median whole days from lead creation (else opportunity creation) to close, over won deals; null with none. */
export function salesCycleDays(deals: Deal[]): number | null {
  const days = deals
    .filter((d) => d.won)
    .map((d) => (dayStart(d.closeDate) - dayStart(d.leadCreatedAt ?? d.createdDate)) / DAY)
    .filter((n) => Number.isFinite(n) && n >= 0)
    .sort((a, b) => a - b);
  if (days.length === 0) return null;
  const mid = Math.floor(days.length / 2);
  const median =
    days.length % 2 ? (days[mid] as number) : ((days[mid - 1] as number) + (days[mid] as number)) / 2;
  return Math.round(median);
}

/** A campaign is mature once it has run for a typical sales cycle (always, when the cycle is unknown). */
export function isMature(startDate: string, today: string, cycleDays: number | null): boolean {
  if (cycleDays === null) return true;
  return (dayStart(today) - dayStart(startDate)) / DAY >= cycleDays;
}

/** ROI on attributed revenue; null without spend or before the campaign is mature (its deals have not closed yet). */
export function attributedRoi(revenue: number, spend: number, mature: boolean): number | null {
  if (!mature || spend <= 0) return null;
  return Math.round(((revenue - spend) / spend) * 1000) / 1000;
}

export const MODEL_METHOD: Record<AttributionModel, string> = {
  first_touch: "first touch in the window gets 100%",
  last_touch: "last touch before the opportunity gets 100%",
  linear: "equal share per touch",
  time_decay: "share halves every half-life before the opportunity",
  u_shaped: "40% first, 40% last, 20% spread over the middle",
  w_shaped: "30% first, 30% lead-creation, 30% opportunity-creation touch, 10% spread",
  data_driven: "Markov-chain removal effect per campaign (lost deals as non-converting paths)",
};

export interface CampaignInfo {
  id: string;
  name: string;
  channel: string;
  startDate: string;
  spend: number;
}

export interface AttributedCampaign extends CampaignInfo, CampaignCredit {
  mature: boolean;
  roi: number | null;
}

/**
 * One row per campaign (those the deals credit but the campaign list lacks included, without spend), the
 * attribution result and the sales cycle used to judge maturity.
 */
export function campaignAttribution(
  data: { campaigns: CampaignInfo[]; deals: Deal[] },
  opts: AttributionOptions,
  today: string,
) {
  const result = attribute(data.deals, opts);
  const cycleDays = salesCycleDays(data.deals);
  const known = new Set(data.campaigns.map((c) => c.id));
  const unknown = [...result.byCampaign.keys()]
    .filter((id) => !known.has(id))
    .sort(byId)
    .map((id) => ({ id, name: id, channel: "unspecified", startDate: "", spend: 0 }));
  const rows: AttributedCampaign[] = [...data.campaigns, ...unknown].map((c) => {
    const credit = result.byCampaign.get(c.id) ?? emptyCredit();
    const mature = c.startDate === "" || isMature(c.startDate, today, cycleDays);
    return { ...c, ...credit, mature, roi: attributedRoi(credit.revenue, c.spend, mature) };
  });
  return { rows, result, cycleDays };
}

/** What every attribution figure should be read with: maturity, scope, and what the source could not give. */
export function attributionCaveats(
  rows: AttributedCampaign[],
  cycleDays: number | null,
  notes: string[] = [],
): string[] {
  const young = rows.filter((r) => !r.mature).map((r) => r.id);
  return [
    ...(young.length
      ? [
          `ROI null for ${young.length} campaign(s) younger than the median sales cycle (${cycleDays} days, lead → won): ${young.slice(0, 8).join(", ")}${young.length > 8 ? ", …" : ""}.`,
        ]
      : []),
    ...(cycleDays === null ? ["No won deals to measure a sales cycle: maturity not judged."] : []),
    "Only deals converted from leads are attributed; each deal's amount is split in whole dollars across the campaigns that touched it in the window.",
    ...notes,
  ];
}
