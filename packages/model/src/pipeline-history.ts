import type { DealType, Stage } from "./crm.js";

/** One won or lost deal with what a win/loss report groups and measures it by. */
export interface ClosedDeal {
  id: string;
  type: DealType;
  amount: number;
  won: boolean;
  ownerName: string;
  /** The account's employee band (1-50, 51-200, 201-1000, 1000+); "" when unknown. */
  segment: string;
  /** Lead source of the lead converted into the deal; "none" when no lead was. */
  source: string;
  createdAt: string;
  closeDate: string;
  /** The CRM's loss reason; null when it keeps none (or the deal was won). */
  lossReason: string | null;
  /** The open stage a lost deal was lost from; null when unknown. */
  lostFrom: Stage | null;
}

/** One open deal with what a risk review reads: stage age, newest activity, contacts engaged, field history. */
export interface RiskDeal {
  id: string;
  name: string;
  accountId: string;
  accountName: string;
  ownerId: string;
  ownerName: string;
  stage: Stage;
  type: DealType;
  amount: number;
  closeDate: string;
  /** When the deal entered its current stage (timestamp or date); null when the CRM does not say. */
  stageEnteredAt: string | null;
  /** Newest activity on the deal; null when none is recorded. */
  lastActivityAt: string | null;
  /** Distinct contacts on the deal's activities (or associated); null when the CRM is not read for it. */
  contactsEngaged: number | null;
  /** Times the close date moved later; null when the CRM keeps no close-date history we read. */
  closeDatePushes: number | null;
  /** Highest recorded amount minus the amount now (0: never cut); null without amount history. */
  amountCut: number | null;
}

/** Median days closed deals spent in one open stage (from their stage history). */
export interface StageTiming {
  stage: Stage;
  medianDays: number;
  /** Stage visits measured. */
  samples: number;
}

/** Open deals and the company's typical stage times; `caveats` name what this CRM could not supply. */
export interface RiskInputs {
  deals: RiskDeal[];
  typical: StageTiming[];
  caveats: string[];
}

export interface RiskQuery {
  /** Owner id, full name or email, case-insensitive. */
  owner?: string;
  type?: DealType;
}

/** One field's value before and after a change, and when it changed. */
export interface FieldChange<T> {
  at: string;
  before: T;
  after: T;
}

/**
 * A deal as it is now with its whole stage history and the amount and close-date changes the CRM recorded: what
 * pipeline_changes classifies into new, advanced, slipped, won, lost and amount changes.
 */
export interface DealTimeline {
  id: string;
  name: string;
  type: DealType;
  amount: number;
  stage: Stage;
  closeDate: string;
  /** When the deal was created (date or timestamp). */
  createdAt: string;
  /** Every stage the deal entered, oldest first (the first: its opening stage at creation). */
  stages: { at: string; stage: Stage }[];
  amounts: FieldChange<number>[];
  closeDates: FieldChange<string>[];
}

/** The deals a period touched (see `DealTimeline`) and what this CRM could not supply. */
export interface DealTimelines {
  deals: DealTimeline[];
  caveats: string[];
}

export type AmountBand = "<10k" | "10-30k" | "30-100k" | "100k+";

/**
 * Closed deals (won or lost) of one close month, deal type and amount band that reached one open stage (a stage
 * history row, or the deal's own stage): how many, how many won, and their dollars.
 */
export interface ConversionCell {
  /** Close month, YYYY-MM. */
  month: string;
  type: DealType;
  band: AmountBand;
  stage: string;
  deals: number;
  won: number;
  amount: number;
  wonAmount: number;
}

/** A point in time and the close-date window (a quarter) whose pipeline is rebuilt as it stood then. */
export interface SnapshotPoint {
  /** The pipeline as it stood at the end of this day (stage history up to it). */
  asOf: string;
  from: string;
  to: string;
}

/**
 * Deals with a close date in a point's window, grouped by what they were at the point: `stage` is the stage
 * they were in then (`not_created` when they did not exist yet), `slip` 0 (not past due), 1 (open and 1–30 days
 * past their close date) or 2 (more); `category` is the forecast category of deals open then ('' otherwise).
 * `finalWonAmount`: their dollars won in the end (the close date is the current one: there is no close-date
 * history, so a past point's window is the deals' final close dates).
 */
export interface SnapshotCell {
  point: number;
  type: DealType;
  band: AmountBand;
  stage: string;
  category: string;
  slip: number;
  deals: number;
  amount: number;
  amountSq: number;
  finalWonAmount: number;
}
