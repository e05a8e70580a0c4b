import type { AuditOutcome, AuditRecord, VerifyReport } from "@revops/audit";
import type { ApiKeyRecord } from "@revops/auth";
import { type Approval, formatMoney, planFacts } from "@revops/guards";
import { html, type Node } from "./html";
import type { ConsoleSession } from "./users";

export const BASE = "/console";
export type Section = "approvals" | "audit" | "keys" | "usage" | "connections" | "roles";

const hidden = (csrf: string) => html`<input type="hidden" name="_csrf" value=${csrf} />`;

export function layout(o: {
  title: string;
  session?: ConsoleSession;
  section?: Section;
  body: Node;
  /** A same-site page to go on to at once (after the provider's cross-site redirect, see signedInPage). */
  refresh?: string;
}): Node {
  const nav = (section: Section, label: string) =>
    html`<li><a href=${`${BASE}/${section}`} aria-current=${o.section === section ? "page" : undefined}>${label}</a></li>`;
  return html`<html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>${o.title} · RevOps console</title>
      ${o.refresh && html`<meta http-equiv="refresh" content=${`0;url=${o.refresh}`} />`}
      <link rel="stylesheet" href=${`${BASE}/static/console.css`} />
    </head>
    <body>
      <a class="skip" href="#main">Skip to content</a>
      <header>
        <strong>RevOps console</strong>
        ${
          o.session &&
          html`<nav aria-label="Console">
              <ul>
                ${nav("approvals", "Approvals")} ${nav("audit", "Audit log")} ${nav("usage", "Usage")}
                ${nav("connections", "Connections")} ${nav("keys", "API keys")} ${nav("roles", "Roles")}
              </ul>
            </nav>
            <div class="who">
              <span>${o.session.user.email} (${o.session.user.role})</span>
              <form class="inline" method="post" action=${`${BASE}/signout`}>
                ${hidden(o.session.csrf)}
                <button type="submit" class="secondary">Sign out</button>
              </form>
            </div>`
        }
      </header>
      <main id="main" tabindex="-1">
        <h1>${o.title}</h1>
        ${o.body}
      </main>
    </body>
  </html>`;
}

export const notice = (text: Node, tone: "ok" | "bad" | "info" = "info") =>
  html`<div class=${`notice ${tone === "info" ? "" : tone}`} role=${tone === "bad" ? "alert" : "status"}>${text}</div>`;

export function signInPage(o: {
  csrf: string;
  email?: string;
  error?: string;
  /** "Sign in with <provider>" when the organisation's login is configured. */
  provider?: string;
  /** False when only the organisation's login is allowed. */
  local?: boolean;
}): Node {
  const local = o.local ?? true;
  return layout({
    title: "Sign in",
    body: html`${o.error && notice(o.error, "bad")}
      ${o.provider && html`<p><a class="button" href=${`${BASE}/oidc/start`}>Sign in with ${o.provider}</a></p>`}
      ${
        local &&
        html`${o.provider && html`<h2>Or with a console password</h2>`}
          <form method="post" action=${`${BASE}/signin`} class="stack">
            ${hidden(o.csrf)}
            <div>
              <label for="email">Email</label>
              <input id="email" name="email" type="email" autocomplete="username" required value=${o.email ?? ""} />
            </div>
            <div>
              <label for="password">Password</label>
              <input id="password" name="password" type="password" autocomplete="current-password" required />
            </div>
            <button type="submit">Sign in</button>
          </form>
          <p>No password yet? Ask an administrator to run <code>revops console user add</code> for a sign-in link.</p>`
      }`,
  });
}

/** After the provider's redirect (cross-site) the SameSite=Strict session cookie is only sent on a same-site navigation: this page makes one. */
export function signedInPage(o: { email: string; role: string; provider: string }): Node {
  const next = `${BASE}/approvals`;
  return layout({
    title: "Signed in",
    refresh: next,
    body: html`${notice(html`Signed in with ${o.provider} as <strong>${o.email}</strong> (${o.role}).`, "ok")}
      <p><a href=${next}>Continue to the console</a></p>`,
  });
}

/** After the console session ended: on to the provider to end its session too (a GET navigation, outside form-action). */
export function signedOutPage(o: { provider: string; next: string }): Node {
  return layout({
    title: "Signed out",
    refresh: o.next,
    body: html`${notice(html`Signed out of the console. Signing you out of ${o.provider} too…`, "ok")}
      <p><a href=${o.next}>Continue to sign out at ${o.provider}</a></p>`,
  });
}

