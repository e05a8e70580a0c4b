export {
  journalChanges,
  landedWrite,
  type SandboxChange,
  type SandboxStatus,
  sandboxNow,
  sandboxStatus,
  type WriteOrigin,
} from "./changes.js";
export {
  CONTENT_MIX,
  CONTENT_OWNERS,
  CONTENT_STATUSES,
  CONTENT_TYPES,
  CONTENT_WINDOW_DAYS,
  type ContentStatus,
  type ContentType,
  SOCIAL_CHANNELS,
} from "./content/seed.js";
export {
  DEFAULT_LIMIT,
  decodeCursor,
  encodeCursor,
  INVALID_CURSOR,
  InvalidCursorError,
  MAX_LIMIT,
  type Page,
  pageLimit,
} from "./cursor.js";
export { type CompanyPlan, collectCompany, generateCompany, planCompany } from "./generate/index.js";
export {
  BASE_COUNTS,
  type DealType,
  type GenerateOptions,
  type Lifecycle,
  SANDBOX_DEFAULTS,
  type SizeBand,
  type Stage,
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
export {
  type CsmLoad,
  leastLoaded,
  type MilestoneDraft,
  milestonesFor,
  type OnboardingSegment,
  OWNER_RULE,
  STALL_DAYS,
  segmentOf,
} from "./onboarding/playbook.js";
export { SEEDED_ONBOARDING_DAYS } from "./onboarding/seed.js";
export { type SandboxHost, sandboxDatabase } from "./open.js";
export {
  type AttributionCampaign,
  type DealPath,
  type PathTouch,
  sandboxTouchPaths,
  type TouchPaths,
} from "./ports/attribution-paths.js";
export {
  type BudgetAllocation,
  type NewAllocation,
  SqlBudgetLedger,
} from "./ports/budgets.js";
export {
  type CampaignFields,
  type CampaignRecord,
  type CampaignSaveResult,
  CampaignWriteError,
  SANDBOX_ASSETS_NOTE,
} from "./ports/campaign-record.js";
export {
  CHURN_LEAD_DAYS,
  CHURN_WINDOWS,
  type RenewalHistory,
  type RenewalTermFeatures,
} from "./ports/churn-history.js";
export type { ClosedDeal } from "./ports/closed-deals.js";
export {
  type ContentItem,
  type ContentMove,
  type NewContentItem,
  SqlContentCalendar,
} from "./ports/content-calendar.js";
export {
  type AccountDetail,
  type CrmPort,
  type CrmQuotaPeriod,
  type CrmQuotas,
  type DealQuery,
  type DealRecord,
  type DealRow,
  type DealStatus,
  type IdentityAccount,
  type IdentityContact,
  type NewDeal,
  type Owner,
  SANDBOX_QUOTAS_NOTE,
  SandboxCrm,
  type StageChange,
} from "./ports/crm.js";
export {
  ACCOUNT_CANDIDATES,
  type AccountCandidates,
  type AccountQuery,
  type AccountRow,
  bareDomain,
  nameGrams,
  normalName,
} from "./ports/crm-accounts.js";
export {
  type ContactDetail,
  type ContactFields,
  type ContactWrite,
  sandboxContactByEmail,
  sandboxUpsertContact,
  titleSeniority,
} from "./ports/crm-contact-write.js";
export {
  CONTACT_CANDIDATES,
  type ContactCandidates,
  type ContactQuery,
  type ContactRow,
  sandboxContactCandidates,
} from "./ports/crm-contacts.js";
export type { DealActivity, DealContact, DealRecordExtras } from "./ports/crm-deal.js";
export {
  type ConversionWrite,
  LEAD_RATINGS,
  type LeadChanges,
  type LeadConversion,
  type LeadDetail,
  type LeadWrite,
  SANDBOX_LEAD_STATUSES,
  sandboxConvertLead,
  sandboxLead,
  sandboxUpdateLead,
} from "./ports/crm-lead-write.js";
export { type LeadFacts, sandboxLeadFacts } from "./ports/crm-leads.js";
export {
  BULK_FIELDS,
  type BulkType,
  RECORD_TYPES,
  RECYCLE_BIN,
  type RecordFields,
  type RecordRow,
  type RecordSelection,
  type RecordsWrite,
  type RecordType,
} from "./ports/crm-records.js";
export {
  daysBetween,
  median,
  type RiskDeal,
  type RiskInputs,
  type RiskQuery,
  type StageTiming,
} from "./ports/crm-risk.js";
export type { FeatureUse } from "./ports/cs-adoption.js";
export {
  type CustomerBookRow,
  type CustomerChanges,
  CustomerWriteError,
  type HealthWeightsVersion,
  LIFECYCLES,
  SandboxCustomerBook,
  SandboxHealthModel,
} from "./ports/cs-book.js";
export { type KbArticle, snippetOf } from "./ports/cs-kb.js";
export {
  type CsatStats,
  type MessageChannel,
  type MessageContact,
  type MessageLogged,
  messageIdOf,
  type OutboundMessage,
  SandboxMessages,
  SURVEY_SCALES,
  type SurveyAnswer,
  type SurveyAnswerRecorded,
  type SurveyType,
} from "./ports/cs-messages.js";
export type { SubscriptionTerm, TermHistory } from "./ports/cs-terms.js";
export type { NewTicket, TicketCreateResult, TicketRequester } from "./ports/cs-ticket-create.js";
export type { TicketFact, TicketFacts } from "./ports/cs-ticket-facts.js";
export type {
  TicketComment,
  TicketSearch,
  TicketSearchRow,
  TicketThread,
} from "./ports/cs-tickets.js";
export type { DealTimeline, DealTimelines, FieldChange } from "./ports/deal-timelines.js";
export {
  type CampaignDraft,
  type EmailAudience,
  type EmailDraft,
  type EmailPort,
  type EmailRecipient,
  type EmailSendRecord,
  type EmailSendStats,
  type EmailWave,
  emailContentHash,
  emailSendId,
  type NewCampaignDraft,
  SandboxEmail,
  simulateDelivery,
} from "./ports/email.js";
export {
  AMOUNT_BANDS,
  type AmountBand,
  amountBand,
  type ConversionCell,
  type SnapshotCell,
  type SnapshotPoint,
} from "./ports/forecast-history.js";
export {
  FUNNEL_STAGES,
  type FunnelCell,
  type FunnelLeadDates,
  type FunnelStage,
  type LeadFunnel,
  SANDBOX_FUNNEL_NOTE,
  sandboxLeadFunnel,
} from "./ports/funnel-leads.js";
export {
  PEOPLE_SYSTEMS,
  type PeopleSystem,
  type PlantedPersonKind,
  type PlantedPersonLink,
  type SystemPerson,
  sandboxCrmContacts,
  sandboxPlantedPersonLinks,
  sandboxSystemPeople,
} from "./ports/identity-people.js";
export {
  LINKED_SYSTEMS,
  type LinkedSystem,
  type PlantedKind,
  type PlantedLink,
  type SystemCompany,
  sandboxCrmCompanies,
  sandboxPlantedLinks,
  sandboxSystemCompanies,
} from "./ports/identity-systems.js";
export {
  type HandoffRecord,
  type HandoffResult,
  type LeadAssignment,
  type PendingMql,
  type PendingMqls,
  SANDBOX_HANDOFF_NOTE,
  type SalesOwner,
} from "./ports/lead-handoff.js";
export { type SavedLeadScoringModel, SqlLeadScoringModels } from "./ports/lead-scoring-models.js";
export {
  type CampaignChannel,
  type CampaignOutcome,
  type CampaignQuery,
  type CampaignRow,
  type CampaignStats,
  type CampaignStatus,
  type ContactList,
  type LeadSource,
  type LeadSourceStats,
  type ListContact,
  type ListMembersResult,
  type MarketingPort,
  SandboxMarketing,
} from "./ports/marketing.js";
export {
  type Availability,
  type CalendarPort,
  type KnownPerson,
  type MailPort,
  type MeetingLog,
  type MeetingLogWrite,
  type MeetingQuery,
  type MeetingRow,
  type MeetingWrite,
  type NewMeeting,
  type OutboundEmail,
  REGION_ZONES,
  SandboxMeetings,
  sandboxLogMeeting,
  sandboxPeople,
} from "./ports/meetings.js";
export {
  type NewOnboardingPlan,
  type OnboardingMilestone,
  type OnboardingPlan,
  type OnboardingPort,
  OnboardingWriteError,
  SandboxOnboarding,
  type WonDeal,
} from "./ports/onboarding.js";
export {
  DEFAULT_ICP,
  DEFAULT_STAGE_PROBABILITIES,
  type Icp,
  type PipelineSettings,
  type QuotaRow,
  type SettingsChange,
  type SettingsUpdate,
  SqlPipelineSettings,
} from "./ports/pipeline-settings.js";
export type { RenewalDealRow } from "./ports/renewals-deals.js";
export { SANDBOX_SEGMENT_NOTE, type SegmentPreview, type SegmentRules } from "./ports/segments.js";
export {
  type AccountSignals,
  type NpsResponseRow,
  SandboxSupport,
  type SignalsQuery,
  type SupportPort,
  type TicketChanges,
  type TicketDetail,
  type TicketPriority,
  type TicketQuery,
  type TicketRow,
  type TicketStatus,
  TicketWriteError,
} from "./ports/support.js";
export {
  type NewTask,
  type NewTouchpoint,
  SandboxTasks,
  type TaskRow,
  TaskWriteError as SandboxTaskError,
  TOUCHPOINT_CHANNELS,
  type TouchpointChannel,
  type TouchpointRow,
} from "./ports/tasks.js";
export {
  type FormStats,
  type FormsPort,
  SandboxWeb,
  type TrafficDimension,
  type TrafficMetrics,
  type TrafficReport,
  type TrafficRow,
  type WebAnalyticsPort,
} from "./ports/web.js";
export { QUOTA_FACTOR, QUOTA_PAST_QUARTERS, QUOTA_STEP } from "./quotas/seed.js";
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
