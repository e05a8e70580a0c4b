import { isoDay, isoTime, weekday } from "../dates.js";
import { Rng } from "../random.js";
import { type CampaignModel, type Ctx, padId } from "./types.js";

/** Days of web traffic before today (not scaled: the window, not the volume). */
export const WEB_TRAFFIC_DAYS = 180;

/**
 * Traffic sources as GA4 names them (session source / medium), each with the lead source it feeds, the campaign
 * channel whose live campaigns lift it, and its base sessions per weekday at scale 1 and engagement rate.
 */
export const WEB_SOURCES: readonly {
  source: string;
  medium: string;
  leadSource: string;
  channel?: string;
  sessions: number;
  engaged: number;
}[] = [
  {
    source: "google",
    medium: "organic",
    leadSource: "organic",
    channel: "content",
    sessions: 140,
    engaged: 0.62,
  },
  {
    source: "google",
    medium: "cpc",
    leadSource: "paid_search",
    channel: "paid_search",
    sessions: 70,
    engaged: 0.55,
  },
  {
    source: "linkedin",
    medium: "paid_social",
    leadSource: "paid_social",
    channel: "paid_social",
    sessions: 45,
    engaged: 0.48,
  },
  {
    source: "hubspot",
    medium: "email",
    leadSource: "outbound",
    channel: "email",
    sessions: 30,
    engaged: 0.7,
  },
  {
    source: "zoom",
    medium: "webinar",
    leadSource: "webinar",
    channel: "webinar",
    sessions: 12,
    engaged: 0.8,
  },
  { source: "events", medium: "referral", leadSource: "event", channel: "event", sessions: 8, engaged: 0.66 },
  { source: "partners", medium: "referral", leadSource: "partner", sessions: 10, engaged: 0.6 },
  { source: "(direct)", medium: "(none)", leadSource: "referral", sessions: 55, engaged: 0.58 },
];

/** Landing pages with each one's share of a source's sessions, and the form on it with its submission rate. */
export const WEB_PAGES: readonly { path: string; share: number; form?: string; rate: number }[] = [
  { path: "/", share: 0.34, rate: 0 },
  { path: "/pricing", share: 0.16, form: "Contact sales", rate: 0.025 },
  { path: "/demo", share: 0.12, form: "Request a demo", rate: 0.06 },
  { path: "/webinars", share: 0.1, form: "Webinar registration", rate: 0.12 },
  { path: "/blog", share: 0.2, form: "Newsletter signup", rate: 0.008 },
  { path: "/resources/revenue-analytics-guide", share: 0.08, form: "Guide download", rate: 0.05 },
];

/** Forms in WEB_PAGES order: id, name, landing page, created day. */
function formModels(ctx: Ctx) {
  const withForm = WEB_PAGES.filter((p) => p.form);
  return withForm.map((p, i) => ({
    id: padId("form", i + 1, withForm.length),
    name: p.form as string,
    page: p.path,
    createdDay: ctx.todayDay - WEB_TRAFFIC_DAYS - 30 - i * 45,
  }));
}

/** sb_forms rows: id, name, landing_page, created_at. */
export function* formRows(ctx: Ctx): Generator<unknown[]> {
  for (const f of formModels(ctx)) yield [f.id, f.name, f.page, isoTime(f.createdDay * 1440 + 600)];
}

/**
 * One row per day, source / medium and landing page with sessions (sb_web_traffic), and one row per conversion
 * (sb_form_submissions): a landing page's key events are its form's submissions, so both tables agree.
 * `kind` picks which rows this pass yields; both passes draw the same stream.
 */
function* webRows(
  ctx: Ctx,
  campaigns: CampaignModel[],
  kind: "traffic" | "submissions",
): Generator<unknown[]> {
  // its own stream: the other tables' rows do not move when web traffic changes
  const r = new Rng(ctx.seed, "web-traffic");
  const forms = new Map(formModels(ctx).map((f) => [f.page, f]));
  let submission = 0;
  for (let day = ctx.todayDay - WEB_TRAFFIC_DAYS; day < ctx.todayDay; day++) {
    const weekend = weekday(day) === 0 || weekday(day) === 6 ? 0.55 : 1;
    const live = new Set(campaigns.filter((c) => c.startDay <= day && day <= c.endDay).map((c) => c.channel));
    for (const s of WEB_SOURCES) {
      // a live campaign of the source's channel lifts its traffic
      const lift = s.channel && live.has(s.channel) ? 1.5 : 1;
      for (const p of WEB_PAGES) {
        const mean = s.sessions * p.share * weekend * lift * ctx.scale;
        const sessions = Math.max(0, Math.round(mean * (0.75 + r.next() * 0.5)));
        if (sessions === 0) continue;
        const engaged = Math.round(sessions * Math.min(1, s.engaged * (0.9 + r.next() * 0.2)));
        const users = Math.max(1, Math.round(sessions * (0.78 + r.next() * 0.14)));
        const times: number[] = [];
        for (let i = 0; i < sessions; i++) if (r.next() < p.rate) times.push(day * 1440 + r.int(0, 1439));
        if (kind === "traffic")
          yield [isoDay(day), s.source, s.medium, p.path, sessions, engaged, times.length, users];
        else {
          const form = forms.get(p.path);
          for (const t of times.sort((a, b) => a - b))
            yield [`fsub_${String(++submission).padStart(6, "0")}`, form?.id, isoTime(t), s.source, s.medium];
        }
      }
    }
  }
}

/** sb_web_traffic rows: day, source, medium, landing_page, sessions, engaged_sessions, conversions, users. */
export const webTrafficRows = (ctx: Ctx, campaigns: CampaignModel[]) => webRows(ctx, campaigns, "traffic");
/** sb_form_submissions rows: id, form_id, submitted_at, source, medium. */
export const formSubmissionRows = (ctx: Ctx, campaigns: CampaignModel[]) =>
  webRows(ctx, campaigns, "submissions");
