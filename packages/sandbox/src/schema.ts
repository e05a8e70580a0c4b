import type { Migration } from "@revops/store";

/** Column order of every sandbox table; generated rows are arrays in exactly this order. */
export const TABLE_COLUMNS = {
  sb_users: ["id", "name", "email", "role", "region", "team"],
  sb_accounts: [
    "id",
    "name",
    "domain",
    "industry",
    "employees",
    "size_band",
    "region",
    "country",
    "timezone",
    "owner_id",
    "arr",
    "lifecycle",
    "created_date",
  ],
  sb_subscriptions: ["id", "account_id", "plan", "seats", "arr", "start_date", "renewal_date", "status"],
  sb_contacts: [
    "id",
    "account_id",
    "first_name",
    "last_name",
    "name",
    "title",
    "seniority",
    "email",
    "phone",
    "timezone",
    "unsubscribed",
    "created_date",
  ],
  sb_deals: [
    "id",
    "name",
    "account_id",
    "owner_id",
    "stage",
    "amount",
    "probability",
    "close_date",
    "created_date",
    "type",
    "forecast_category",
    "next_step",
    "last_activity_at",
  ],
  sb_deal_stage_history: ["id", "deal_id", "from_stage", "to_stage", "changed_at"],
  sb_campaigns: ["id", "name", "channel", "status", "start_date", "end_date", "budget", "spend"],
  sb_leads: [
    "id",
    "name",
    "email",
    "company",
    "title",
    "source",
    "campaign_id",
    "status",
    "score",
    "created_at",
    "converted_deal_id",
  ],
  sb_campaign_touches: ["id", "campaign_id", "lead_id", "contact_id", "touch_type", "occurred_at"],
  sb_activities: [
    "id",
    "type",
    "subject",
    "body",
    "occurred_at",
    "account_id",
    "contact_id",
    "deal_id",
    "owner_id",
  ],
  sb_tickets: [
    "id",
    "account_id",
    "contact_id",
    "subject",
    "priority",
    "status",
    "channel",
    "created_at",
    "solved_at",
    "first_response_minutes",
    "csat",
    "csat_comment",
    "tags",
  ],
  sb_nps_responses: ["id", "account_id", "contact_id", "score", "comment", "responded_at"],
  sb_usage_daily: ["account_id", "day", "active_users", "events", "key_feature_uses"],
  sb_usage_monthly: ["account_id", "month", "active_users"],
  sb_lists: ["id", "name", "kind", "created_at"],
  sb_list_members: ["list_id", "contact_id", "added_at"],
  sb_kb_articles: ["id", "title", "section", "body", "labels", "created_at", "updated_at"],
  sb_web_traffic: [
    "day",
    "source",
    "medium",
    "landing_page",
    "sessions",
    "engaged_sessions",
    "conversions",
    "users",
  ],
  sb_forms: ["id", "name", "landing_page", "created_at"],
  sb_form_submissions: ["id", "form_id", "submitted_at", "source", "medium"],
} as const satisfies Record<string, readonly string[]>;

export type TableName = keyof typeof TABLE_COLUMNS;
export const TABLE_NAMES = Object.keys(TABLE_COLUMNS) as TableName[];

