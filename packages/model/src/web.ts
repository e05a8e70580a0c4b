/** A campaign as attribution needs it: spend to score, start date to judge maturity. */
export interface AttributionCampaign {
  id: string;
  name: string;
  channel: string;
  startDate: string;
  spend: number;
}

/** One campaign touch on a deal's path; `at` is null where the source does not record when it happened. */
export interface PathTouch {
  campaignId: string;
  type: string;
  at: string | null;
}

/** A deal converted from a lead, with the campaign touches of that lead up to the deal's creation, oldest first. */
export interface DealPath {
  dealId: string;
  amount: number;
  stage: string;
  won: boolean;
  lost: boolean;
  /** Opportunity creation (YYYY-MM-DD). */
  createdDate: string;
  closeDate: string;
  /** When the lead that converted was created; null when unknown. */
  leadCreatedAt: string | null;
  /** The campaign that sourced that lead (lead.campaign_id); null when none did. */
  sourceCampaignId: string | null;
  touches: PathTouch[];
}

/** Everything attribution reads: every campaign and every converted deal's touch path. */
export interface TouchPaths {
  campaigns: AttributionCampaign[];
  deals: DealPath[];
  /** What the source could not provide (vendor adapters), for the tools' caveats. */
  notes?: string[];
}

/** How web traffic is broken down: per day, per session source / medium, or per landing page. */
export type TrafficDimension = "day" | "source_medium" | "landing_page";

export interface TrafficMetrics {
  sessions: number;
  engagedSessions: number;
  /** Key events (GA4's conversions): form submissions. */
  conversions: number;
  /** Users per row; a total over rows counts a returning user once per row. */
  users: number;
}

export interface TrafficRow extends TrafficMetrics {
  /** `YYYY-MM-DD`, `source / medium` or the landing page path. */
  key: string;
}

export interface TrafficReport {
  /** Days ascending; other breakdowns by sessions, most first. */
  rows: TrafficRow[];
  totals: TrafficMetrics;
  /** The newest day with data in the range, if any. */
  through?: string;
  /** What the source cannot say, for the caveats. */
  notes: string[];
}

/** Web analytics: the sandbox's traffic tables, or Google Analytics 4. */
export interface WebAnalyticsPort {
  readonly source: string;
  /** Traffic in [from, to] (whole days, inclusive) broken down by one dimension. */
  traffic(q: { from: string; to: string; by: TrafficDimension }): Promise<TrafficReport>;
}

export interface FormStats {
  id: string;
  name: string;
  /** Views of the form's page in the range; null where the source does not know them. */
  views: number | null;
  submissions: number;
}

/** Marketing forms and their submissions: the sandbox's tables, or HubSpot's Forms API. */
export interface FormsPort {
  readonly source: string;
  /** Every form with its submissions (and views where known) in [from, to], whole days inclusive. */
  forms(q: { from: string; to: string }): Promise<{ forms: FormStats[]; notes: string[] }>;
}