export function signInRefusedPage(o: { reason: string; provider: string }): Node {
  return layout({
    title: "Sign-in refused",
    body: html`${notice(o.reason, "bad")}
      <p>This console did not let you in through ${o.provider}. Nothing was changed.</p>
      <p><a href=${`${BASE}/signin`}>Back to sign-in</a></p>`,
  });
}

export function welcomePage(o: { token: string; email: string; error?: string }): Node {
  return layout({
    title: "Choose a password",
    body: html`${o.error && notice(o.error, "bad")}
      <p>Signing in as <strong>${o.email}</strong>. This link works once.</p>
      <form method="post" action=${`${BASE}/welcome`} class="stack">
        <input type="hidden" name="token" value=${o.token} />
        <div>
          <label for="password">New password (at least 12 characters)</label>
          <input id="password" name="password" type="password" autocomplete="new-password" minlength="12" required />
        </div>
        <button type="submit">Set password and sign in</button>
      </form>`,
  });
}

const approvalHref = (id: string) => `${BASE}/approvals/${encodeURIComponent(id)}`;
export const APPROVAL_STATUSES = [
  "pending",
  "approved",
  "rejected",
  "executing",
  "executed",
  "failed",
  "used",
  "expired",
] as const;
const STATUSES = APPROVAL_STATUSES;

export function approvalsPage(o: { session: ConsoleSession; status: string; list: Approval[] }): Node {
  return layout({
    title: "Approvals",
    session: o.session,
    section: "approvals",
    body: html`<p>Plans an assistant may run only after a human approves them. Open one to read the exact plan.</p>
      <form method="get" action=${`${BASE}/approvals`} class="filters">
        <div>
          <label for="status">Status</label>
          <select id="status" name="status">
            ${STATUSES.map((s) => html`<option value=${s} selected=${s === o.status}>${s}</option>`)}
          </select>
        </div>
        <button type="submit" class="secondary">Show</button>
      </form>
      ${
        o.list.length === 0
          ? html`<p>No ${o.status} approvals.</p>`
          : html`<table>
              <caption>${o.list.length} ${o.status} approval${o.list.length === 1 ? "" : "s"}, newest first</caption>
              <thead><tr><th scope="col">Plan</th><th scope="col">Tool</th><th scope="col">Requested by</th><th scope="col">Created</th><th scope="col">Expires</th></tr></thead>
              <tbody>
                ${o.list.map(
                  (a) => html`<tr>
                    <td><a href=${approvalHref(a.id)}>${planFacts(a.plan).summary ?? a.id}</a></td>
                    <td>${a.tool}</td><td>${a.principal}</td><td>${a.createdAt}</td><td>${a.expiresAt}</td>
                  </tr>`,
                )}
              </tbody>
            </table>`
      }`,
  });
}