const T = "TEXT";
const schema = `
CREATE TABLE IF NOT EXISTS sb_meta (
  id ${T} PRIMARY KEY, seed INTEGER NOT NULL, scale DOUBLE PRECISION NOT NULL, today ${T} NOT NULL,
  loaded_at ${T} NOT NULL, counts ${T} NOT NULL
);
CREATE TABLE IF NOT EXISTS sb_users (
  id ${T} PRIMARY KEY, name ${T} NOT NULL, email ${T} NOT NULL, role ${T} NOT NULL, region ${T} NOT NULL,
  team ${T} NOT NULL
);
CREATE TABLE IF NOT EXISTS sb_accounts (
  id ${T} PRIMARY KEY, name ${T} NOT NULL, domain ${T} NOT NULL, industry ${T} NOT NULL, employees INTEGER NOT NULL,
  size_band ${T} NOT NULL, region ${T} NOT NULL, country ${T} NOT NULL, timezone ${T} NOT NULL,
  owner_id ${T} NOT NULL, arr INTEGER NOT NULL, lifecycle ${T} NOT NULL, created_date ${T} NOT NULL
);
CREATE INDEX IF NOT EXISTS sb_accounts_name_idx ON sb_accounts (lower(name));
CREATE INDEX IF NOT EXISTS sb_accounts_owner_idx ON sb_accounts (owner_id);
CREATE INDEX IF NOT EXISTS sb_accounts_lifecycle_idx ON sb_accounts (lifecycle);
CREATE TABLE IF NOT EXISTS sb_subscriptions (
  id ${T} PRIMARY KEY, account_id ${T} NOT NULL, plan ${T} NOT NULL, seats INTEGER NOT NULL, arr INTEGER NOT NULL,
  start_date ${T} NOT NULL, renewal_date ${T} NOT NULL, status ${T} NOT NULL
);
CREATE INDEX IF NOT EXISTS sb_subscriptions_account_idx ON sb_subscriptions (account_id);
CREATE INDEX IF NOT EXISTS sb_subscriptions_renewal_idx ON sb_subscriptions (renewal_date);
CREATE TABLE IF NOT EXISTS sb_contacts (
  id ${T} PRIMARY KEY, account_id ${T} NOT NULL, first_name ${T} NOT NULL, last_name ${T} NOT NULL,
  name ${T} NOT NULL, title ${T} NOT NULL, seniority INTEGER NOT NULL, email ${T} NOT NULL, phone ${T} NOT NULL,
  timezone ${T} NOT NULL, unsubscribed INTEGER NOT NULL, created_date ${T} NOT NULL
);
CREATE INDEX IF NOT EXISTS sb_contacts_account_idx ON sb_contacts (account_id, seniority);
CREATE TABLE IF NOT EXISTS sb_deals (
  id ${T} PRIMARY KEY, name ${T} NOT NULL, account_id ${T} NOT NULL, owner_id ${T} NOT NULL, stage ${T} NOT NULL,
  amount INTEGER NOT NULL, probability INTEGER NOT NULL, close_date ${T} NOT NULL, created_date ${T} NOT NULL,
  type ${T} NOT NULL, forecast_category ${T} NOT NULL, next_step ${T}, last_activity_at ${T}
);
CREATE INDEX IF NOT EXISTS sb_deals_close_idx ON sb_deals (close_date, id);
CREATE INDEX IF NOT EXISTS sb_deals_stage_idx ON sb_deals (stage, close_date);
CREATE INDEX IF NOT EXISTS sb_deals_owner_idx ON sb_deals (owner_id, close_date);
CREATE INDEX IF NOT EXISTS sb_deals_account_idx ON sb_deals (account_id);
CREATE TABLE IF NOT EXISTS sb_deal_stage_history (
  id ${T} PRIMARY KEY, deal_id ${T} NOT NULL, from_stage ${T}, to_stage ${T} NOT NULL, changed_at ${T} NOT NULL
);
CREATE INDEX IF NOT EXISTS sb_deal_stage_history_deal_idx ON sb_deal_stage_history (deal_id, changed_at);
CREATE TABLE IF NOT EXISTS sb_campaigns (
  id ${T} PRIMARY KEY, name ${T} NOT NULL, channel ${T} NOT NULL, status ${T} NOT NULL, start_date ${T} NOT NULL,
  end_date ${T} NOT NULL, budget INTEGER NOT NULL, spend INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sb_campaigns_name_idx ON sb_campaigns (lower(name));
CREATE TABLE IF NOT EXISTS sb_leads (
  id ${T} PRIMARY KEY, name ${T} NOT NULL, email ${T} NOT NULL, company ${T} NOT NULL, title ${T} NOT NULL,
  source ${T} NOT NULL, campaign_id ${T}, status ${T} NOT NULL, score INTEGER NOT NULL, created_at ${T} NOT NULL,
  converted_deal_id ${T}
);
CREATE INDEX IF NOT EXISTS sb_leads_campaign_idx ON sb_leads (campaign_id);
CREATE INDEX IF NOT EXISTS sb_leads_created_idx ON sb_leads (created_at);
CREATE INDEX IF NOT EXISTS sb_leads_deal_idx ON sb_leads (converted_deal_id);
CREATE TABLE IF NOT EXISTS sb_campaign_touches (
  id ${T} PRIMARY KEY, campaign_id ${T} NOT NULL, lead_id ${T}, contact_id ${T}, touch_type ${T} NOT NULL,
  occurred_at ${T} NOT NULL
);
CREATE INDEX IF NOT EXISTS sb_campaign_touches_campaign_idx ON sb_campaign_touches (campaign_id, touch_type);
CREATE INDEX IF NOT EXISTS sb_campaign_touches_lead_idx ON sb_campaign_touches (lead_id);
CREATE TABLE IF NOT EXISTS sb_activities (
  id ${T} PRIMARY KEY, type ${T} NOT NULL, subject ${T} NOT NULL, body ${T} NOT NULL, occurred_at ${T} NOT NULL,
  account_id ${T} NOT NULL, contact_id ${T}, deal_id ${T}, owner_id ${T} NOT NULL
);
CREATE INDEX IF NOT EXISTS sb_activities_deal_idx ON sb_activities (deal_id, occurred_at);
CREATE INDEX IF NOT EXISTS sb_activities_account_idx ON sb_activities (account_id, occurred_at);
CREATE TABLE IF NOT EXISTS sb_tickets (
  id ${T} PRIMARY KEY, account_id ${T} NOT NULL, contact_id ${T} NOT NULL, subject ${T} NOT NULL,
  priority ${T} NOT NULL, status ${T} NOT NULL, channel ${T} NOT NULL, created_at ${T} NOT NULL, solved_at ${T},
  first_response_minutes INTEGER, csat ${T}, csat_comment ${T}, tags ${T} NOT NULL
);
CREATE INDEX IF NOT EXISTS sb_tickets_account_idx ON sb_tickets (account_id, created_at);
CREATE INDEX IF NOT EXISTS sb_tickets_status_idx ON sb_tickets (status, created_at);
CREATE INDEX IF NOT EXISTS sb_tickets_created_idx ON sb_tickets (created_at, id);
CREATE TABLE IF NOT EXISTS sb_nps_responses (
  id ${T} PRIMARY KEY, account_id ${T} NOT NULL, contact_id ${T} NOT NULL, score INTEGER NOT NULL, comment ${T},
  responded_at ${T} NOT NULL
);
CREATE INDEX IF NOT EXISTS sb_nps_account_idx ON sb_nps_responses (account_id, responded_at);
CREATE INDEX IF NOT EXISTS sb_nps_responded_idx ON sb_nps_responses (responded_at);
CREATE TABLE IF NOT EXISTS sb_usage_daily (
  account_id ${T} NOT NULL, day ${T} NOT NULL, active_users INTEGER NOT NULL, events INTEGER NOT NULL,
  key_feature_uses INTEGER NOT NULL, PRIMARY KEY (account_id, day)
);
CREATE INDEX IF NOT EXISTS sb_usage_day_idx ON sb_usage_daily (day);
`;

