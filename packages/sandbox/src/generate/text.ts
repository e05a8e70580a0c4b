import type { Rng } from "../random.js";

/** Free text from small grammars: each part is picked by the table's seeded stream, so text varies but stays deterministic. */
type Grammar = readonly (readonly string[])[];

/** Concatenates one pick from every part. */
export function compose(r: Rng, grammar: Grammar): string {
  let out = "";
  for (const part of grammar) out += r.pick(part);
  return out;
}

const FEATURES = [
  "forecasting",
  "the pipeline dashboards",
  "the renewal report",
  "the Salesforce sync",
  "board reporting",
  "the Slack alerts",
  "win-loss analysis",
  "the API",
  "quota tracking",
  "the churn view",
];

export type NpsKind = "promoter" | "passive" | "detractor";

const NPS_GRAMMAR: Record<NpsKind, Grammar> = {
  promoter: [
    ["", "Honestly, ", "Overall, ", "Six months in: ", "Since the rollout, ", "For our team, "],
    FEATURES,
    [
      " is finally reliable.",
      " saves us hours every week.",
      " just works.",
      " is the best part of the product.",
      " made our QBRs much easier.",
      " keeps getting better.",
      " is fast and accurate.",
    ],
    ["", " Keep it up.", " Would recommend.", " Thanks!", " The team loves it.", " Great value."],
  ],
  passive: [
    ["", "Mostly happy: ", "Solid overall, but ", "It does the job, though ", "Good product; "],
    FEATURES,
    [
      " could be faster.",
      " needs better filters.",
      " took a while to set up.",
      " is hard to explain to new reps.",
      " lacks multi-currency.",
      " has a few rough edges.",
    ],
    [
      "",
      " Pricing is a bit high.",
      " Support was helpful.",
      " We will see at renewal.",
      " Exports are clunky.",
    ],
  ],
  detractor: [
    ["", "Frankly, ", "Again: ", "This quarter ", "Since the last release "],
    FEATURES,
    [
      " has been too slow lately.",
      " breaks every week.",
      " shows numbers nobody trusts.",
      " keeps timing out.",
      " is missing data after every sync.",
      " is hard to get value from.",
    ],
    [
      "",
      " Support is unresponsive.",
      " We are reviewing alternatives.",
      " Adoption is dropping.",
      " Hard to justify the renewal.",
      " Please fix this.",
    ],
  ],
};

export const npsComment = (r: Rng, kind: NpsKind): string => compose(r, NPS_GRAMMAR[kind]);

const CSAT_GRAMMAR: Record<"good" | "bad", Grammar> = {
  good: [
    [
      "Quick and helpful",
      "Solved on the first reply",
      "Great support as always",
      "Clear answer",
      "Fixed fast",
    ],
    ["", ", thanks", ", much appreciated", " - exactly what we needed", ", and the agent followed up"],
    ["!", ".", ". Thank you!"],
  ],
  bad: [
    [
      "Took days to get a real answer",
      "Issue keeps coming back",
      "Still broken",
      "Nobody followed up",
      "Had to explain the problem three times",
      "Closed without a fix",
    ],
    ["", ", this is hurting adoption", ", and our reps noticed", " while we were in forecast week"],
    [".", ". Considering alternatives.", ". Not acceptable.", ". Please escalate."],
  ],
};

export const csatComment = (r: Rng, csat: "good" | "bad"): string => compose(r, CSAT_GRAMMAR[csat]);

