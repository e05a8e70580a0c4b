export type SizeBand = "1-50" | "51-200" | "201-1000" | "1000+";

export type Stage =
  | "prospecting"
  | "qualification"
  | "proposal"
  | "negotiation"
  | "closed_won"
  | "closed_lost";

export type DealType = "new_business" | "expansion" | "renewal";

/** What accounts_search filters on; `name` is matched loosely (candidates here, ranking in the app). */
export interface AccountQuery {
  name?: string;
  /** A domain or website ("acme.com", "https://www.acme.com"). */
  domain?: string;
  /** Owner id, full name or email, case-insensitive. */
  owner?: string;
  industry?: string;
  /** Most candidates to return (the app ranks them). */
  limit?: number;
}

/** One account as a search result row. */
export interface AccountRow {
  id: string;
  name: string;
  domain: string;
  industry: string;
  ownerId: string;
  ownerName: string;
  /** Our ARR with the account (USD); null where the CRM has no such field. */
  arr: number | null;
  lifecycle: string;
}

/** Candidate accounts; `capped` when more matched than `limit`. */
export interface AccountCandidates {
  rows: AccountRow[];
  capped: boolean;
}

/** One contact as the system of record has it, with the fields contact_upsert can set. */
export interface ContactDetail {
  id: string;
  name: string;
  title: string;
  email: string;
  phone: string;
  accountId: string;
  accountName: string;
}

/** The fields of a contact upsert; absent = unchanged (or empty on create). */
export interface ContactFields {
  name?: string;
  title?: string;
  phone?: string;
  accountId?: string;
}

/** Where an upsert landed, whether it created the contact, and the contact after it. */
export interface ContactWrite {
  system: string;
  id: string;
  created: boolean;
  contact: ContactDetail;
  /** True when this write had already happened: found, not made again. */
  recovered?: boolean;
}

/** What contacts_search filters on; text fields are matched loosely here and ranked in the app. */
export interface ContactQuery {
  name?: string;
  /** A whole address or a part of one ("ana@", "acme.com"). */
  email?: string;
  /** An account id, or words of the account's name. */
  account?: string;
  title?: string;
  limit?: number;
}

/** One contact as a search row. */
export interface ContactRow {
  id: string;
  name: string;
  title: string;
  email: string;
  accountId: string;
  accountName: string;
}

export interface ContactCandidates {
  rows: ContactRow[];
  capped: boolean;
}

/** One activity on a deal (newest first in a DealRecord). */
export interface DealActivity {
  id: string;
  /** call | email | meeting | note | task (the CRM's own kind where it has another). */
  type: string;
  subject: string;
  occurredAt: string;
  contactId: string | null;
  contactName: string | null;
}

/** A person on the deal: from the CRM's contact roles where it keeps them, else from the deal's activities. */
export interface DealContact {
  id: string;
  name: string;
  title: string;
  email: string;
  /** The CRM's own role label (Salesforce contact role, HubSpot association label); null when it keeps none. */
  role: string | null;
  primary: boolean;
  /** Activities on this deal with this contact; null when the CRM does not link activities to contacts. */
  activities: number | null;
  lastActivityAt: string | null;
}

/** Everything deal_get shows beyond the deal itself. */
export interface DealRecordExtras {
  /** When the deal was created (date or timestamp), where the CRM says. */
  createdAt: string | null;
  /** Stage changes, oldest first; the first has fromStage null when the CRM records the opening stage. */
  stageHistory: { fromStage: Stage | null; toStage: Stage; changedAt: string }[];
  /** The newest `limit` activities and how many there are in all. */
  activities: { total: number; recent: DealActivity[] };
  contacts: DealContact[];
  /** What this CRM could not supply. */
  caveats: string[];
}

export type DealStatus = "open" | "won" | "lost";

export interface DealRow {
  id: string;
  name: string;
  accountId: string;
  accountName: string;
  stage: Stage;
  amount: number;
  closeDate: string;
  ownerId: string;
  ownerName: string;
  probability: number;
  forecastCategory: string;
  type: DealType;
  /** Newest activity (timestamp or date); listDeals and account reads fill it, analytics rows leave it out. */
  lastActivityAt?: string | null;
  nextStep?: string | null;
  /** When the deal entered its current stage (timestamp or date), where the CRM knows it. */
  stageEnteredAt?: string | null;
  /** When the deal was created (timestamp or date), where it was read. */
  createdAt?: string | null;
}

/** A new deal, every field given; ownerId is the CRM's own user id. */
export interface NewDeal {
  name: string;
  accountId: string;
  amount: number;
  stage: Stage;
  closeDate: string;
  type: DealType;
  ownerId: string;
}

export interface DealQuery {
  stage?: Stage;
  /** Owner id, full name or email, case-insensitive. */
  owner?: string;
  accountId?: string;
  closeFrom?: string;
  closeTo?: string;
  minAmount?: number;
  status?: DealStatus;
  type?: DealType;
  cursor?: string;
  limit?: number;
}

export interface StageChange {
  dealId: string;
  fromStage: Stage | null;
  toStage: Stage;
  changedAt: string;
}

export interface AccountDetail {
  id: string;
  name: string;
  domain: string;
  industry: string;
  sizeBand: string;
  employees: number;
  region: string;
  country: string;
  ownerId: string;
  ownerName: string;
  arr: number;
  lifecycle: string;
  contacts: { total: number; top: { id: string; name: string; title: string; email: string }[] };
  openDeals: DealRow[];
  recentActivities: { id: string; type: string; subject: string; occurredAt: string; body: string }[];
  subscription?: { plan: string; seats: number; arr: number; renewalDate: string; status: string };
}

export interface Owner {
  id: string;
  name: string;
  email: string;
  region: string;
}

/** Every account's id, name and website domain: the CRM's side of the suite's identity graph. */
export interface IdentityAccount {
  id: string;
  name: string;
  domain: string | null;
}

/** Every contact's id, account, name and email: the CRM's side of the graph's person links. */
export interface IdentityContact {
  id: string;
  accountId: string;
  name: string;
  email: string | null;
}

/** One quota period as the CRM keeps it (Salesforce ForecastingQuota, HubSpot goal target), in our currency. */
export interface CrmQuotaPeriod {
  /** Our owner id (the CRM's user/owner id, as deals carry it). */
  ownerId: string;
  /** First and last day of the period, inclusive (YYYY-MM-DD). */
  start: string;
  end: string;
  amount: number;
}

/** The CRM's quota periods overlapping a range; `unavailable` says why there are none from this CRM. */
export interface CrmQuotas {
  periods: CrmQuotaPeriod[];
  unavailable?: string;
  caveats: string[];
}