// What tools write: marketing lists, ticket assignees and comments, and the journal of every change since the seed.
const writes = `
CREATE TABLE IF NOT EXISTS sb_lists (
  id ${T} PRIMARY KEY, name ${T} NOT NULL, kind ${T} NOT NULL, created_at ${T} NOT NULL
);
CREATE TABLE IF NOT EXISTS sb_list_members (
  list_id ${T} NOT NULL, contact_id ${T} NOT NULL, added_at ${T} NOT NULL, PRIMARY KEY (list_id, contact_id)
);
ALTER TABLE sb_tickets ADD COLUMN assignee_id ${T};
CREATE TABLE IF NOT EXISTS sb_ticket_comments (
  id ${T} PRIMARY KEY, ticket_id ${T} NOT NULL, author_id ${T} NOT NULL, public INTEGER NOT NULL, body ${T} NOT NULL,
  created_at ${T} NOT NULL
);
CREATE INDEX IF NOT EXISTS sb_ticket_comments_ticket_idx ON sb_ticket_comments (ticket_id, created_at);
CREATE TABLE IF NOT EXISTS sb_changes (
  id ${T} PRIMARY KEY, at ${T} NOT NULL, principal ${T} NOT NULL, entity ${T} NOT NULL, record_id ${T} NOT NULL,
  field ${T} NOT NULL, before_value ${T}, after_value ${T}, plan_hash ${T}
);
CREATE INDEX IF NOT EXISTS sb_changes_record_idx ON sb_changes (entity, record_id);
`;

// Analytics at 100× answer in under a second: covering indexes replace the narrower ones whose rows the signals
// and NPS queries read, and last-60-day usage per account is rolled up at load (no tool writes usage).
const analytics = `
DROP INDEX IF EXISTS sb_usage_day_idx;
CREATE TABLE IF NOT EXISTS sb_usage_recent (
  account_id ${T} PRIMARY KEY, as_of ${T} NOT NULL, last30 INTEGER NOT NULL, prev30 INTEGER NOT NULL,
  active30_sum INTEGER NOT NULL, active30_days INTEGER NOT NULL
);
DROP INDEX IF EXISTS sb_tickets_account_idx;
CREATE INDEX IF NOT EXISTS sb_tickets_account_cover_idx ON sb_tickets (account_id, created_at, priority, csat);
DROP INDEX IF EXISTS sb_nps_account_idx;
CREATE INDEX IF NOT EXISTS sb_nps_account_cover_idx ON sb_nps_responses (account_id, responded_at, score);
DROP INDEX IF EXISTS sb_nps_responded_idx;
CREATE INDEX IF NOT EXISTS sb_nps_responded_cover_idx ON sb_nps_responses (responded_at, score, account_id);
DROP INDEX IF EXISTS sb_deal_stage_history_deal_idx;
CREATE INDEX IF NOT EXISTS sb_deal_stage_history_cover_idx
  ON sb_deal_stage_history (deal_id, changed_at, id, from_stage, to_stage);
DROP INDEX IF EXISTS sb_leads_campaign_idx;
CREATE INDEX IF NOT EXISTS sb_leads_campaign_cover_idx ON sb_leads (campaign_id, status, converted_deal_id);
`;

// Adoption as monthly actives per seat (daily actives averaged over weekends understate it): one row per account
// and calendar month `YYYY-MM`, generated with the daily rows.
const monthlyUsage = `
CREATE TABLE IF NOT EXISTS sb_usage_monthly (
  account_id ${T} NOT NULL, month ${T} NOT NULL, active_users INTEGER NOT NULL, PRIMARY KEY (account_id, month)
);
`;

