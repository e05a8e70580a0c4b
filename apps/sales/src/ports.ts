import { toolsFor } from "@revops/kit";
import type {
  AccountCandidates,
  AccountDetail,
  AccountQuery,
  BulkType,
  CalendarPort,
  ClosedDeal,
  ContactCandidates,
  ContactDetail,
  ContactFields,
  ContactQuery,
  ContactWrite,
  ConversionCell,
  ConversionWrite,
  CrmQuotas,
  DealQuery,
  DealRecordExtras,
  DealRow,
  DealTimelines,
  IdentityAccount,
  IdentityContact,
  KnownPerson,
  LeadChanges,
  LeadConversion,
  LeadDetail,
  LeadFacts,
  LeadWrite,
  MailPort,
  MeetingLog,
  MeetingLogWrite,
  NewDeal,
  NewTask,
  Page,
  PipelineSettings,
  QuotaRow,
  RecordFields,
  RecordRow,
  RecordSelection,
  RecordsWrite,
  RecordType,
  RiskInputs,
  RiskQuery,
  SettingsChange,
  SettingsUpdate,
  SnapshotCell,
  SnapshotPoint,
  Stage,
  TaskRow,
  WriteOrigin,
} from "@revops/model";
import type { AccountWritePort, ProspectingPort } from "./ports-prospecting";

export type {
  CalendarPort,
  ContactDetail,
  ContactFields,
  ContactWrite,
  ConversionCell,
  ConversionWrite,
  CrmQuotaPeriod,
  CrmQuotas,
  KnownPerson,
  LeadChanges,
  LeadConversion,
  LeadDetail,
  LeadWrite,
  MailPort,
  MeetingRow,
  NewDeal,
  NewTask,
  SnapshotCell,
  SnapshotPoint,
  TaskRow,
} from "@revops/model";

/** Where a task landed (system and its record id there) and the task as written. */
export interface TaskWrite {
  system: string;
  id: string;
  task: TaskRow;
  /** True when an earlier attempt under the same key had created it: found, not made again. */
  recovered: boolean;
}

/** One deal as the system of record has it now, with the fields deal_update can change. */
export interface DealDetail extends DealRow {
  nextStep: string | null;
}

/** One deal with its stage history, newest activities (and their total) and the people on it. */
export interface DealRecord extends DealRecordExtras {
  deal: DealDetail;
}

/** A deal update: absent fields stay as they are; nextStep null clears it. ownerId is the CRM's own user id. */
export interface DealChanges {
  stage?: Stage;
  amount?: number;
  closeDate?: string;
  nextStep?: string | null;
  ownerId?: string;
}

/** The fields of `expected` that a deal no longer holds, as "field is now X, the plan said Y" (empty: all hold). */
export function unexpected(deal: DealDetail, expected: DealChanges = {}): string[] {
  const now: DealChanges = {
    stage: deal.stage,
    amount: deal.amount,
    closeDate: deal.closeDate,
    nextStep: deal.nextStep,
    ownerId: deal.ownerId,
  };
  return (Object.keys(expected) as (keyof DealChanges)[])
    .filter((k) => expected[k] !== undefined && (now[k] ?? null) !== (expected[k] ?? null))
    .map(
      (k) =>
        `${k} is now ${JSON.stringify(now[k] ?? null)}, the plan said ${JSON.stringify(expected[k] ?? null)}`,
    );
}

/** Who writes, under which confirmed plan, and the key that makes a vendor write happen once. */
export type { WriteOrigin } from "@revops/model";

/** Where the write landed (system and that system's record id) and the deal as it is after it. */
export interface DealWrite {
  system: string;
  id: string;
  deal: DealDetail;
  /** True when an ambiguous failure hid an update the vendor had applied: it was found, not made again. */
  recovered?: boolean;
}

/** Of closed deals, per open stage: how many reached it (stage history or their own stage) and how many won. */
export interface StageReach {
  /** Closed deals counted. */
  closed: number;
  /** Only stages at least one of the deals reached. */
  stages: Record<string, { reached: number; won: number }>;
}

