import type { DealType, Stage } from "./crm.js";

/** One lead as the system of record has it now, with the fields lead_update can change. */
export interface LeadDetail {
  id: string;
  name: string;
  email: string;
  company: string;
  title: string;
  status: string;
  ownerId: string | null;
  ownerName: string | null;
  /** The CRM's lead score (0–100), null where it keeps none. */
  score: number | null;
  /** hot, warm or cold; null when unrated or where the CRM has no rating. */
  rating: string | null;
  converted: boolean;
  /** What the lead became, when converted and the CRM says. */
  conversion: { accountId: string | null; contactId: string | null; dealId: string | null } | null;
}

/** A lead update: absent fields stay as they are. ownerId is the CRM's own user id. */
export interface LeadChanges {
  status?: string;
  ownerId?: string;
  score?: number;
  rating?: string;
}

/** Where a lead update landed and the lead after it. */
export interface LeadWrite {
  system: string;
  id: string;
  lead: LeadDetail;
  /** True when the lead already held the values (an earlier attempt landed): nothing written again. */
  recovered?: boolean;
}

/** What a lead becomes: an existing account and contact are reused, absent ones created from the lead. */
export interface LeadConversion {
  /** An existing account (matched by domain or name); absent: create `accountName` with `domain`. */
  accountId?: string;
  accountName: string;
  domain: string;
  /** An existing contact with the lead's email; absent: create one from the lead. */
  contactId?: string;
  deal: { name: string; amount: number; closeDate: string; stage: Stage; type: DealType; ownerId: string };
}

/** The three records of a conversion and whether each was created or reused. */
export interface ConversionWrite {
  system: string;
  leadId: string;
  account: { id: string; name: string; created: boolean };
  contact: { id: string; name: string; created: boolean };
  deal: { id: string; name: string };
  /** True when this plan had already converted the lead (an earlier attempt landed): found, not made again. */
  recovered: boolean;
}

/**
 * One lead with what a lead score may learn from: who (title), how it came (source, campaign), what it did
 * (campaign touches by kind) and the CRM's own behavioural score. `converted` is the outcome; the lead's
 * status is not a feature (it records the outcome) and neither is a matching account (conversion links one).
 * A lead's owner is the one lead_update set (sb_leads.owner_id), else a converted lead's deal owner, else none.
 */
export interface LeadFacts {
  id: string;
  name: string;
  company: string;
  email: string;
  title: string;
  source: string;
  campaignId: string | null;
  status: string;
  /** The lead's owner (CRM user id and name), null when unassigned. */
  ownerId: string | null;
  ownerName: string | null;
  /** The CRM's own lead score, 0–100 (marketing automation's), or null where the CRM has none. */
  crmScore: number | null;
  createdAt: string;
  converted: boolean;
  /** Campaign touches of the lead: all, clicks, and registrations or attendances. */
  touches: number;
  clicks: number;
  registrations: number;
  /** Headcount of the lead's company where the CRM records it (HubSpot: the associated company); absent = unknown. */
  employees?: number | null;
}

export type FunnelStage = "mql" | "sql" | "opportunity" | "won";

/** Leads created in one calendar month (`YYYY-MM`, the cohort) from one source, and how far they got. */
export interface FunnelCell {
  month: string;
  source: string;
  leads: number;
  /** Reached MQL or further. */
  mqls: number;
  /** Reached SQL or further. */
  sqls: number;
  /** Became an opportunity (a deal). */
  opportunities: number;
  /** Their opportunity closed won. */
  won: number;
  /** Won amount, each deal counted once per cell. */
  wonRevenue: number;
}

/** The stage dates known for one lead (`YYYY-MM-DD` or timestamps); null = not reached or not recorded. */
export interface FunnelLeadDates {
  month: string;
  source: string;
  createdAt: string;
  mqlAt: string | null;
  sqlAt: string | null;
  opportunityAt: string | null;
  wonAt: string | null;
}

/** Lead funnel by cohort month and source; `dated` holds only leads with a stage date after creation. */
export interface LeadFunnel {
  cells: FunnelCell[];
  dated: FunnelLeadDates[];
  /** Stages whose date the source records; the others have no time-between-stages. */
  datedStages: FunnelStage[];
  /** What the source cannot provide or measures differently, for the caveats. */
  notes: string[];
}

/** A lead at MQL that no sales owner has yet, with its account's territory when its company is an account. */
export interface PendingMql {
  id: string;
  name: string;
  email: string;
  company: string;
  source: string;
  score: number;
  /** When it became an MQL (the sandbox keeps no stage dates: its creation). */
  mqlAt: string;
  /** The matching account's region (NA, EMEA, APAC, LATAM) and size band; undefined when none matches. */
  region?: string;
  sizeBand?: string;
}

/** A seller who can take leads; `team` names the territory ("EMEA", "NA Enterprise"). */
export interface SalesOwner {
  id: string;
  name: string;
  email: string;
  team?: string;
}

/** One past hand-off: when the lead became an MQL and when its sales owner was set. */
export interface HandoffRecord {
  leadId: string;
  ownerId: string;
  mqlAt: string;
  handedAt: string;
}

export interface LeadAssignment {
  leadId: string;
  ownerId: string;
}

/** What a hand-off write did: leads given an owner, and leads it left (handed meanwhile or no longer MQL). */
export interface HandoffResult {
  handed: string[];
  ignored: string[];
}

/** Unowned MQLs: the oldest `limit`, how many there are, and how many became MQL before `mqlBefore`. */
export interface PendingMqls {
  rows: PendingMql[];
  total: number;
  before: number;
}
