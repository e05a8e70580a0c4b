// Google's endpoints and scopes without its SDK: the consent flow and settings need them at start, the SDK loads
// only with a Google connection.
export const GMAIL_ROOT_URL = "https://gmail.googleapis.com/";
export const CALENDAR_ROOT_URL = "https://www.googleapis.com/";
export const ANALYTICS_DATA_ROOT_URL = "https://analyticsdata.googleapis.com/";
export const GOOGLE_HOSTS = ["*.googleapis.com"] as const;
export const GOOGLE_SCOPES = [
  "https://www.googleapis.com/auth/gmail.readonly",
  "https://www.googleapis.com/auth/gmail.send",
  // email_draft saves drafts (users.drafts.create); gmail.send alone cannot
  "https://www.googleapis.com/auth/gmail.compose",
  "https://www.googleapis.com/auth/calendar.events",
  "https://www.googleapis.com/auth/calendar.freebusy",
  // the marketing server's web_analytics (GA4 Data API runReport)
  "https://www.googleapis.com/auth/analytics.readonly",
] as const;
