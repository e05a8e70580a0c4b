import { html, type Node } from "./html";
import type { ConsoleSession } from "./users";
import { BASE, layout, notice } from "./views";

/** One row of vendor API usage, as the cost ledger groups it (by vendor, by day, or both). */
export interface UsageRow {
  vendor?: string;
  day?: string;
  calls: number;
  attempts: number;
  units: number;
  costUsd: number;
}

/** What the console reads usage from: the cost ledger satisfies it. */
export interface UsageSource {
  flush?: () => Promise<void>;
  usage(q: { from: string; to: string; groupBy: ("vendor" | "day")[] }): Promise<UsageRow[]>;
}

/** One configured connection as the doctor sees it. */
export interface ConnectionStatus {
  vendor: string;
  connection: string;
  status: "ok" | "problem" | "misconfigured";
  latencyMs?: number;
  detail: string;
}

const usd = (n: number) => `$${n.toFixed(2)}`;

/**
 * A bar per day as inline SVG (no script, so the CSP stays strict): bar height is the day's value, and the same
 * numbers are in the table below it for screen readers.
 */
export function barChart(o: {
  label: string;
  bars: { key: string; value: number }[];
  unit: (n: number) => string;
}) {
  const W = 720;
  const H = 160;
  const max = Math.max(...o.bars.map((b) => b.value), 0);
  const step = o.bars.length ? W / o.bars.length : W;
  const width = Math.max(1, step - 2);
  return html`<figure>
    <svg viewBox=${`0 0 ${W} ${H + 20}`} role="img" aria-label=${o.label} class="chart">
      ${o.bars.map((b, i) => {
        const h = max > 0 ? Math.round((b.value / max) * H) : 0;
        return html`<rect x=${Math.round(i * step)} y=${H - h} width=${width} height=${h} data-key=${b.key} data-value=${b.value}><title>${`${b.key}: ${o.unit(b.value)}`}</title></rect>`;
      })}
      <line x1="0" y1=${H} x2=${W} y2=${H} />
      ${o.bars.length > 0 && html`<text x="0" y=${H + 16}>${o.bars[0]?.key}</text>`}
      ${o.bars.length > 1 && html`<text x=${W} y=${H + 16} text-anchor="end">${o.bars[o.bars.length - 1]?.key}</text>`}
    </svg>
    <figcaption>${o.label}; highest ${o.unit(max)}</figcaption>
  </figure>`;
}

