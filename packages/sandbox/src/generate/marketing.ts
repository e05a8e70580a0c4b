import { isoDay, isoTime, quarterStart } from "../dates.js";
import { emailLocal, FIRST_NAMES, LAST_NAMES, TITLES } from "../names.js";
import { Rng } from "../random.js";
import { CompanyNamer, contactId, isUnsubscribed } from "./accounts.js";
import { dayBetween } from "./clock.js";
import {
  type AccountModel,
  BASE_COUNTS,
  type CampaignModel,
  type Ctx,
  type DealModel,
  type LeadModel,
  padId,
  scaled,
} from "./types.js";

export const CHANNELS = ["email", "paid_search", "paid_social", "webinar", "event", "content"] as const;
const DURATION: Record<string, [number, number]> = {
  email: [14, 60],
  paid_search: [60, 120],
  paid_social: [45, 100],
  webinar: [21, 45],
  event: [30, 60],
  content: [90, 180],
};
const BUDGET: Record<string, [number, number]> = {
  email: [1000, 5000],
  paid_search: [20000, 80000],
  paid_social: [15000, 60000],
  webinar: [3000, 12000],
  event: [25000, 120000],
  content: [5000, 25000],
};
const LABEL: Record<string, string> = {
  email: "Email Nurture",
  paid_search: "Paid Search",
  paid_social: "Paid Social",
  webinar: "Webinar",
  event: "Field Event",
  content: "Content Syndication",
};
const THEMES = [
  "Forecast Accuracy",
  "Pipeline Health",
  "Churn Prevention",
  "Revenue Intelligence",
  "Data Quality",
  "Board Reporting",
  "RevOps Summit",
  "Self-Serve Analytics",
  "AI Insights",
  "Win-Loss Analysis",
];
/** Lead source -> campaign channel that sources it, with the share of such leads attributed to a campaign. */
const SOURCE_CHANNEL: Record<string, [string, number]> = {
  paid_search: ["paid_search", 1],
  paid_social: ["paid_social", 1],
  webinar: ["webinar", 1],
  event: ["event", 1],
  organic: ["content", 0.4],
  outbound: ["email", 0.25],
};
const SOURCES: [string, number][] = [
  ["organic", 22],
  ["paid_search", 16],
  ["paid_social", 10],
  ["webinar", 12],
  ["referral", 8],
  ["event", 8],
  ["outbound", 16],
  ["partner", 8],
];

export function buildCampaigns(ctx: Ctx): (CampaignModel & { row: unknown[] })[] {
  const r = new Rng(ctx.seed, "campaigns");
  const total = scaled(ctx, BASE_COUNTS.campaigns);
  const first = ctx.windowStart - 60;
  const span = ctx.todayDay + 60 - first;
  const names = new Set<string>();
  const out: (CampaignModel & { row: unknown[] })[] = [];
  for (let i = 0; i < total; i++) {
    const channel = CHANNELS[i % CHANNELS.length] as string;
    const [dMin, dMax] = DURATION[channel] ?? [30, 60];
    const startDay = first + Math.floor(((i + r.next()) / total) * span);
    const endDay = startDay + r.int(dMin, dMax);
    const status = startDay > ctx.todayDay ? "planned" : endDay < ctx.todayDay ? "completed" : "active";
    const [bMin, bMax] = BUDGET[channel] ?? [1000, 5000];
    const budget = Math.round(r.int(bMin, bMax) / 500) * 500;
    const elapsed = Math.min(1, (ctx.todayDay - startDay) / (endDay - startDay));
    const spend = status === "planned" ? 0 : Math.round(budget * elapsed * (0.85 + r.next() * 0.2));
    const q = quarterStart(startDay);
    const quarter = `Q${Math.floor(new Date(q * 86_400_000).getUTCMonth() / 3) + 1} ${isoDay(q).slice(0, 4)}`;
    let name = `${quarter} ${r.pick(THEMES)} ${LABEL[channel]}`;
    for (let n = 2; names.has(name); n++) name = `${name.replace(/ #\d+$/, "")} #${n}`;
    names.add(name);
    const id = padId("cmp", i + 1, total);
    const row = [id, name, channel, status, isoDay(startDay), isoDay(endDay), budget, spend];
    out.push({ id, channel, startDay, endDay, row });
  }
  return out;
}

function statusFor(r: Rng, ageDays: number): string {
  if (ageDays < 14)
    return r.weighted([
      ["new", 55],
      ["working", 35],
      ["mql", 10],
    ] as const);
  return r.weighted([
    ["working", 15],
    ["mql", 25],
    ["sql", 15],
    ["disqualified", 45],
  ] as const);
}

/** Mean lead score per status: scores lean with the outcome but overlap widely (a score predicts, it is not the outcome). */
const SCORE_MEAN: Record<string, number> = {
  new: 38,
  working: 45,
  mql: 60,
  sql: 66,
  converted: 64,
  disqualified: 40,
};