export function approvalPage(o: {
  session: ConsoleSession;
  approval: Approval & { text: string };
  mayDecide: boolean;
  needs: string[];
  error?: string;
}): Node {
  const a = o.approval;
  const f = planFacts(a.plan);
  const money = f.amount !== undefined ? formatMoney(f.amount, f.currency) : undefined;
  const decided =
    a.status === "approved"
      ? notice(
          // one line: htm drops whitespace that spans a line break between text and an element
          html`<strong>Approved by ${a.decidedBy}.</strong> The plan can now run, once: the assistant re-calls <code>${a.tool}</code> with the same arguments and <code>approval_id</code> <code>${a.id}</code> before ${a.expiresAt}.`,
          "ok",
        )
      : a.status === "rejected"
        ? notice(
            html`<strong>Rejected by ${a.decidedBy}${a.decisionNote ? `: ${a.decisionNote}` : ""}.</strong> The assistant cannot run this plan.`,
            "bad",
          )
        : a.status === "used" || a.status === "executed"
          ? notice(html`This plan ran at ${a.usedAt}${a.recordId ? `, writing ${a.recordId}` : ""}.`, "ok")
          : a.status === "executing"
            ? notice(
                html`Running since this approval was claimed (attempt ${a.attempts}); if it stopped, a retry after ${a.leaseUntil} resumes it without writing twice.`,
                "ok",
              )
            : a.status === "failed"
              ? notice(html`This plan can no longer run: ${a.outcome}.`, "bad")
              : a.status === "expired"
                ? notice("This approval expired; the assistant must plan again.", "bad")
                : undefined;
  return layout({
    title: f.summary ? `Approve: ${f.summary}` : `Approval ${a.id}`,
    session: o.session,
    section: "approvals",
    body: html`${o.error && notice(o.error, "bad")} ${decided}
      <dl>
        <dt>Approval</dt><dd><code>${a.id}</code></dd>
        <dt>Status</dt><dd>${a.status}</dd>
        <dt>Tool</dt><dd><code>${a.tool}</code> (${a.kind})</dd>
        <dt>Requested by</dt><dd>${a.principal}</dd>
        <dt>Created</dt><dd>${a.createdAt}</dd>
        <dt>Expires</dt><dd>${a.expiresAt}</dd>
        ${money && html`<dt>Amount</dt><dd>${money}</dd>`}
        ${f.count !== undefined && html`<dt>Records</dt><dd>${f.count}</dd>`}
        <dt>Plan hash</dt><dd><code>${a.planHash}</code></dd>
      </dl>
      ${
        a.reasons.length > 0 &&
        html`<h2>Why a human must approve</h2>
          <ul>${a.reasons.map((r) => html`<li>${r}</li>`)}</ul>`
      }
      ${
        f.recipients?.length &&
        html`<table>
          <caption>Recipients (${f.recipients.length})</caption>
          <thead><tr><th scope="col">Email</th><th scope="col">Name</th></tr></thead>
          <tbody>${f.recipients.map((r) => html`<tr><td>${r.email}</td><td>${r.name ?? ""}</td></tr>`)}</tbody>
        </table>`
      }
      ${
        f.records?.length &&
        html`<table>
          <caption>Records (${f.records.length})</caption>
          <thead><tr><th scope="col">Id</th><th scope="col">Name</th></tr></thead>
          <tbody>${f.records.map((r) => html`<tr><td>${r.id}</td><td>${r.name ?? ""}</td></tr>`)}</tbody>
        </table>`
      }
      <h2>The exact plan</h2>
      <pre aria-label="Plan">${a.text}</pre>
      <h2>Arguments</h2>
      <pre aria-label="Arguments">${JSON.stringify(JSON.parse(a.args), null, 2)}</pre>
      ${
        a.status === "pending" &&
        (o.mayDecide
          ? html`<h2>Decide</h2>
            <form method="post" action=${`${approvalHref(a.id)}/approve`}>
              ${hidden(o.session.csrf)}
              <button type="submit">Approve this plan</button>
            </form>
            <form method="post" action=${`${approvalHref(a.id)}/reject`} class="stack">
              ${hidden(o.session.csrf)}
              <div>
                <label for="reason">Reason for rejecting</label>
                <textarea id="reason" name="reason" required maxlength="500"></textarea>
              </div>
              <button type="submit" class="danger">Reject this plan</button>
            </form>`
          : notice(
              `Your role (${o.session.user.role}) may not decide this plan: it needs ${o.needs.join(", ")}.`,
            ))
      }
      <p><a href=${`${BASE}/approvals`}>Back to approvals</a></p>`,
  });
}

export interface AuditFilters {
  principal?: string;
  tool?: string;
  outcome?: AuditOutcome;
  since?: string;
  until?: string;
}