/** Every day of [from, to] (inclusive), so quiet days show as empty bars rather than vanish. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (
    let d = new Date(`${from}T00:00:00Z`);
    d <= new Date(`${to}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + 1)
  )
    out.push(d.toISOString().slice(0, 10));
  return out;
}

export function usagePage(o: {
  session: ConsoleSession;
  from: string;
  to: string;
  byDay: UsageRow[];
  byVendor: UsageRow[];
  error?: string;
}): Node {
  const perDay = new Map(o.byDay.map((r) => [r.day as string, r]));
  const days = o.error ? [] : daysBetween(o.from, o.to);
  const calls = o.byVendor.reduce((n, r) => n + r.calls, 0);
  const cost = o.byVendor.reduce((n, r) => n + r.costUsd, 0);
  return layout({
    title: "Vendor usage",
    session: o.session,
    section: "usage",
    body: html`${o.error && notice(o.error, "bad")}
      <form method="get" action=${`${BASE}/usage`} class="filters">
        <div><label for="from">From</label><input id="from" name="from" type="date" value=${o.from} /></div>
        <div><label for="to">To</label><input id="to" name="to" type="date" value=${o.to} /></div>
        <button type="submit" class="secondary">Show</button>
      </form>
      <p>${calls} vendor API calls cost ${usd(cost)} from ${o.from} to ${o.to}${calls === 0 ? " (a server on the sandbox makes none)" : ""}.</p>
      ${barChart({ label: `Vendor API calls per day, ${o.from} to ${o.to}`, bars: days.map((d) => ({ key: d, value: perDay.get(d)?.calls ?? 0 })), unit: (n) => `${n} calls` })}
      ${barChart({ label: `Vendor API cost per day, ${o.from} to ${o.to}`, bars: days.map((d) => ({ key: d, value: perDay.get(d)?.costUsd ?? 0 })), unit: usd })}
      <table>
        <caption>By vendor</caption>
        <thead><tr><th scope="col">Vendor</th><th scope="col">Calls</th><th scope="col">Attempts</th><th scope="col">Units</th><th scope="col">Cost</th></tr></thead>
        <tbody>
          ${o.byVendor.map(
            (r) =>
              html`<tr><td>${r.vendor}</td><td>${r.calls}</td><td>${r.attempts}</td><td>${r.units}</td><td>${usd(r.costUsd)}</td></tr>`,
          )}
        </tbody>
      </table>
      <table>
        <caption>By day</caption>
        <thead><tr><th scope="col">Day</th><th scope="col">Calls</th><th scope="col">Cost</th></tr></thead>
        <tbody>
          ${o.byDay.map((r) => html`<tr><td>${r.day}</td><td>${r.calls}</td><td>${usd(r.costUsd)}</td></tr>`)}
        </tbody>
      </table>`,
  });
}

export function rolesPage(o: {
  session: ConsoleSession;
  roles: Readonly<Record<string, readonly string[]>>;
  users: { email: string; role: string; disabledAt: string | null }[];
}): Node {
  const names = Object.keys(o.roles).sort();
  const members = (role: string) =>
    o.users.filter((u) => u.role === role && !u.disabledAt).map((u) => u.email);
  return layout({
    title: "Roles",
    session: o.session,
    section: "roles",
    body: html`<p>What each role may do. A plan is decided by a console user whose role holds the plan's verb
        (write, send or spend) in the tool's area. Roles come from <code>REVOPS_ROLES_FILE</code> or the built-in set;
        users get one with <code>revops console user add --role</code>.</p>
      <table>
        <caption>${names.length} roles</caption>
        <thead><tr><th scope="col">Role</th><th scope="col">Scopes</th><th scope="col">Console users</th></tr></thead>
        <tbody>
          ${names.map(
            (r) =>
              html`<tr><th scope="row">${r}</th><td>${(o.roles[r] ?? []).join(", ")}</td><td>${members(r).join(", ") || "none"}</td></tr>`,
          )}
        </tbody>
      </table>`,
  });
}

export function connectionsPage(o: {
  session: ConsoleSession;
  checks: ConnectionStatus[] | undefined;
}): Node {
  const bad = (o.checks ?? []).filter((c) => c.status !== "ok").length;
  return layout({
    title: "Connections",
    session: o.session,
    section: "connections",
    body:
      o.checks === undefined
        ? html`<p>This server has no connection checks wired; run <code>revops doctor</code>.</p>`
        : o.checks.length === 0
          ? notice(
              "No vendor is configured: the servers answer from the sandbox company, which needs no connection.",
            )
          : html`${notice(bad === 0 ? `All ${o.checks.length} connections answer.` : `${bad} of ${o.checks.length} connections have a problem.`, bad === 0 ? "ok" : "bad")}
              <table>
                <caption>The doctor's checks, run now</caption>
                <thead><tr><th scope="col">Vendor</th><th scope="col">Connection</th><th scope="col">Status</th><th scope="col">Latency</th><th scope="col">Detail or fix</th></tr></thead>
                <tbody>
                  ${o.checks.map(
                    (c) =>
                      html`<tr><td>${c.vendor}</td><td>${c.connection}</td><td>${c.status}</td><td>${c.latencyMs === undefined ? "" : `${c.latencyMs} ms`}</td><td>${c.detail}</td></tr>`,
                  )}
                </tbody>
              </table>`,
  });
}