/** What the sales tools need from a CRM; the sandbox and the vendor adapters implement it. */
export interface CrmPort {
  listDeals(q: DealQuery): Promise<Page<DealRow>>;
  dealsClosingBetween(from: string, to: string, owner?: string): Promise<DealRow[]>;
  dealStageHistory(
    dealIds: string[],
  ): Promise<{ dealId: string; fromStage: string | null; toStage: string; changedAt: string }[]>;
  /**
   * Of the closed deals closing in [from, to] (same range and owner rules as `dealsClosingBetween`), per open
   * stage how many reached it and how many won: what a forecast learns from (vendors count their own rows).
   */
  stageReach(from: string, to: string, owner?: string): Promise<StageReach>;
  /**
   * Closed deals closing in [from, to] per close month, deal type, amount band and open stage reached: deals,
   * won, dollars and won dollars (what forecast_get learns dollar-weighted conversion from). A CRM whose stage
   * history is not read returns [] (the forecast then uses CRM stage probabilities and says so).
   */
  conversionHistory(from: string, to: string, owner?: string): Promise<ConversionCell[]>;
  /**
   * For each point, the deals with a close date in its window as they stood at its `asOf` (stage then, or
   * `not_created`; slipped bucket; final won dollars), aggregated. A CRM without stage history serves only the
   * points at or after today (the pipeline as it is now) and leaves past points empty.
   */
  pipelineSnapshots(points: readonly SnapshotPoint[], owner?: string): Promise<SnapshotCell[]>;
  getAccount(id: string): Promise<AccountDetail | undefined>;
  searchAccounts(prefix: string, limit: number): Promise<{ id: string; name: string }[]>;
  /** Every account's id, name and website (as the CRM holds it): what the suite's identity graph links to. */
  identityAccounts(): Promise<IdentityAccount[]>;
  /** Every contact's id, account, name and email: what the identity graph links help-desk people to. Vendors only. */
  identityContacts?(): Promise<IdentityContact[]>;
  /**
   * Accounts that may match `q`: the exact filters (domain, owner, industry) applied, the name loosely (sharing a
   * three-letter piece, or the vendor's nearest search); accounts_search ranks them by name similarity.
   */
  accountCandidates(q: AccountQuery): Promise<AccountCandidates>;
  /** Open deals with their risk inputs, the typical days per stage, and caveats for what this CRM cannot supply. */
  openDealRisks(q: RiskQuery): Promise<RiskInputs>;
  listOwners(): Promise<{ id: string; name: string; email: string; region: string }[]>;
  /**
   * The CRM's own quota periods overlapping [from, to] (Salesforce ForecastingQuota, HubSpot revenue goals), owners as
   * `listOwners` ids and amounts in the currency deals are read in. Never throws for a CRM that keeps none or does not
   * let us read them: `unavailable` says why (feature off, permission, scope), and configured quotas apply.
   */
  quotaPeriods(from: string, to: string): Promise<CrmQuotas>;
  /**
   * Deals won or lost with a close date in [from, to]: type, amount, owner, account segment, lead source, created and
   * close dates, and the CRM's loss reason or the stage a loss happened in (what sales_report groups and measures).
   */
  closedDeals(from: string, to: string): Promise<ClosedDeal[]>;
  /**
   * Deals the period [from, to] touched (created, stage moved, closing in it, amount or close date changed), each with
   * its whole stage history and the amount and close-date changes this CRM records: what pipeline_changes classifies.
   */
  dealTimelines(from: string, to: string): Promise<DealTimelines>;
  /**
   * The deal (as a list row: stage entered, newest activity, next step) with its stage history oldest first, its
   * `activities` newest activities and their total, and its contacts with the CRM's roles; undefined: no such deal.
   */
  dealRecord(id: string, activities: number): Promise<DealRecord | undefined>;
  /**
   * Contacts that may match `q`: the email contained, name, title and account name loosely (sharing a three-letter
   * piece, or the vendor's nearest search), the account also by id; contacts_search ranks them.
   */
  contactCandidates(q: ContactQuery): Promise<ContactCandidates>;
  /** The contact with this email (case-insensitive), fresh from the system of record; undefined: none. */
  contactByEmail(email: string): Promise<ContactDetail | undefined>;
  /**
   * Creates the contact when none has the email, else sets the given fields; once per email (a retried create finds
   * its contact). `expected`: the plan's "before" (null: the plan was a create); RangeError "conflict: …" when the
   * contact no longer matches it, "name: …" / "account_id: …" when the CRM refuses a value.
   */
  upsertContact(
    email: string,
    fields: ContactFields,
    origin: WriteOrigin,
    expected?: ContactFields | null,
  ): Promise<ContactWrite>;
  /** Every lead with title, source, campaign touches, the CRM's own score and whether it converted; oldest first. */
  leadFacts(): Promise<LeadFacts[]>;
  /** The lead fresh from the system of record (HubSpot: a contact in the funnel); undefined: none. */
  getLead(id: string): Promise<LeadDetail | undefined>;
  /**
   * Sets a lead's status, owner, score or rating once; undefined when there is no such lead. With `expected` (the
   * plan's "before") nothing is written when the lead no longer holds it: RangeError "conflict: …"; RangeError
   * "status: …" / "owner: …" / "score: …" / "rating: …" when the CRM refuses or has no such field.
   */
  updateLead(
    id: string,
    changes: LeadChanges,
    origin: WriteOrigin,
    expected?: LeadChanges,
  ): Promise<LeadWrite | undefined>;
  /**
   * Converts the lead into account (reused or created), contact (reused or created) and deal, once per
   * `origin.idempotencyKey`: after an ambiguous failure the lead is read back and a landed conversion is returned
   * (`recovered`), never made twice. RangeError "lead_id: …" for an unknown or already converted lead.
   */
  convertLead(leadId: string, conversion: LeadConversion, origin: WriteOrigin): Promise<ConversionWrite>;
  /** The deal fresh from the system of record (never the stale cache: a preview must not show an old "before"). */
  getDeal(id: string): Promise<DealDetail | undefined>;
  /**
   * Creates the deal once per `origin.idempotencyKey` (an ambiguous failure is looked up, never repeated blindly):
   * RangeError "field: …" when the CRM refuses a value (unknown account or owner, no such stage).
   */
  createDeal(deal: NewDeal, origin: WriteOrigin): Promise<DealWrite>;
  /**
   * Creates a task for a rep on an account (and deal) once per `origin.idempotencyKey` (Salesforce Task, HubSpot
   * task): RangeError "field: …" when the CRM refuses the owner, account or deal.
   */
  createTask(task: NewTask, origin: WriteOrigin): Promise<TaskWrite>;
  /**
   * Applies the changes once; undefined when there is no such deal. With `expected` (the confirmed plan's
   * "before" values) nothing is written when the deal no longer holds them: RangeError "conflict: …".
   */
  updateDeal(
    id: string,
    changes: DealChanges,
    origin: WriteOrigin,
    expected?: DealChanges,
  ): Promise<DealWrite | undefined>;
  /**
   * Records of a type by ids (unknown ones left out) or by filter (owner id; stage for deals), in id order, at most
   * `limit`, read fresh, with the fields records_bulk_update may set (owner as the CRM's user id).
   */
  selectRecords(type: RecordType, sel: RecordSelection, limit: number): Promise<RecordRow[]>;
  /**
   * Sets the fields on every id once per `origin.idempotencyKey` (batched as the vendor allows; after an ambiguous
   * failure the batch is read back, never applied twice). RangeError "owner: …" / "stage: …" when refused.
   */
  updateRecords(
    type: BulkType,
    ids: string[],
    fields: RecordFields,
    origin: WriteOrigin,
  ): Promise<RecordsWrite>;
  /**
   * Deletes the records into the CRM's recycle bin once per `origin.idempotencyKey` (ids already gone are not
   * deleted again); `bin` says where they went. RangeError "ids: …" when the CRM refuses.
   */
  deleteRecords(type: RecordType, ids: string[], origin: WriteOrigin): Promise<RecordsWrite>;
  /** Contacts and reps known by these addresses (time zone, unsubscribed); absent: this CRM is not asked. */
  people?(emails: string[]): Promise<KnownPerson[]>;
  /** A meeting's notes, tasks and next step on a deal, once per key; undefined: no such deal. */
  logMeeting(log: MeetingLog, origin: WriteOrigin): Promise<MeetingLogWrite | undefined>;
}