export function auditPage(o: {
  session: ConsoleSession;
  filters: AuditFilters;
  outcomes: readonly AuditOutcome[];
  records: AuditRecord[];
  next?: string;
  report: VerifyReport;
  error?: string;
}): Node {
  const f = o.filters;
  const r = o.report;
  const text = (name: keyof AuditFilters, label: string, type = "text") =>
    html`<div><label for=${name}>${label}</label><input id=${name} name=${name} type=${type} value=${f[name] ?? ""} /></div>`;
  const nextHref = o.next
    ? `${BASE}/audit?${new URLSearchParams({ ...(f as Record<string, string>), cursor: o.next }).toString()}`
    : undefined;
  return layout({
    title: "Audit log",
    session: o.session,
    section: "audit",
    body: html`${notice(
      html`<strong>Chain ${r.ok ? "verified" : "TAMPERED"}</strong>: ${r.records} records (head #${r.headSeq}), ${r.checkpoints} signed checkpoints (key: ${r.trust}), ${r.unsignedTail.records} records after the newest checkpoint. ${r.problems.map((p) => html`<br />${p.kind} at #${p.seq}: ${p.message}`)}`,
      r.ok ? "ok" : "bad",
    )}
      ${o.error && notice(o.error, "bad")}
      <form method="get" action=${`${BASE}/audit`}>
        <fieldset class="filters">
          <legend>Filters</legend>
          ${text("principal", "Principal")} ${text("tool", "Tool")}
          <div>
            <label for="outcome">Outcome</label>
            <select id="outcome" name="outcome">
              <option value="">any</option>
              ${o.outcomes.map((x) => html`<option value=${x} selected=${x === f.outcome}>${x}</option>`)}
            </select>
          </div>
          ${text("since", "From (UTC)", "datetime-local")} ${text("until", "Before (UTC)", "datetime-local")}
          <button type="submit">Filter</button>
        </fieldset>
      </form>
      ${
        o.records.length === 0
          ? html`<p>No records match.</p>`
          : html`<table>
          <caption>Records, newest first</caption>
          <thead><tr><th scope="col">#</th><th scope="col">Time (UTC)</th><th scope="col">Principal</th><th scope="col">Server</th><th scope="col">Tool</th><th scope="col">Outcome</th><th scope="col">Summary</th></tr></thead>
          <tbody>
            ${o.records.map(
              (x) => html`<tr>
                <td>${x.seq}</td><td>${x.at}</td><td>${x.principal}</td><td>${x.server}</td><td>${x.tool}</td>
                <td>${x.outcome}</td><td>${x.summary ?? ""}</td>
              </tr>`,
            )}
          </tbody>
        </table>`
      }
      ${nextHref && html`<p><a href=${nextHref}>Older records</a></p>`}
      <p><a href=${`${BASE}/audit/export?${new URLSearchParams(f as Record<string, string>).toString()}`} download>Export the matching records (JSON lines)</a></p>`,
  });
}

export function keysPage(o: {
  session: ConsoleSession;
  keys: ApiKeyRecord[];
  roles: string[];
  created?: { id: string; key: string; name: string };
  message?: string;
  error?: string;
}): Node {
  return layout({
    title: "API keys",
    session: o.session,
    section: "keys",
    body: html`${o.error && notice(o.error, "bad")} ${o.message && notice(o.message, "ok")}
      ${
        o.created &&
        notice(
          html`<p><strong>Key ${o.created.id} (${o.created.name}) created.</strong> Copy it now: it is shown only
              once and cannot be recovered.</p>
            <code class="secret" aria-label="New API key">${o.created.key}</code>`,
          "ok",
        )
      }
      <table>
        <caption>API keys</caption>
        <thead><tr><th scope="col">Id</th><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Status</th><th scope="col"><span class="skip">Actions</span></th></tr></thead>
        <tbody>
          ${o.keys.map(
            (k) => html`<tr>
              <td><code>${k.id}</code></td><td>${k.name}</td><td>${k.role}</td><td>${k.createdAt}</td>
              <td>${k.lastUsedAt ?? "never"}</td><td>${k.revokedAt ? `revoked ${k.revokedAt}` : "active"}</td>
              <td>${
                !k.revokedAt &&
                html`<form class="inline" method="post" action=${`${BASE}/keys/${k.id}/revoke`}>
                  ${hidden(o.session.csrf)}
                  <button type="submit" class="danger" aria-label=${`Revoke key ${k.id} (${k.name})`}>Revoke</button>
                </form>`
              }</td>
            </tr>`,
          )}
        </tbody>
      </table>
      <h2>Create a key</h2>
      <form method="post" action=${`${BASE}/keys`} class="filters">
        ${hidden(o.session.csrf)}
        <div><label for="name">Name</label><input id="name" name="name" required maxlength="100" /></div>
        <div>
          <label for="role">Role</label>
          <select id="role" name="role">${o.roles.map((r) => html`<option value=${r}>${r}</option>`)}</select>
        </div>
        <button type="submit">Create key</button>
      </form>`,
  });
}

export function errorPage(o: { status: number; message: string; session?: ConsoleSession }): Node {
  const title = o.status === 403 ? "Not allowed" : o.status === 404 ? "Not found" : "Something went wrong";
  return layout({
    title,
    ...(o.session && { session: o.session }),
    body: html`${notice(o.message, "bad")}<p><a href=${BASE}>Back to the console</a></p>`,
  });
}
