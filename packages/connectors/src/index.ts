export {
  APOLLO_API_URL,
  type ApolloConnection,
  type ApolloCredentials,
  type ApolloRequest,
  type ApolloSdk,
  createApolloSdk,
} from "./apollo/client";
export { apolloHttpError, apolloRetryAfterMs } from "./apollo/errors";
export {
  type ApolloConnector,
  type ApolloOrganization,
  type ApolloPerson,
  apolloDomain,
  createApolloConnector,
  type PersonMatchInput,
} from "./apollo/operations";
export { type ApolloQuotaOptions, createApolloQuotaTracker } from "./apollo/quota";
export type { ApolloPage, ApolloSearchFilter, ApolloSearchPerson } from "./apollo/search";
export { type AppSetupOptions, type ConnectorHost, connectorSetup } from "./app-setup";
export type { ConnectionConfig, ConnectorVendor, ResilienceSetup } from "./connection";
export { connectorClassifier } from "./errors";
export { type Freshness, FreshnessTracker, freshnessOf, type WithFreshness } from "./freshness";
export {
  createGa4Connector,
  GA4_PAGE_ROWS,
  type Ga4Connector,
  type Ga4Report,
  type Ga4ReportRequest,
} from "./google/analytics";
export {
  CALENDAR_ROOT_URL,
  createGoogleSdk,
  GMAIL_ROOT_URL,
  GOOGLE_HOSTS,
  GOOGLE_SCOPES,
  type GoogleConnection,
  type GoogleCredentials,
  type GoogleSdk,
} from "./google/client";
export type { BusyPeriod, CalendarAvailability } from "./google/free-busy";
export {
  type CreateEventResult,
  calendarEventId,
  createGoogleConnector,
  type GmailDraftResult,
  type GmailSendResult,
  type GoogleConnector,
  type GoogleSetup,
  type MessagePage,
  type TimeRange,
} from "./google/operations";
export { createGuardedAgent } from "./guarded-agent";
export {
  createHubSpotSdk,
  HUBSPOT_API_URL,
  type HubSpotApis,
  type HubSpotConnection,
  type HubSpotCredentials,
  type HubSpotGet,
  type HubSpotSdk,
  type HubSpotSetup,
} from "./hubspot/client";
export {
  HUBSPOT_FORMS_PAGE,
  type HubSpotForm,
  type HubSpotFormSubmission,
  type HubSpotFormsConnector,
} from "./hubspot/forms";
export {
  type AttributionModel,
  CAMPAIGN_ASSET_TYPES,
  CAMPAIGN_PROPERTIES,
  type CampaignBudget,
  type CampaignBudgetItems,
  type CampaignContactType,
  type CampaignMoneyItem,
  type CampaignRevenue,
  type ContactFilter,
  createHubSpotMarketingConnector,
  HUBSPOT_BATCH,
  type HubSpotCampaign,
  type HubSpotMarketingConnector,
  type HubSpotSeller,
  type ReportRange,
} from "./hubspot/marketing";
export {
  type CreateDealResult,
  createHubSpotConnector,
  DEAL_PROPERTIES,
  type DealFilter,
  type HubSpotConnector,
  type HubSpotObject,
  IDEMPOTENCY_PROPERTY,
  type Page,
  type SearchDealsInput,
  type SearchOperator,
} from "./hubspot/operations";
export {
  createIntercomSdk,
  INTERCOM_API_URL,
  INTERCOM_HOSTS,
  type IntercomConnection,
  type IntercomCredentials,
  type IntercomSdk,
} from "./intercom/client";
export {
  createIntercomConnector,
  type IntercomConnector,
  type IntercomPage,
  type ReplyResult,
} from "./intercom/operations";
export { DIRECTORY_TTL_MS, TtlMemo } from "./memo";
export {
  createMixpanelSdk,
  EXPORT_ONLY_TOKEN,
  MIXPANEL_HOSTS,
  MIXPANEL_IMPORT_RATE,
  type MixpanelConnection,
  type MixpanelCredentials,
  type MixpanelRegion,
  type MixpanelSdk,
  mixpanelExportUrl,
  mixpanelIngestionUrl,
  mixpanelQueryUrl,
} from "./mixpanel/client";
export {
  createMixpanelConnector,
  type ExportedEvent,
  type ExportQuery,
  type GroupProfile,
  type GroupProfilesQuery,
  type ImportEvent,
  type ImportResult,
  MIXPANEL_BATCH_SIZE,
  MIXPANEL_EXPORT_MAX_EVENTS,
  type MixpanelConnector,
  mixpanelInsertId,
} from "./mixpanel/operations";
export * from "./oauth-consent";
export { type OAuthConnectionSettings, oauthTokens } from "./oauth-tokens";
export { createRuntime, type Runtime } from "./runtime";
export {
  createSalesforceSdk,
  SALESFORCE_API_VERSION,
  type SalesforceConnection,
  type SalesforceCredentials,
  type SalesforceSdk,
  type SalesforceSetup,
} from "./salesforce/client";
export {
  convertedLead,
  convertLeadOnce,
  SalesforceConvertError,
  type SalesforceLeadConvert,
  type SalesforceLeadConverted,
} from "./salesforce/lead-convert";
export {
  ACCOUNT_FIELDS,
  createSalesforceConnector,
  OPPORTUNITY_FIELDS,
  type OpportunityFilter,
  opportunitySoql,
  type QueryResult,
  SALESFORCE_IDEMPOTENCY_FIELD,
  type SalesforceConnector,
  type SObject,
  soqlString,
} from "./salesforce/operations";
export {
  createSendGridSdk,
  SENDGRID_API_URL,
  type SendGridConnection,
  type SendGridCredentials,
  type SendGridSdk,
} from "./sendgrid/client";
export {
  createSendGridConnector,
  type MailMessage,
  type SendGridConnector,
  type SendGridSetup,
  type SendResult,
  SendUncertainError,
} from "./sendgrid/operations";
export {
  type SendGridList,
  type SingleSendDetail,
  type SingleSendDraft,
  type SingleSendMetrics,
  type SingleSendSummary,
  singleSendMarker,
} from "./sendgrid/single-sends";
export {
  checkDisplayLink,
  checkOutboundUrl,
  checkTestBaseUrl,
  hostMatches,
  isPrivateAddress,
  type OutboundUrlOptions,
  type Resolver,
  UnsafeUrlError,
  VENDOR_HOSTS,
} from "./url-safety";
export {
  createZendeskSdk,
  ZENDESK_HOST,
  type ZendeskConnection,
  type ZendeskCredentials,
  type ZendeskSdk,
  zendeskBaseUrl,
} from "./zendesk/client";
export { throwIfReturnedError, zendeskHttpError } from "./zendesk/errors";
export {
  type AddCommentResult,
  type CreateTicketResult,
  type CursorPage,
  createZendeskConnector,
  externalIdOf,
  type SearchPage,
  TICKET_STATUSES,
  type TicketExportPage,
  type TicketStatus,
  ZENDESK_IDEMPOTENCY_FIELD,
  type ZendeskArticle,
  type ZendeskConnector,
  type ZendeskMetricSet,
  type ZendeskNewTicket,
  type ZendeskOrganization,
  type ZendeskSatisfactionRating,
  type ZendeskTicket,
  type ZendeskUser,
} from "./zendesk/operations";
