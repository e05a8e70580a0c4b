export {
  APOLLO_TEST_API_KEY,
  type ApolloLimits,
  type ApolloSeed,
  type ApolloState,
  apolloState,
  startApolloFake,
} from "./apollo";
export {
  type ContractChecker,
  type ContractCheckerOptions,
  type ContractRequest,
  type ContractViolation,
  contractChecker,
  type KnownGap,
} from "./contract";
export { type Fault, FaultSwitch, type FaultTarget } from "./faults";
export {
  GA4_SPEC_FILE,
  type Ga4Row,
  type Ga4Seed,
  type Ga4State,
  ga4Contract,
  ga4State,
  startGa4Fake,
} from "./ga4";
export {
  type CalendarEvent,
  type GmailMessage,
  GOOGLE_SPEC_FILES,
  type GoogleSeed,
  type GoogleState,
  googleContract,
  googleError,
  googleQuotaFault,
  googleState,
  type SendUpdates,
  startGoogleFake,
} from "./google";
export {
  type FakeDefinition,
  type FakeRequest,
  json,
  type RecordedRequest,
  type Reply,
  type RunningFake,
  startFake,
} from "./http-fake";
export {
  addHubSpotObject,
  type HubSpotObjectType,
  type HubSpotRecord,
  type HubSpotSeed,
  type HubSpotState,
  hubspotState,
  startHubSpotFake,
} from "./hubspot";
export { hubspotArchive } from "./hubspot-batch";
export { type HubSpotFormSeed, hubspotForms, seedHubSpotForms } from "./hubspot-forms";
export {
  type HubSpotFakeList,
  type HubSpotListSeed,
  type HubSpotListsState,
  type HubSpotProcessingType,
  hubspotLists,
  seedHubSpotLists,
} from "./hubspot-lists";
export {
  INTERCOM_SPEC_FILE,
  type IntercomConversationSeed,
  type IntercomSeed,
  type IntercomState,
  intercomContract,
  intercomState,
  startIntercomFake,
} from "./intercom";
export {
  MIXPANEL_FAKE_CA,
  MIXPANEL_SPEC_FILES,
  type MixpanelEvent,
  type MixpanelSeed,
  type MixpanelState,
  mixpanelContract,
  mixpanelState,
  type RunningMixpanelFake,
  startMixpanelFake,
} from "./mixpanel";
export { ENGAGE_PAGE_SIZE, type MixpanelGroupProfile } from "./mixpanel-engage";
export {
  accessExpired,
  type OAuthApp,
  type OAuthFakeState,
  oauthAuthorize,
  oauthFakeState,
  oauthToken,
} from "./oauth";
export {
  addSObject,
  type ForecastSeed,
  SALESFORCE_API_VERSION,
  type SalesforceSeed,
  type SalesforceState,
  type SObjectRow,
  salesforceState,
  startSalesforceFake,
} from "./salesforce";
export { type BinEntry, salesforceRecycleBin } from "./salesforce-collections";
export {
  SENDGRID_SPEC_FILES,
  type SendGridSeed,
  type SendGridState,
  type SentMessage,
  sendgridContract,
  sendgridState,
  startSendGridFake,
  VENDOR_SPECS_DIR,
} from "./sendgrid";
export { type CurrencyLiteral, type OrgRates, parseSoql, runSoql, SoqlError, type SoqlQuery } from "./soql";
export {
  startZendeskFake,
  ZENDESK_API_PREFIX,
  type ZendeskAudit,
  type ZendeskSeed,
  type ZendeskState,
  zendeskState,
} from "./zendesk";
export { type ParsedSearch, parseZendeskSearch, runZendeskSearch, type SearchTerm } from "./zendesk-search";