const TICKET_GRAMMAR: Record<string, Grammar> = {
  billing: [
    ["Invoice", "Renewal quote", "Credit card charge", "Seat true-up", "Billing contact"],
    [
      " shows wrong seat count",
      " needs a PO number",
      " is in the wrong currency",
      " question",
      " was charged twice",
    ],
    ["", " for this quarter", " after the upgrade", " (urgent for finance)"],
  ],
  sso: [
    ["SSO login", "Okta SCIM provisioning", "SAML sign-in", "Azure AD login", "Google Workspace SSO"],
    [" fails for new users", " returns an error", " loops back to the login page", " stopped working"],
    ["", " since this morning", " after certificate rotation", " for contractors", " in the EU workspace"],
  ],
  dashboards: [
    ["Dashboard", "Pipeline chart", "Forecast widget", "Team leaderboard", "Shared dashboard link"],
    [" not refreshing", " totals look off", " shows an empty state", " cannot be shared externally"],
    ["", " for managers", " since yesterday", " after the last release", " on mobile"],
  ],
  "data-sync": [
    ["Salesforce sync", "HubSpot sync", "Nightly import", "Opportunity field mapping", "Activity sync"],
    [" stuck", " failed", " missing fields", " duplicating records", " hours behind"],
    ["", " since the weekend", " for closed deals", " after a schema change", " again"],
  ],
  api: [
    ["API", "Webhook deliveries", "API token", "Bulk export endpoint", "Rate limits"],
    [" returning 500s", " delayed", " expired unexpectedly", " question", " hit too early"],
    ["", " in production", " for our BI tool", " since the update"],
  ],
  performance: [
    ["Reports", "Pipeline view", "Forecast page", "Account search", "Dashboard load"],
    [" timing out", " extremely slow", " freezing the browser", " taking minutes"],
    ["", " during forecast calls", " for large teams", " since last week", " every Monday morning"],
  ],
  export: [
    ["CSV export", "Scheduled export", "Excel download", "PDF board pack"],
    [" truncated", " not delivered", " missing columns", " has wrong dates"],
    ["", " for the board meeting", " since the update", " for the EMEA team"],
  ],
  permissions: [
    ["Viewer role", "New manager", "Contractor account", "Admin rights", "Team hierarchy"],
    [" can edit reports", " needs admin access", " sees other regions' deals", " cannot be removed"],
    ["", " after a reorg", " (audit finding)", " ahead of planning"],
  ],
  "how-to": [
    ["How do I ", "Help: how to ", "Best way to ", "Question: can we "],
    [
      "set up quota tracking",
      "map custom fields",
      "train new reps",
      "build a renewal report",
      "add a forecast category",
    ],
    ["?", " for our team?", " before the QBR?"],
  ],
  "feature-request": [
    ["Request: ", "Feature request: ", "Idea: "],
    [
      "multi-currency forecasts",
      "Slack alerts for deal changes",
      "a Teams integration",
      "custom fiscal quarters",
    ],
    ["", " for our region", " (would help adoption)"],
  ],
};

/** A ticket subject that matches its topic tag. */
export const ticketSubject = (r: Rng, tag: string): string =>
  TICKET_GRAMMAR[tag] ? compose(r, TICKET_GRAMMAR[tag]) : "Question";

export type ActivityType = "email" | "call" | "meeting" | "note";

const BODY_GRAMMAR: Record<ActivityType, Grammar> = {
  email: [
    ["Shared ", "Sent ", "Forwarded ", "Followed up on ", "Resent "],
    [
      "the deck",
      "the pricing sheet",
      "the security documents",
      "an ROI summary",
      "the mutual action plan",
      "a case study",
    ],
    [
      "; waiting on a reply.",
      "; they will review with finance.",
      " and proposed times for a call.",
      "; champion confirmed receipt.",
      " with a short summary.",
    ],
  ],
  call: [
    [
      "Spoke with the champion",
      "Call with the VP Sales",
      "Left a voicemail for the CFO",
      "Talked to RevOps",
      "Check-in with the admin",
    ],
    [
      " about timeline",
      " about budget",
      " on integration needs",
      " on forecast accuracy",
      " about the rollout",
    ],
    [
      "; agreed on next steps.",
      "; needs internal alignment first.",
      "; will retry later this week.",
      "; positive.",
      "; raised pricing concerns.",
    ],
  ],
  meeting: [
    ["Demoed ", "Walked through ", "Reviewed ", "Workshop on "],
    [
      "dashboards and forecasting",
      "the success plan",
      "the integration design",
      "renewal terms",
      "adoption metrics",
    ],
    [
      " with the wider team.",
      "; strong engagement.",
      "; two new stakeholders joined.",
      "; follow-up booked.",
      "; questions on security.",
    ],
  ],
  note: [
    ["Logged: ", "FYI: ", "Update: ", "Internal: "],
    [
      "budget confirmed",
      "champion changed roles",
      "competitor in the deal",
      "legal review started",
      "usage trending down",
      "new executive sponsor",
    ],
    ["", "; flagged to manager.", "; CRM fields updated.", "; see the account plan."],
  ],
};

export const activityBody = (r: Rng, type: ActivityType): string => compose(r, BODY_GRAMMAR[type]);