/** Leads (with the row to insert); converted leads point at new-business deals at the same company. */
export function buildLeads(ctx: Ctx, deals: readonly DealModel[], campaigns: readonly CampaignModel[]) {
  const r = new Rng(ctx.seed, "leads");
  const namer = new CompanyNamer(new Rng(ctx.seed, "lead-companies"));
  const total = scaled(ctx, BASE_COUNTS.leads);
  const live = campaigns.filter((c) => c.startDay <= ctx.todayDay);
  // one list per channel, built once: filtering every campaign for every lead was most of the plan at 100×
  const channels = new Map<string, CampaignModel[]>();
  const byChannel = (ch: string) => {
    let list = channels.get(ch);
    if (!list) {
      list = live.filter((c) => c.channel === ch);
      channels.set(ch, list);
    }
    return list;
  };
  const newBiz = r.shuffle(deals.filter((d) => d.type === "new_business"));
  const converted = newBiz.slice(0, Math.min(newBiz.length, Math.round(total * 0.15)));
  type Draft = { minute: number; campaign: CampaignModel | null; status: string; row: unknown[] };
  const drafts: Draft[] = [];
  for (let i = 0; i < total; i++) {
    const deal: DealModel | undefined = converted[i];
    let source = r.weighted(SOURCES);
    const [channel, share] = SOURCE_CHANNEL[source] ?? ["", 0];
    let campaign: CampaignModel | null = null;
    let day: number;
    if (deal) {
      day = Math.max(deal.account.createdDay, deal.createdDay - r.int(0, 21));
      const fits = byChannel(channel).filter((c) => c.startDay <= day && day <= c.endDay);
      if (fits.length > 0 && r.chance(share)) campaign = r.pick(fits);
      else if (share === 1) source = r.pick(["referral", "outbound", "organic", "partner"]);
    } else {
      const pool = byChannel(channel);
      if (pool.length > 0 && r.chance(share)) {
        campaign = r.pick(pool);
        day = dayBetween(r, campaign.startDay, Math.min(campaign.endDay, ctx.todayDay));
      } else {
        if (share === 1) source = r.pick(["referral", "outbound", "organic", "partner"]);
        day = dayBetween(r, ctx.windowStart - 90, ctx.todayDay);
      }
    }
    const minute = Math.min(day * 1440 + r.int(0, 1439), ctx.nowMinute - r.int(1, 600));
    const status = deal ? "converted" : statusFor(r, ctx.todayDay - day);
    const score = Math.max(0, Math.min(100, Math.round((SCORE_MEAN[status] ?? 50) + 17 * r.normal())));
    const first = r.pick(FIRST_NAMES);
    const last = r.pick(LAST_NAMES);
    const co = deal ? { name: deal.account.name, domain: deal.account.domain } : namer.next();
    const title = r.pick(TITLES)[0];
    const row: unknown[] = [
      `${first} ${last}`,
      `${emailLocal(first, last)}@${co.domain}`,
      co.name,
      title,
      source,
    ];
    row.push(campaign?.id ?? null, status, score, isoTime(minute), deal?.id ?? null);
    drafts.push({ minute, campaign, status, row });
  }
  drafts.sort((x, y) => x.minute - y.minute);
  return drafts.map((d, i): LeadModel & { row: unknown[] } => {
    const id = padId("lead", i + 1, total);
    return { id, createdMinute: d.minute, campaign: d.campaign, status: d.status, row: [id, ...d.row] };
  });
}

const SEQUENCE: Record<string, string[]> = {
  email: ["open", "click"],
  paid_search: ["impression", "click"],
  paid_social: ["impression", "impression", "click"],
  webinar: ["click", "register"],
  event: ["register"],
  content: ["impression", "click"],
};

/** Campaign touches: sourcing sequences for leads, extra multi-touch, and email reach to known contacts. */
export function* touchRows(
  ctx: Ctx,
  leads: readonly LeadModel[],
  campaigns: readonly CampaignModel[],
  accounts: readonly AccountModel[],
): Generator<unknown[]> {
  const r = new Rng(ctx.seed, "touches");
  let n = 0;
  const width = scaled(ctx, 40_000);
  const id = () => padId("tch", ++n, width);
  const live = campaigns.filter((c) => c.startDay <= ctx.todayDay);
  for (const lead of leads) {
    const c = lead.campaign;
    if (c) {
      const seq = SEQUENCE[c.channel] ?? ["click"];
      const from = Math.max(c.startDay * 1440, lead.createdMinute - 14 * 1440);
      for (let k = 0; k < seq.length; k++) {
        const last = k === seq.length - 1;
        const t = last
          ? lead.createdMinute
          : from + Math.floor(r.next() * Math.max(1, lead.createdMinute - from));
        yield [id(), c.id, lead.id, null, seq[k], isoTime(t)];
      }
      const attendDay = Math.min(c.endDay, ctx.todayDay - 1);
      if (
        (c.channel === "webinar" || c.channel === "event") &&
        attendDay * 1440 > lead.createdMinute &&
        r.chance(0.6)
      ) {
        yield [id(), c.id, lead.id, null, "attend", isoTime(attendDay * 1440 + r.int(14 * 60, 18 * 60))];
      }
    }
    const extra = r.chance(0.3) ? r.int(1, 2) : 0;
    for (let k = 0; k < extra; k++) {
      const other = r.pick(live);
      const to = Math.min(other.endDay * 1440, lead.createdMinute);
      if (other === c || other.startDay * 1440 >= to) continue;
      const t = other.startDay * 1440 + Math.floor(r.next() * (to - other.startDay * 1440));
      yield [id(), other.id, lead.id, null, r.chance(0.3) ? "click" : "impression", isoTime(t)];
    }
  }
  const contacts = accounts.reduce((s, a) => s + a.contactCount, 0);
  for (const c of live) {
    if (c.channel !== "email" && c.channel !== "webinar") continue;
    const reached = new Set<number>();
    for (let k = 0; k < 300 && contacts > 0; k++) reached.add(r.int(0, contacts - 1));
    const to = Math.min(c.endDay * 1440, ctx.nowMinute - 60);
    for (const idx of [...reached].sort((x, y) => x - y)) {
      if (isUnsubscribed(ctx, idx)) continue;
      const t = c.startDay * 1440 + Math.floor(r.next() * Math.max(1, to - c.startDay * 1440));
      yield [id(), c.id, null, contactId(ctx, idx), r.chance(0.25) ? "click" : "open", isoTime(t)];
    }
  }
}
