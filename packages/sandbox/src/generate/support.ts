import { isoDay, isoTime, weekday } from "../dates.js";
import { allocate, Rng } from "../random.js";
import { contactId, randomContact } from "./accounts.js";
import { businessMinute } from "./clock.js";
import { type AccountModel, BASE_COUNTS, type Ctx, padId, scaled } from "./types.js";

const TAG_SUBJECTS: Record<string, readonly string[]> = {
  billing: ["Invoice shows wrong seat count", "Update billing contact", "Question about renewal pricing"],
  sso: ["SSO login fails for new users", "Okta SCIM provisioning errors", "Enable SAML for sandbox"],
  dashboards: ["Dashboard not refreshing", "How to share a dashboard externally", "Chart totals look off"],
  "data-sync": ["Salesforce sync stuck", "HubSpot fields missing after sync", "Nightly import failed"],
  api: ["API rate limit questions", "Webhook deliveries delayed", "API token expired unexpectedly"],
  performance: ["Reports timing out", "Slow load on pipeline view", "Forecast page extremely slow"],
  export: ["CSV export truncated", "Scheduled export not delivered"],
  permissions: ["Viewer role can edit reports", "Need admin access for new manager"],
  "how-to": [
    "How do I set up quota tracking?",
    "Training materials for new team",
    "Custom field mapping help",
  ],
  "feature-request": ["Request: multi-currency forecasts", "Request: Slack alerts for deal changes"],
};
const CALM_TAGS: [string, number][] = [
  ["how-to", 25],
  ["billing", 10],
  ["dashboards", 15],
  ["sso", 8],
  ["api", 8],
  ["export", 8],
  ["permissions", 8],
  ["feature-request", 10],
  ["data-sync", 5],
  ["performance", 3],
];
const ANGRY_TAGS: [string, number][] = [
  ["performance", 30],
  ["data-sync", 30],
  ["dashboards", 15],
  ["billing", 10],
  ["api", 15],
];
const FIRST_RESPONSE_MEDIAN: Record<string, number> = { urgent: 20, high: 60, normal: 180, low: 480 };
const GOOD_COMMENTS = [
  "Quick and helpful, thanks!",
  "Solved on the first reply.",
  "Great support as always.",
];
const BAD_COMMENTS = [
  "Took days to get a real answer.",
  "Issue keeps coming back, this is hurting adoption.",
  "Still broken. Considering alternatives.",
  "Nobody followed up.",
];

/** Accounts that have support history: current customers, and churned ones in their final year. */
function supportWindow(ctx: Ctx, a: AccountModel): [number, number] | null {
  if (a.lifecycle === "customer") return [Math.max(a.customerSince, ctx.todayDay - 365), ctx.todayDay];
  if (a.lifecycle === "churned" && a.churnDay > ctx.todayDay - 365) return [a.churnDay - 365, a.churnDay];
  return null;
}

/** Troubled accounts (at-risk customers, soon-to-churn) get a burst of angrier tickets in the last 90 days. */
function troubled(a: AccountModel): boolean {
  return a.atRisk || a.lifecycle === "churned";
}

export function* ticketRows(ctx: Ctx, accounts: readonly AccountModel[]): Generator<unknown[]> {
  const r = new Rng(ctx.seed, "tickets");
  const total = scaled(ctx, BASE_COUNTS.tickets);
  const weights = accounts.map((a) =>
    supportWindow(ctx, a) ? Math.sqrt(a.seats) * (troubled(a) ? 4 : 1) : 0,
  );
  const counts = allocate(total, weights, 0);
  let n = 0;
  for (const a of accounts) {
    const win = supportWindow(ctx, a);
    if (!win) continue;
    const [from, to] = win;
    for (let k = 0; k < (counts[a.idx] ?? 0); k++) {
      const angry = troubled(a) && r.chance(0.75);
      const day = angry ? to - r.int(0, 89) : from + Math.floor(r.next() * Math.max(1, to - from));
      const created = businessMinute(ctx, r, day, a.region);
      const priority = angry
        ? r.weighted([
            ["urgent", 30],
            ["high", 40],
            ["normal", 25],
            ["low", 5],
          ] as const)
        : r.weighted([
            ["urgent", 3],
            ["high", 15],
            ["normal", 57],
            ["low", 25],
          ] as const);
      const tag = r.weighted(angry ? ANGRY_TAGS : CALM_TAGS);
      const tags = r.chance(0.3)
        ? [tag, r.weighted(CALM_TAGS)].filter((t, i, all) => all.indexOf(t) === i)
        : [tag];
      if (angry && r.chance(0.4)) tags.push("escalation");
      const frMedian = FIRST_RESPONSE_MEDIAN[priority] ?? 180;
      const firstResponse = Math.max(1, Math.round(r.logNormal(frMedian * (angry ? 2 : 1), 0.7)));
      const resolution = Math.round(r.logNormal(priority === "urgent" ? 240 : 1800, 1)) + firstResponse;
      const solved = created + resolution;
      const age = ctx.nowMinute - created;
      let status: string;
      if (firstResponse >= age) status = "new";
      else if (solved >= ctx.nowMinute) status = r.chance(0.7) ? "open" : "pending";
      else status = ctx.nowMinute - solved > 7 * 1440 ? "closed" : "solved";
      const done = status === "solved" || status === "closed";
      let csat: string | null = null;
      let comment: string | null = null;
      if (done && r.chance(0.45)) {
        csat = r.chance(angry ? 0.3 : 0.9) ? "good" : "bad";
        if (r.chance(0.5)) comment = r.pick(csat === "good" ? GOOD_COMMENTS : BAD_COMMENTS);
      }
      const contact = contactId(ctx, randomContact(r, a));
      const channel = r.weighted([
        ["email", 45],
        ["chat", 25],
        ["web", 20],
        ["phone", 10],
      ] as const);
      const subject = r.pick(TAG_SUBJECTS[tag] ?? ["Question"]);
      const row: unknown[] = [padId("tkt", ++n, total), a.id, contact, subject, priority, status, channel];
      row.push(isoTime(created), done ? isoTime(solved) : null, status === "new" ? null : firstResponse);
      row.push(csat, comment, tags.join(","));
      yield row;
    }
  }
}