/** Company data an enrichment vendor knows for a domain; every field checked before it is shown. */
export interface Firmographics {
  industry: string | null;
  employees: number | null;
  /** USD per year. */
  annualRevenue: number | null;
  foundedYear: number | null;
  /** An https LinkedIn page, or null. */
  linkedinUrl: string | null;
  source: "apollo";
}

/** Firmographics, or a note saying why there are none (or how old they are). Never throws. */
export interface EnrichmentPort {
  firmographics(domain: string): Promise<{ firmographics?: Firmographics; note?: string }>;
}

/** Quotas, stage probabilities and the ICP, in our own store (the sandbox's, or beside a vendor CRM). */
export interface PipelineSettingsPort {
  settings(): Promise<PipelineSettings>;
  /** One quarter's quotas (YYYY-Qn), or every quarter's. */
  quotas(quarter?: string): Promise<QuotaRow[]>;
  /** False when an earlier attempt under the same idempotency key had already applied it. */
  update(update: SettingsUpdate, changes: SettingsChange[], origin: WriteOrigin): Promise<boolean>;
}

export interface SalesPorts {
  crm: CrmPort;
  /** Pipeline settings (pipeline_settings writes them; quota_attainment reads them). */
  settings: PipelineSettingsPort;
  /** Present when SALES_ENRICHMENT names a vendor. */
  enrichment?: EnrichmentPort;
  /** Apollo when SALES_ENRICHMENT=apollo, else the sandbox's directory on the sandbox CRM; absent otherwise. */
  prospecting?: ProspectingPort;
  /** Writes enriched fields onto the CRM's accounts (sandbox, Salesforce Account, HubSpot company). */
  accountWrite?: AccountWritePort;
  /** Credits one call may spend before a human confirms it (APOLLO_CREDIT_CONFIRM_ABOVE). */
  creditConfirmAbove?: number;
  /** Meetings: the sandbox's calendar or Google Calendar (SALES_CALENDAR). */
  calendar: CalendarPort;
  /** Sales email as the rep: the sandbox's mailbox or Gmail. */
  mail: MailPort;
  /** Sales emails one rep may send per UTC day. */
  emailDailyCap: number;
  /** The instant "now" is for scheduling and sending (the sandbox's date with the time of day, or the real one). */
  now: () => Promise<string>;
  /** The day "today" is for analytics (the sandbox's fixed date, or the real date). */
  today: () => Promise<string>;
  source: string;
  /** The ports of a named connection (`SALES_CRM__EU`, `HUBSPOT_ACCESS_TOKEN__EU`…); none = these. */
  using: (connection?: string) => Promise<SalesPorts>;
  /**
   * Churn risk of accounts' upcoming renewals, from customer success: present in the suite only, where the
   * forecast warns about renewals in commit that customer success expects to lose.
   */
  renewalRisk?: (accountIds: string[]) => Promise<Map<string, RenewalRisk>>;
}

/** What customer success thinks of one account's next renewal. */
export interface RenewalRisk {
  probability: number;
  /** At or above the churn model's chosen threshold. */
  high: boolean;
}

/** defineTool for this server: handlers get typed ports. */
export const salesTool = toolsFor<SalesPorts>();
