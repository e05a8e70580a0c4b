import { TABLE_COLUMNS, type TableName } from "../schema.js";
import { accountRows, buildAccounts, contactRows, subscriptionRows, userRows } from "./accounts.js";
import { activityRows, planActivities } from "./activities.js";
import { buildDeals, dealRows, stageHistoryRows } from "./deals.js";
import { kbArticleRows } from "./kb.js";
import { listMemberRows, listRows } from "./lists.js";
import { buildCampaigns, buildLeads, touchRows } from "./marketing.js";
import { npsRows, ticketRows } from "./support.js";
import { type AccountModel, type Ctx, type GenerateOptions, makeCtx, type TableChunk } from "./types.js";
import { monthlyUsageRows, usageRows } from "./usage.js";
import { formRows, formSubmissionRows, webTrafficRows } from "./web.js";

export interface CompanyPlan {
  ctx: Ctx;
  accounts: AccountModel[];
  deals: ReturnType<typeof buildDeals>;
  campaigns: ReturnType<typeof buildCampaigns>;
  leads: ReturnType<typeof buildLeads>;
  activitiesPerAccount: number[];
}

/** The in-memory skeleton (accounts, deals, campaigns, leads); bulky tables are streamed from it. */
export function planCompany(opts: GenerateOptions = {}): CompanyPlan {
  const ctx = makeCtx(opts);
  const accounts = buildAccounts(ctx);
  const deals = buildDeals(ctx, accounts);
  const campaigns = buildCampaigns(ctx);
  const leads = buildLeads(ctx, deals, campaigns);
  const activitiesPerAccount = planActivities(ctx, deals, accounts);
  return { ctx, accounts, deals, campaigns, leads, activitiesPerAccount };
}

function* chunked(table: TableName, rows: Iterable<unknown[]>, size: number): Generator<TableChunk> {
  const columns = TABLE_COLUMNS[table];
  let buf: unknown[][] = [];
  for (const row of rows) {
    buf.push(row);
    if (buf.length >= size) {
      yield { table, columns, rows: buf };
      buf = [];
    }
  }
  if (buf.length > 0) yield { table, columns, rows: buf };
}

/**
 * Generate the demo company as a stream of table chunks (parents before children). Deterministic:
 * the same seed, scale and today always yield byte-identical chunks. Memory stays bounded at large
 * scales because activities, touches, tickets, NPS and usage are produced lazily.
 */
export function* generateCompany(opts: GenerateOptions = {}): Generator<TableChunk> {
  const plan = planCompany(opts);
  const { ctx, accounts, deals, campaigns, leads } = plan;
  const size = ctx.chunkSize;
  yield* chunked("sb_users", userRows(), size);
  yield* chunked("sb_accounts", accountRows(accounts), size);
  yield* chunked("sb_subscriptions", subscriptionRows(ctx, accounts), size);
  yield* chunked("sb_contacts", contactRows(ctx, accounts), size);
  yield* chunked("sb_deals", dealRows(ctx, deals), size);
  yield* chunked("sb_deal_stage_history", stageHistoryRows(ctx, deals), size);
  yield* chunked(
    "sb_campaigns",
    campaigns.map((c) => c.row),
    size,
  );
  yield* chunked(
    "sb_leads",
    leads.map((l) => l.row),
    size,
  );
  yield* chunked("sb_campaign_touches", touchRows(ctx, leads, campaigns, accounts), size);
  yield* chunked("sb_activities", activityRows(ctx, deals, accounts, plan.activitiesPerAccount), size);
  yield* chunked("sb_tickets", ticketRows(ctx, accounts), size);
  yield* chunked("sb_nps_responses", npsRows(ctx, accounts), size);
  yield* chunked("sb_usage_daily", usageRows(ctx, accounts), size);
  yield* chunked("sb_usage_monthly", monthlyUsageRows(ctx, accounts), size);
  yield* chunked("sb_lists", listRows(ctx), size);
  yield* chunked("sb_list_members", listMemberRows(ctx, accounts), size);
  yield* chunked("sb_kb_articles", kbArticleRows(ctx), size);
  yield* chunked("sb_web_traffic", webTrafficRows(ctx, campaigns), size);
  yield* chunked("sb_forms", formRows(ctx), size);
  yield* chunked("sb_form_submissions", formSubmissionRows(ctx, campaigns), size);
}

/** Materialise the whole company in memory (fine at scale 1; use `generateCompany` for big scales). */
export function collectCompany(opts: GenerateOptions = {}): Record<TableName, unknown[][]> {
  const out = Object.fromEntries(Object.keys(TABLE_COLUMNS).map((t) => [t, [] as unknown[][]])) as Record<
    TableName,
    unknown[][]
  >;
  for (const chunk of generateCompany(opts)) for (const row of chunk.rows) out[chunk.table].push(row);
  return out;
}