const NPS_COMMENTS = {
  promoter: ["Forecasting is finally reliable.", "Love the dashboards.", "Support team is excellent.", null],
  passive: ["Good product, a few rough edges.", "Does the job.", "Pricing is a bit high.", null],
  detractor: [
    "Too slow lately.",
    "Sync problems every week.",
    "Hard to get value from it.",
    "Support is unresponsive.",
  ],
};

export function* npsRows(ctx: Ctx, accounts: readonly AccountModel[]): Generator<unknown[]> {
  const r = new Rng(ctx.seed, "nps");
  const total = scaled(ctx, BASE_COUNTS.nps);
  const eligible = (a: AccountModel) => supportWindow(ctx, a) !== null;
  const weights = accounts.map((a) => (eligible(a) ? a.contactCount ** 0.7 * (a.atRisk ? 1.5 : 1) : 0));
  const counts = allocate(total, weights, 0);
  let n = 0;
  for (const a of accounts) {
    const win = supportWindow(ctx, a);
    if (!win) continue;
    const [from, to] = win;
    for (let k = 0; k < (counts[a.idx] ?? 0); k++) {
      const recentBad = troubled(a) && (k < 2 || r.chance(0.7));
      const day = recentBad ? to - r.int(0, 170) : from + Math.floor(r.next() * Math.max(1, to - from));
      const score = recentBad
        ? r.weighted([
            [0, 1],
            [1, 1],
            [2, 2],
            [3, 3],
            [4, 3],
            [5, 3],
            [6, 2],
            [7, 1],
          ] as const)
        : r.weighted([
            [3, 1],
            [5, 2],
            [6, 4],
            [7, 10],
            [8, 18],
            [9, 30],
            [10, 25],
          ] as const);
      const kind = score >= 9 ? "promoter" : score >= 7 ? "passive" : "detractor";
      const comment = r.pick(NPS_COMMENTS[kind]);
      const contact = contactId(ctx, randomContact(r, a));
      const at = isoTime(businessMinute(ctx, r, day, a.region));
      yield [padId("nps", ++n, total), a.id, contact, score, comment, at];
    }
  }
}

/** Daily usage for current customers over the last 180 days; at-risk accounts decline steeply. */
export function* usageRows(ctx: Ctx, accounts: readonly AccountModel[]): Generator<unknown[]> {
  for (const a of accounts) {
    if (a.lifecycle !== "customer") continue;
    const r = new Rng(ctx.seed, `usage:${a.idx}`);
    const base = a.seats * (0.45 + r.next() * 0.4);
    const perUser = 15 + r.next() * 25;
    const featureRate = 0.1 + r.next() * 0.2;
    const growth = -0.1 + r.next() * 0.35;
    const declineStart = r.int(50, 100);
    const floor = 0.3 + r.next() * 0.2;
    for (let back = 180; back >= 1; back--) {
      const day = ctx.todayDay - back;
      if (day < a.customerSince) continue;
      let f = 1 + growth * ((180 - back) / 180);
      if (day - a.customerSince < 45) f *= 0.3 + (0.7 * (day - a.customerSince)) / 45; // onboarding ramp
      if (a.atRisk && back < declineStart) f *= 1 - (1 - floor) * ((declineStart - back) / declineStart);
      const wd = weekday(day);
      if (wd === 0 || wd === 6) f *= 0.4;
      const active = Math.max(0, Math.round(base * f * (1 + 0.08 * r.normal())));
      const events = Math.max(0, Math.round(active * perUser * (1 + 0.1 * r.normal())));
      const keyUses = Math.round(events * featureRate * (a.atRisk && back < declineStart ? 0.6 : 1));
      yield [a.id, isoDay(day), Math.min(active, a.seats), events, keyUses];
    }
  }
}