// Planned spend: the suite is its system of record (budget_allocate writes it, ad_budgets reads it), on the sandbox
// and beside a vendor alike; one row per confirmed allocation, its idempotency key unique so a retry adds nothing.
const budgetAllocations = `
CREATE TABLE IF NOT EXISTS sb_budget_allocations (
  id ${T} PRIMARY KEY, campaign_id ${T} NOT NULL, channel ${T} NOT NULL, amount INTEGER NOT NULL,
  currency ${T} NOT NULL, period_start ${T} NOT NULL, period_end ${T} NOT NULL, note ${T}, principal ${T} NOT NULL,
  plan_hash ${T}, idempotency_key ${T} NOT NULL UNIQUE, created_at ${T} NOT NULL
);
CREATE INDEX IF NOT EXISTS sb_budget_allocations_campaign_idx ON sb_budget_allocations (campaign_id, period_start);
`;

/** Planned spend only, for a deployment whose marketing data is at a vendor (no sandbox company loaded). */
export const budgetMigrations: Migration[] = [
  { id: "sandbox-0005-budget-allocations", sql: budgetAllocations },
];

// Churn features count customer-success activities (no deal) per account and window: a partial index reads only those.
const churnFeatures = `
CREATE INDEX IF NOT EXISTS sb_activities_cs_idx ON sb_activities (account_id, occurred_at) WHERE deal_id IS NULL;
`;

// Onboarding plans: our database is their system of record (no vendor holds them); one plan per closed-won deal.
// The customer-success team is reference data like the selling team, so a reset keeps it.
const onboarding = `
CREATE TABLE IF NOT EXISTS sb_cs_managers (
  id ${T} PRIMARY KEY, name ${T} NOT NULL, email ${T} NOT NULL, segment ${T} NOT NULL
);
INSERT INTO sb_cs_managers (id, name, email, segment) VALUES
  ('csm_01', 'Hannah Boyd', 'hannah.boyd@northwind-analytics.com', 'smb'),
  ('csm_02', 'Tomas Novak', 'tomas.novak@northwind-analytics.com', 'smb'),
  ('csm_03', 'Aisha Rahman', 'aisha.rahman@northwind-analytics.com', 'mid_market'),
  ('csm_04', 'Daniel Kim', 'daniel.kim@northwind-analytics.com', 'mid_market'),
  ('csm_05', 'Isabel Moreno', 'isabel.moreno@northwind-analytics.com', 'enterprise'),
  ('csm_06', 'Samuel Okoye', 'samuel.okoye@northwind-analytics.com', 'enterprise');
CREATE TABLE IF NOT EXISTS sb_onboarding_plans (
  id ${T} PRIMARY KEY, deal_id ${T} NOT NULL UNIQUE, account_id ${T} NOT NULL, segment ${T} NOT NULL, plan ${T},
  owner_id ${T} NOT NULL, start_date ${T} NOT NULL, created_at ${T} NOT NULL, principal ${T} NOT NULL,
  plan_hash ${T}, idempotency_key ${T}
);
CREATE INDEX IF NOT EXISTS sb_onboarding_plans_owner_idx ON sb_onboarding_plans (owner_id);
CREATE TABLE IF NOT EXISTS sb_onboarding_milestones (
  plan_id ${T} NOT NULL, seq INTEGER NOT NULL, name ${T} NOT NULL, due_date ${T} NOT NULL, done_date ${T},
  is_value INTEGER NOT NULL, PRIMARY KEY (plan_id, seq)
);
`;

// Email single sends (email_campaign_send): one row per send, test or real, its idempotency key unique so a retry
// adds nothing; one delivery row per recipient with its simulated outcome (see ports/email.ts).
const emailSends = `
CREATE TABLE IF NOT EXISTS sb_email_sends (
  id ${T} PRIMARY KEY, kind ${T} NOT NULL, list_id ${T} NOT NULL, subject ${T} NOT NULL, body ${T} NOT NULL,
  content_hash ${T} NOT NULL, send_at ${T} NOT NULL, batch_size INTEGER NOT NULL, recipients INTEGER NOT NULL,
  principal ${T} NOT NULL, plan_hash ${T}, idempotency_key ${T} NOT NULL UNIQUE, created_at ${T} NOT NULL
);
CREATE INDEX IF NOT EXISTS sb_email_sends_content_idx ON sb_email_sends (content_hash, kind);
CREATE TABLE IF NOT EXISTS sb_email_deliveries (
  send_id ${T} NOT NULL, contact_id ${T} NOT NULL, email ${T} NOT NULL, batch INTEGER NOT NULL,
  bounced INTEGER NOT NULL, opens INTEGER NOT NULL, clicks INTEGER NOT NULL, unsubscribed INTEGER NOT NULL,
  spam INTEGER NOT NULL, PRIMARY KEY (send_id, email)
);
CREATE INDEX IF NOT EXISTS sb_email_deliveries_email_idx ON sb_email_deliveries (email, bounced);
`;

