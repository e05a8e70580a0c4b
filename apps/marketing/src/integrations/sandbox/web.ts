import type {
  FormStats,
  FormsPort,
  TrafficDimension,
  TrafficMetrics,
  TrafficReport,
  WebAnalyticsPort,
} from "@revops/model";
import { dayOf, isoDay, sqlNumber as num } from "@revops/sandbox";
import type { SqlDb } from "@revops/store";

const KEY: Record<TrafficDimension, string> = {
  day: "day",
  source_medium: "source || ' / ' || medium",
  landing_page: "landing_page",
};

const metrics = (r: Record<string, unknown>): TrafficMetrics => ({
  sessions: num(r.sessions),
  engagedSessions: num(r.engaged_sessions),
  conversions: num(r.conversions),
  users: num(r.users),
});

const SUMS =
  "SUM(sessions) AS sessions, SUM(engaged_sessions) AS engaged_sessions, SUM(conversions) AS conversions, SUM(users) AS users";

export class SandboxWeb implements WebAnalyticsPort, FormsPort {
  readonly source = "sandbox";
  constructor(private readonly db: SqlDb) {}

  async traffic(q: { from: string; to: string; by: TrafficDimension }): Promise<TrafficReport> {
    const key = KEY[q.by];
    const order = q.by === "day" ? "key" : "sessions DESC, key";
    const rows = await this.db.query<Record<string, unknown>>(
      `SELECT ${key} AS key, ${SUMS} FROM sb_web_traffic WHERE day >= ? AND day <= ? GROUP BY ${key} ORDER BY ${order}`,
      [q.from, q.to],
    );
    const total = await this.db.one<Record<string, unknown>>(
      `SELECT ${SUMS}, MAX(day) AS through FROM sb_web_traffic WHERE day >= ? AND day <= ?`,
      [q.from, q.to],
    );
    return {
      rows: rows.map((r) => ({ key: String(r.key), ...metrics(r) })),
      totals: metrics(total ?? {}),
      ...(total?.through ? { through: String(total.through) } : {}),
      notes: [],
    };
  }

  async forms(q: { from: string; to: string }): Promise<{ forms: FormStats[]; notes: string[] }> {
    // a form's views are the sessions that landed on its page
    const rows = await this.db.query<{ id: string; name: string; views: unknown; submissions: unknown }>(
      `SELECT f.id, f.name,
         (SELECT COALESCE(SUM(t.sessions), 0) FROM sb_web_traffic t
           WHERE t.landing_page = f.landing_page AND t.day >= ? AND t.day <= ?) AS views,
         (SELECT COUNT(*) FROM sb_form_submissions s
           WHERE s.form_id = f.id AND s.submitted_at >= ? AND s.submitted_at < ?) AS submissions
       FROM sb_forms f ORDER BY f.id`,
      [q.from, q.to, q.from, isoDay(dayOf(q.to) + 1)],
    );
    return {
      forms: rows.map((r) => ({
        id: r.id,
        name: r.name,
        views: num(r.views),
        submissions: num(r.submissions),
      })),
      notes: ["Views are sessions that landed on the form's page."],
    };
  }
}
