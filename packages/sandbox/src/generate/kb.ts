import { isoTime } from "../dates.js";
import { Rng } from "../random.js";
import { type Ctx, padId } from "./types.js";

/**
 * Help Center articles: a fixed, small set (not scaled) labelled with the ticket tags they answer. Some tags have
 * none on purpose (performance, data-sync): the help desk's content gaps that kb_gaps must find from the rows.
 */
const ARTICLES: readonly [section: string, labels: string, title: string, gist: string][] = [
  [
    "Getting started",
    "how-to",
    "Getting started with Northwind Analytics",
    "connect a data source, invite your team",
  ],
  [
    "Getting started",
    "how-to",
    "Inviting teammates and assigning seats",
    "invite people by email and give them seats",
  ],
  ["Getting started", "how-to", "Building your first report", "pick a metric, a time range and a breakdown"],
  ["Getting started", "how-to", "Keyboard shortcuts and tips", "the shortcuts power users rely on"],
  ["Dashboards", "dashboards", "Creating and sharing dashboards", "add tiles, set filters and share a link"],
  [
    "Dashboards",
    "dashboards",
    "Dashboard filters explained",
    "global and tile filters, and how they combine",
  ],
  ["Dashboards", "dashboards,how-to", "Scheduling dashboard emails", "send a dashboard to a list every week"],
  ["Security", "sso", "Setting up single sign-on (SAML)", "configure Okta or Azure AD and test the login"],
  ["Security", "sso,permissions", "Enforcing SSO for every user", "require SSO and keep a break-glass admin"],
  ["Security", "permissions", "Roles and permissions", "viewer, editor and admin, and what each may do"],
  ["Developers", "api", "API authentication and keys", "create a key, scope it and rotate it"],
  ["Developers", "api", "API rate limits", "the limits per key and how to back off"],
  ["Billing", "billing", "Understanding your invoice", "seats, true-ups and taxes on the invoice"],
  ["Billing", "billing", "Updating payment details", "change the card or switch to invoicing"],
  ["Data", "export", "Exporting data to CSV", "export a report or a dashboard tile"],
  [
    "Product",
    "feature-request",
    "How we handle feature requests",
    "where ideas go and how we prioritise them",
  ],
];

/** One row per article: id, title, section, body, labels (comma-separated), created_at, updated_at. */
export function* kbArticleRows(ctx: Ctx): Generator<unknown[]> {
  // its own stream: the other tables' rows do not move when articles change
  const r = new Rng(ctx.seed, "kb-articles");
  for (const [i, [section, labels, title, gist]] of ARTICLES.entries()) {
    const createdDay = ctx.todayDay - r.int(200, 900);
    const updatedDay = Math.min(ctx.todayDay - 1, createdDay + r.int(0, 400));
    const minute = (day: number) => day * 1440 + r.int(8 * 60, 18 * 60);
    const body = `${title}. This article explains how to ${gist}. If something does not work as described, contact support.`;
    yield [
      padId("art", i + 1, ARTICLES.length),
      title,
      section,
      body,
      labels,
      isoTime(minute(createdDay)),
      isoTime(minute(updatedDay)),
    ];
  }
}