// Tasks and touchpoints (save plays, hand-offs, logged calls): our database holds them on the sandbox, and beside a
// help desk that has no task object; the idempotency key is unique so a retried write adds nothing.
const tasks = `
CREATE TABLE IF NOT EXISTS sb_tasks (
  id ${T} PRIMARY KEY, owner_id ${T} NOT NULL, account_id ${T} NOT NULL, deal_id ${T}, subject ${T} NOT NULL,
  due_date ${T} NOT NULL, status ${T} NOT NULL, source ${T} NOT NULL, principal ${T} NOT NULL, plan_hash ${T},
  idempotency_key ${T} NOT NULL UNIQUE, created_at ${T} NOT NULL
);
CREATE INDEX IF NOT EXISTS sb_tasks_account_idx ON sb_tasks (account_id, source, status);
CREATE TABLE IF NOT EXISTS sb_touchpoints (
  id ${T} PRIMARY KEY, account_id ${T} NOT NULL, channel ${T} NOT NULL, status ${T} NOT NULL, day ${T} NOT NULL,
  subject ${T} NOT NULL, notes ${T}, source ${T} NOT NULL, principal ${T} NOT NULL, plan_hash ${T},
  idempotency_key ${T} NOT NULL UNIQUE, created_at ${T} NOT NULL
);
CREATE INDEX IF NOT EXISTS sb_touchpoints_account_idx ON sb_touchpoints (account_id, day);
`;

// Sales meetings booked and emails sent by the sales tools (meeting_schedule, email_send): our database is the
// sandbox's calendar and mailbox; each row's idempotency key unique so a retry adds nothing.
const meetingsOutreach = `
CREATE TABLE IF NOT EXISTS sb_meetings (
  id ${T} PRIMARY KEY, title ${T} NOT NULL, start_at ${T} NOT NULL, end_at ${T} NOT NULL, time_zone ${T} NOT NULL,
  owner_id ${T} NOT NULL, account_id ${T}, deal_id ${T}, attendees ${T} NOT NULL, agenda ${T}, principal ${T} NOT NULL,
  plan_hash ${T}, idempotency_key ${T} NOT NULL UNIQUE, created_at ${T} NOT NULL
);
CREATE INDEX IF NOT EXISTS sb_meetings_start_idx ON sb_meetings (start_at);
CREATE TABLE IF NOT EXISTS sb_sales_emails (
  id ${T} PRIMARY KEY, sender_id ${T} NOT NULL, sender_email ${T} NOT NULL, recipients ${T} NOT NULL,
  subject ${T} NOT NULL, body ${T} NOT NULL, deal_id ${T}, account_id ${T}, sent_at ${T} NOT NULL,
  principal ${T} NOT NULL, plan_hash ${T}, idempotency_key ${T} NOT NULL UNIQUE
);
CREATE INDEX IF NOT EXISTS sb_sales_emails_sender_idx ON sb_sales_emails (sender_email, sent_at);
`;

// MQL hand-off (mql_handoff): one row per lead given a sales owner, written only by the tool; the MQL time it
// counted speed-to-lead from is kept beside the hand-off time.
const leadHandoffs = `
CREATE TABLE IF NOT EXISTS sb_lead_handoffs (
  lead_id ${T} PRIMARY KEY, owner_id ${T} NOT NULL, mql_at ${T} NOT NULL, handed_off_at ${T} NOT NULL,
  principal ${T} NOT NULL, plan_hash ${T}, idempotency_key ${T}
);
CREATE INDEX IF NOT EXISTS sb_lead_handoffs_at_idx ON sb_lead_handoffs (handed_off_at);
`;

// Help Center articles (kb_search, kb_gaps): a small generated set, labelled with the ticket tags they answer.
const kbArticles = `
CREATE TABLE IF NOT EXISTS sb_kb_articles (
  id ${T} PRIMARY KEY, title ${T} NOT NULL, section ${T} NOT NULL, body ${T} NOT NULL, labels ${T} NOT NULL,
  created_at ${T} NOT NULL, updated_at ${T} NOT NULL
);
`;

// Web analytics and forms (web_analytics, forms_list): daily sessions per source / medium and landing page, the
// marketing forms and each submission; a landing page's conversions (key events) are its form's submissions.
const webTraffic = `
CREATE TABLE IF NOT EXISTS sb_web_traffic (
  day ${T} NOT NULL, source ${T} NOT NULL, medium ${T} NOT NULL, landing_page ${T} NOT NULL,
  sessions INTEGER NOT NULL, engaged_sessions INTEGER NOT NULL, conversions INTEGER NOT NULL, users INTEGER NOT NULL,
  PRIMARY KEY (day, source, medium, landing_page)
);
CREATE TABLE IF NOT EXISTS sb_forms (
  id ${T} PRIMARY KEY, name ${T} NOT NULL, landing_page ${T} NOT NULL, created_at ${T} NOT NULL
);
CREATE TABLE IF NOT EXISTS sb_form_submissions (
  id ${T} PRIMARY KEY, form_id ${T} NOT NULL, submitted_at ${T} NOT NULL, source ${T} NOT NULL, medium ${T} NOT NULL
);
`;

