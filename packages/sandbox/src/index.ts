export { journalChanges, landedWrite, type SandboxStatus, sandboxNow, sandboxStatus } from "./changes.js";
export {
  CONTENT_MIX,
  CONTENT_OWNERS,
  CONTENT_STATUSES,
  CONTENT_TYPES,
  CONTENT_WINDOW_DAYS,
  SOCIAL_CHANNELS,
} from "./content/seed.js";
export {
  DEFAULT_LIMIT,
  decodeCursor,
  encodeCursor,
  INVALID_CURSOR,
  InvalidCursorError,
  MAX_LIMIT,
  pageLimit,
} from "./cursor.js";
// day arithmetic and SQL number reading, shared with the sandbox adapters in apps/*/src/integrations/sandbox/
export { dayOf, isoDay, upperBound } from "./dates.js";
export { type CompanyPlan, collectCompany, generateCompany, planCompany } from "./generate/index.js";
export {
  BASE_COUNTS,
  type GenerateOptions,
  type Lifecycle,
  SANDBOX_DEFAULTS,
  type TableChunk,
} from "./generate/types.js";
export {
  ensureSandboxLoaded,
  type LoadProgress,
  type LoadResult,
  resetSandbox,
  type SandboxDataset,
  sandboxToday,
} from "./load.js";
export { INDUSTRIES as SANDBOX_INDUSTRIES } from "./names.js";
export { leastLoaded, milestonesFor, OWNER_RULE, STALL_DAYS, segmentOf } from "./onboarding/playbook.js";
export { csmLoads, SEEDED_ONBOARDING_DAYS } from "./onboarding/seed.js";
export { type SandboxHost, sandboxDatabase } from "./open.js";
export { type DealRecord, SandboxCrm } from "./ports/crm.js";
export { ACCOUNT_CANDIDATES, bareDomain, nameGrams, normalName } from "./ports/crm-accounts.js";
export { CONTACT_CANDIDATES } from "./ports/crm-contacts.js";
export { LEAD_RATINGS } from "./ports/crm-lead-write.js";
export { sandboxLeadFacts } from "./ports/crm-leads.js";
export { BULK_FIELDS, RECORD_TYPES, RECYCLE_BIN } from "./ports/crm-records.js";
export { daysBetween, median } from "./ports/crm-risk.js";
export { amountBand } from "./ports/forecast-history.js";
export {
  sandboxCrmContacts,
  sandboxPlantedPersonLinks,
  sandboxSystemPeople,
} from "./ports/identity-people.js";
export {
  sandboxCrmCompanies,
  sandboxPlantedLinks,
  sandboxSystemCompanies,
} from "./ports/identity-systems.js";
export { REGION_ZONES, SandboxMeetings } from "./ports/meetings.js";
export { keysetPage, num as sqlNumber, searchByName, Where as SqlWhere } from "./ports/sql.js";
export { SandboxTasks, TaskWriteError as SandboxTaskError, TOUCHPOINT_CHANNELS } from "./ports/tasks.js";
// the recent-usage rollup and the whole-history read cache, also used by SandboxSupport in apps/customer-success
export { ensureUsageRecent } from "./ports/usage-recent.js";
export { listWhileUnchanged, whileUnchanged } from "./ports/version-memo.js";
export { QUOTA_FACTOR, QUOTA_PAST_QUARTERS, QUOTA_STEP } from "./quotas/seed.js";
// seeded randomness and model vocabularies, shared with the sandbox adapters in apps/*/src/integrations/sandbox/
export { Rng } from "./random.js";
export {
  budgetMigrations,
  contentCalendarMigrations,
  leadScoringMigrations,
  marketingSettingsMigrations,
  sandboxMigrations,
  settingsMigrations,
  TABLE_COLUMNS,
  TABLE_NAMES,
  type TableName,
  WRITTEN_TABLES,
} from "./schema.js";
export { everyOf } from "./vocabulary.js";
