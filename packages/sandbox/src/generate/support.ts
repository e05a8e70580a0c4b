import { isoTime } from "../dates.js";
import { allocate, Rng } from "../random.js";
import { churnedLoudly, contactId, randomContact } from "./accounts.js";
import { businessMinute } from "./clock.js";
import { csatComment, type NpsKind, npsComment, ticketSubject } from "./text.js";
import { type AccountModel, BASE_COUNTS, type Ctx, padId, scaled } from "./types.js";

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
/** Accounts that have support history: current customers, and churned ones (final year, churn in the window). */
function supportWindow(ctx: Ctx, a: AccountModel): [number, number] | null {
  if (a.lifecycle === "customer") return [Math.max(a.customerSince, ctx.todayDay - 365), ctx.todayDay];
  if (a.lifecycle === "churned" && a.churnDay >= ctx.windowStart)
    return [Math.max(a.customerSince, a.churnDay - 365), a.churnDay - 1]; // nothing on or after the churn date
  return null;
}

/** Troubled accounts (at-risk customers, most soon-to-churn) get a burst of angrier tickets in the last 90 days. */
function troubled(ctx: Ctx, a: AccountModel): boolean {
  return a.atRisk || churnedLoudly(ctx, a);
}

export function* ticketRows(ctx: Ctx, accounts: readonly AccountModel[]): Generator<unknown[]> {
  const r = new Rng(ctx.seed, "tickets");
  const total = scaled(ctx, BASE_COUNTS.tickets);
  const weights = accounts.map((a) =>
    supportWindow(ctx, a) ? Math.sqrt(a.seats) * (troubled(ctx, a) ? 4 : 1) : 0,
  );
  const counts = allocate(total, weights, 0);
  let n = 0;
  for (const a of accounts) {
    const win = supportWindow(ctx, a);
    if (!win) continue;
    const [from, to] = win;
    for (let k = 0; k < (counts[a.idx] ?? 0); k++) {
      const angry = troubled(ctx, a) && r.chance(0.75);
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
      let csat: "good" | "bad" | null = null;
      let comment: string | null = null;
      if (done && r.chance(0.45)) {
        csat = r.chance(angry ? 0.3 : 0.9) ? "good" : "bad";
        if (r.chance(0.5)) comment = csatComment(r, csat);
      }
      const contact = contactId(ctx, randomContact(r, a));
      const channel = r.weighted([
        ["email", 45],
        ["chat", 25],
        ["web", 20],
        ["phone", 10],
      ] as const);
      const subject = ticketSubject(r, tag);
      const row: unknown[] = [padId("tkt", ++n, total), a.id, contact, subject, priority, status, channel];
      row.push(isoTime(created), done ? isoTime(solved) : null, status === "new" ? null : firstResponse);
      row.push(csat, comment, tags.join(","));
      yield row;
    }
  }
}

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
      const recentBad = troubled(ctx, a) && (k < 2 || r.chance(0.7));
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
      const kind: NpsKind = score >= 9 ? "promoter" : score >= 7 ? "passive" : "detractor";
      const comment = kind !== "detractor" && r.chance(0.25) ? null : npsComment(r, kind);
      const contact = contactId(ctx, randomContact(r, a));
      const at = isoTime(businessMinute(ctx, r, day, a.region));
      yield [padId("nps", ++n, total), a.id, contact, score, comment, at];
    }
  }
}