// Lead conversion and lead updates (lead_convert, lead_update): a lead's own owner and rating beside the generated
// columns, and one row per converted lead naming what it became, its idempotency key unique so a retry adds nothing.
const leadConversions = `
ALTER TABLE sb_leads ADD COLUMN owner_id ${T};
ALTER TABLE sb_leads ADD COLUMN rating ${T};
CREATE TABLE IF NOT EXISTS sb_lead_conversions (
  lead_id ${T} PRIMARY KEY, account_id ${T} NOT NULL, contact_id ${T} NOT NULL, deal_id ${T} NOT NULL,
  account_created INTEGER NOT NULL, contact_created INTEGER NOT NULL, converted_at ${T} NOT NULL,
  principal ${T} NOT NULL, plan_hash ${T}, idempotency_key ${T} NOT NULL UNIQUE
);
`;

// Campaign writes (campaign_save): a campaign's owner, a sandbox user; generated campaigns have none.
const campaignWrites = `
ALTER TABLE sb_campaigns ADD COLUMN owner_id ${T};
`;

// Customer-success book (customers_bulk_update) and health weights (health_model_update): our database holds a
// customer's CSM and tags and each version of the weights; a retried weights change finds its row by key.
const csSegmentsHealth = `
CREATE TABLE IF NOT EXISTS sb_account_cs (account_id ${T} PRIMARY KEY, csm_id ${T}, tags ${T} NOT NULL);
CREATE TABLE IF NOT EXISTS sb_health_weights (
  version INTEGER PRIMARY KEY, weights ${T} NOT NULL, note ${T}, principal ${T} NOT NULL, plan_hash ${T},
  idempotency_key ${T} NOT NULL UNIQUE, created_at ${T} NOT NULL
);
`;

// Customer messages and surveys (message_send, survey_send): our database logs every send, whichever system delivered
// it, one row per send (its idempotency key unique so a retry adds nothing) and one per recipient, so "surveyed in the
// last N days" is answered here; survey answers land in sb_nps_responses.
const csMessages = `
CREATE TABLE IF NOT EXISTS sb_cs_messages (
  id ${T} PRIMARY KEY, kind ${T} NOT NULL, channel ${T} NOT NULL, system ${T} NOT NULL, vendor_id ${T},
  subject ${T} NOT NULL, body ${T} NOT NULL, survey_type ${T}, recipients INTEGER NOT NULL, sent_at ${T} NOT NULL,
  principal ${T} NOT NULL, plan_hash ${T}, idempotency_key ${T} NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS sb_cs_message_recipients (
  message_id ${T} NOT NULL, contact_id ${T} NOT NULL, email ${T} NOT NULL, send_at ${T} NOT NULL,
  PRIMARY KEY (message_id, contact_id)
);
CREATE INDEX IF NOT EXISTS sb_cs_message_recipients_contact_idx ON sb_cs_message_recipients (contact_id, send_at);
`;

// Pipeline settings (pipeline_settings, quota_attainment): quotas per rep and quarter, stage probabilities and the
// ICP. Our database is their system of record beside any CRM; on the sandbox the load seeds quotas. Every confirmed
// update is logged once under its idempotency key (a retry finds it and changes nothing).
const pipelineSettings = `
CREATE TABLE IF NOT EXISTS sb_quotas (
  owner_id ${T} NOT NULL, quarter ${T} NOT NULL, amount INTEGER NOT NULL, updated_at ${T} NOT NULL,
  principal ${T} NOT NULL, PRIMARY KEY (owner_id, quarter)
);
CREATE TABLE IF NOT EXISTS sb_pipeline_settings (
  name ${T} PRIMARY KEY, value ${T} NOT NULL, updated_at ${T} NOT NULL, principal ${T} NOT NULL
);
CREATE TABLE IF NOT EXISTS sb_settings_updates (
  idempotency_key ${T} PRIMARY KEY, at ${T} NOT NULL, principal ${T} NOT NULL, plan_hash ${T}, changes ${T} NOT NULL
);
`;

// Bulk record changes and deletes (records_bulk_update, records_delete): a contact's own owner beside its account's, and
// a recycle bin the deleted rows move into (read tools then no longer see them); a reset empties it and reloads the seed.
const recordsWrite = `
ALTER TABLE sb_contacts ADD COLUMN owner_id ${T};
CREATE TABLE IF NOT EXISTS sb_recycle_bin (
  entity ${T} NOT NULL, record_id ${T} NOT NULL, name ${T} NOT NULL, row_json ${T} NOT NULL, deleted_at ${T} NOT NULL,
  principal ${T} NOT NULL, plan_hash ${T}, idempotency_key ${T}, PRIMARY KEY (entity, record_id)
);
`;

/** Pipeline settings only, for a deployment whose CRM is a vendor (no sandbox company loaded). */
export const settingsMigrations: Migration[] = [{ id: "sandbox-0016-quotas", sql: pipelineSettings }];

// Content calendar (content_calendar, content_item_add/move, social_schedule): the suite is its system of record, on
// the sandbox and beside a vendor alike; an add's idempotency key is unique and each confirmed move is logged once
// under its key, so a retry adds or changes nothing. The sandbox load seeds items for its campaigns.
const contentCalendar = `
CREATE TABLE IF NOT EXISTS sb_content_items (
  id ${T} PRIMARY KEY, title ${T} NOT NULL, type ${T} NOT NULL, channel ${T} NOT NULL, status ${T} NOT NULL,
  day ${T} NOT NULL, publish_at ${T}, owner ${T} NOT NULL, campaign_id ${T}, body ${T}, principal ${T} NOT NULL,
  plan_hash ${T}, idempotency_key ${T} UNIQUE, created_at ${T} NOT NULL, updated_at ${T} NOT NULL
);
CREATE INDEX IF NOT EXISTS sb_content_items_day_idx ON sb_content_items (day, id);
CREATE TABLE IF NOT EXISTS sb_content_moves (
  idempotency_key ${T} PRIMARY KEY, item_id ${T} NOT NULL, changes ${T} NOT NULL, principal ${T} NOT NULL,
  plan_hash ${T}, at ${T} NOT NULL
);
`;

/** The content calendar only, for a deployment whose marketing data is at a vendor (no sandbox company loaded). */
export const contentCalendarMigrations: Migration[] = [
  { id: "sandbox-0023-content-calendar", sql: contentCalendar },
];

// Lead scoring model (lead_scoring_model): each confirmed version of the marketing model's weights and MQL threshold,
// the newest active; our database is its system of record beside any CRM. A retried update finds its row by key.
const leadScoringModels = `
CREATE TABLE IF NOT EXISTS sb_lead_scoring_models (
  version INTEGER PRIMARY KEY, model ${T} NOT NULL, principal ${T} NOT NULL, plan_hash ${T},
  idempotency_key ${T} NOT NULL UNIQUE, created_at ${T} NOT NULL
);
`;

// Drafts email_draft saved in the rep's sandbox mailbox (Gmail keeps them in the rep's Drafts): never sent, never
// counted against the daily send cap; one per confirmed plan (idempotency key unique).
const salesDrafts = `
CREATE TABLE IF NOT EXISTS sb_sales_drafts (
  id ${T} PRIMARY KEY, sender_id ${T} NOT NULL, sender_email ${T} NOT NULL, recipients ${T} NOT NULL,
  subject ${T} NOT NULL, body ${T} NOT NULL, deal_id ${T}, account_id ${T}, created_at ${T} NOT NULL,
  principal ${T} NOT NULL, plan_hash ${T}, idempotency_key ${T} NOT NULL UNIQUE
);
`;

/** Lead scoring model versions only, for a deployment whose marketing data is at a vendor. */
export const leadScoringMigrations: Migration[] = [
  { id: "sandbox-0024-lead-scoring-models", sql: leadScoringModels },
];

// Marketing settings (settings_update): the brand guide's scalar rules the marketing server owns, one JSON value per
// name over BRAND_GUIDE_FILE; each confirmed update is logged once under its idempotency key (a retry changes nothing).
const marketingSettings = `
CREATE TABLE IF NOT EXISTS sb_marketing_settings (
  name ${T} PRIMARY KEY, value ${T} NOT NULL, principal ${T} NOT NULL, updated_at ${T} NOT NULL
);
CREATE TABLE IF NOT EXISTS sb_marketing_settings_updates (
  idempotency_key ${T} PRIMARY KEY, at ${T} NOT NULL, principal ${T} NOT NULL, plan_hash ${T}, changes ${T} NOT NULL
);
`;

/** Marketing settings only, for a deployment whose marketing data is at a vendor. */
export const marketingSettingsMigrations: Migration[] = [
  { id: "sandbox-0027-marketing-settings", sql: marketingSettings },
];

// Survey answers from our answer page (/survey/<token>): CSAT 1–5 answers (NPS ones land in sb_nps_responses), and the
// random key survey links are signed with when GUARD_TOKEN_SECRET is unset (one row; kept by a reset, so links sent
// before it still verify and are told their survey is gone).
const surveyAnswers = `
CREATE TABLE IF NOT EXISTS sb_csat_responses (
  id ${T} PRIMARY KEY, survey_id ${T} NOT NULL, account_id ${T} NOT NULL, contact_id ${T} NOT NULL,
  score INTEGER NOT NULL, comment ${T}, responded_at ${T} NOT NULL
);
CREATE INDEX IF NOT EXISTS sb_csat_responded_idx ON sb_csat_responses (responded_at, score);
CREATE TABLE IF NOT EXISTS sb_survey_keys (id INTEGER PRIMARY KEY, secret ${T} NOT NULL);
`;

// Campaign email drafts (email_campaign_create): a draft per idempotency key, so a retry adds nothing; a send of the
// draft marks it sent with its send's id, so it goes out once.
const emailDrafts = `
CREATE TABLE IF NOT EXISTS sb_email_drafts (
  id ${T} PRIMARY KEY, list_id ${T} NOT NULL, subject ${T} NOT NULL, body ${T} NOT NULL, content_hash ${T} NOT NULL,
  content_item_id ${T}, status ${T} NOT NULL, send_id ${T}, principal ${T} NOT NULL, plan_hash ${T},
  idempotency_key ${T} NOT NULL UNIQUE, created_at ${T} NOT NULL
);
`;

/** Schema migrations for the sandbox tables (portable: the same SQL runs on SQLite and PostgreSQL). */
export const sandboxMigrations: Migration[] = [
  { id: "sandbox-0001-schema", sql: schema },
  { id: "sandbox-0002-writes", sql: writes },
  { id: "sandbox-0003-analytics", sql: analytics },
  { id: "sandbox-0004-usage-monthly", sql: monthlyUsage },
  ...budgetMigrations,
  { id: "sandbox-0006-churn-features", sql: churnFeatures },
  // the write's idempotency key, journalled with it: a resumed approval finds a write that had committed
  {
    id: "sandbox-0007-change-keys",
    sql: `ALTER TABLE sb_changes ADD COLUMN idempotency_key ${T};
CREATE INDEX IF NOT EXISTS sb_changes_key_idx ON sb_changes (idempotency_key);`,
  },
  { id: "sandbox-0008-onboarding", sql: onboarding },
  { id: "sandbox-0009-email-sends", sql: emailSends },
  { id: "sandbox-0010-tasks", sql: tasks },
  { id: "sandbox-0012-meetings-outreach", sql: meetingsOutreach },
  { id: "sandbox-0013-lead-handoffs", sql: leadHandoffs },
  { id: "sandbox-0014-kb-articles", sql: kbArticles },
  { id: "sandbox-0015-lead-conversions", sql: leadConversions },
  ...settingsMigrations,
  { id: "sandbox-0018-campaign-writes", sql: campaignWrites },
  { id: "sandbox-0019-cs-messages", sql: csMessages },
  { id: "sandbox-0020-cs-segments-health", sql: csSegmentsHealth },
  { id: "sandbox-0021-records-write", sql: recordsWrite },
  { id: "sandbox-0022-web-traffic", sql: webTraffic },
  ...contentCalendarMigrations,
  ...leadScoringMigrations,
  { id: "sandbox-0025-sales-drafts", sql: salesDrafts },
  ...marketingSettingsMigrations,
  { id: "sandbox-0028-email-drafts", sql: emailDrafts },
  { id: "sandbox-0029-survey-answers", sql: surveyAnswers },
];

/**
 * Index definitions of the generated tables, as the migrations leave them (a later DROP INDEX removes an earlier
 * one): a load drops them and builds each once after the rows are in.
 */
export const SANDBOX_INDEXES: { name: string; table: string; create: string }[] = (() => {
  const out = new Map<string, { table: string; create: string }>();
  for (const m of `${schema}\n${analytics}\n${churnFeatures}`.matchAll(
    /CREATE INDEX IF NOT EXISTS (\w+)\s+ON (\w+)[^;]+;|DROP INDEX IF EXISTS (\w+);/g,
  )) {
    if (m[1]) out.set(m[1], { table: m[2] as string, create: m[0] });
    else out.delete(m[3] as string);
  }
  return [...out].map(([name, ix]) => ({ name, ...ix }));
})();

/** Derived from generated rows at load (see `sb_usage_recent`): emptied by a reset with them. */
export const DERIVED_TABLES = ["sb_usage_recent"] as const;

/** Tables that writes fill (onboarding also gets seeded history at load): emptied by a reset, never generated. */
export const WRITTEN_TABLES = [
  "sb_ticket_comments",
  "sb_changes",
  "sb_budget_allocations",
  "sb_onboarding_milestones",
  "sb_onboarding_plans",
  "sb_email_sends",
  "sb_email_deliveries",
  "sb_email_drafts",
  "sb_tasks",
  "sb_touchpoints",
  "sb_meetings",
  "sb_sales_emails",
  "sb_sales_drafts",
  "sb_lead_handoffs",
  "sb_lead_conversions",
  "sb_account_cs",
  "sb_health_weights",
  "sb_cs_messages",
  "sb_cs_message_recipients",
  "sb_quotas",
  "sb_pipeline_settings",
  "sb_settings_updates",
  "sb_content_items",
  "sb_content_moves",
  "sb_lead_scoring_models",
  "sb_recycle_bin",
  "sb_marketing_settings",
  "sb_marketing_settings_updates",
  "sb_csat_responses",
] as const;
