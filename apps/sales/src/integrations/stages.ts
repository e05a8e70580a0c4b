import type { Stage } from "@revops/model";

export const SUITE_STAGES: readonly Stage[] = [
  "prospecting",
  "qualification",
  "proposal",
  "negotiation",
  "closed_won",
  "closed_lost",
];

/** Salesforce's standard Opportunity StageName picklist. */
export const SALESFORCE_STAGE_DEFAULTS: Readonly<Record<string, Stage>> = {
  Prospecting: "prospecting",
  Qualification: "qualification",
  "Needs Analysis": "qualification",
  "Value Proposition": "proposal",
  "Id. Decision Makers": "proposal",
  "Perception Analysis": "proposal",
  "Proposal/Price Quote": "proposal",
  "Negotiation/Review": "negotiation",
  "Closed Won": "closed_won",
  "Closed Lost": "closed_lost",
};

/** HubSpot's default sales pipeline stage ids. */
export const HUBSPOT_STAGE_DEFAULTS: Readonly<Record<string, Stage>> = {
  appointmentscheduled: "prospecting",
  qualifiedtobuy: "qualification",
  presentationscheduled: "proposal",
  decisionmakerboughtin: "proposal",
  contractsent: "negotiation",
  closedwon: "closed_won",
  closedlost: "closed_lost",
};

/** Suite stage probabilities (percent) for deals whose vendor gives none, as in the sandbox. */
export const STAGE_PROBABILITY: Readonly<Record<Stage, number>> = {
  prospecting: 10,
  qualification: 25,
  proposal: 50,
  negotiation: 75,
  closed_won: 100,
  closed_lost: 0,
};

/** The vendor value a write of each suite stage prefers, when the org or pipeline still has it. */
export const SALESFORCE_STAGE_WRITE: Readonly<Record<Stage, string>> = {
  prospecting: "Prospecting",
  qualification: "Qualification",
  proposal: "Proposal/Price Quote",
  negotiation: "Negotiation/Review",
  closed_won: "Closed Won",
  closed_lost: "Closed Lost",
};
export const HUBSPOT_STAGE_WRITE: Readonly<Record<Stage, string>> = {
  prospecting: "appointmentscheduled",
  qualification: "qualifiedtobuy",
  proposal: "presentationscheduled",
  negotiation: "contractsent",
  closed_won: "closedwon",
  closed_lost: "closedlost",
};

/** One stage as the vendor defines it: Salesforce OpportunityStage, or a stage of one HubSpot pipeline. */
export interface VendorStage {
  /** The value the deal holds: Salesforce StageName label, HubSpot dealstage id (numeric for custom stages). */
  id: string;
  label: string;
  isClosed: boolean;
  isWon: boolean;
  /** 0–100, when the vendor states it. */
  probability?: number;
}

/** A stage the map does not name, judged by its metadata: closed and won are facts, open ones by probability. */
export function stageFromMetadata(s: VendorStage): Stage {
  if (s.isClosed) return s.isWon ? "closed_won" : "closed_lost";
  const p = s.probability ?? 0;
  if (p >= 70) return "negotiation";
  if (p >= 40) return "proposal";
  if (p >= 20) return "qualification";
  return "prospecting";
}

/**
 * Vendor stage ↔ suite stage. Names and ids match case-insensitively; SALES_STAGE_MAP entries win; a stage the map
 * does not name is judged by the vendor's stage metadata when known (a custom won stage is won, not open).
 */
export class StageMap {
  private readonly byVendor: Map<string, Stage>;

  constructor(
    entries: Readonly<Record<string, Stage>>,
    private readonly preferred: Readonly<Record<Stage, string>> = SALESFORCE_STAGE_WRITE,
  ) {
    this.byVendor = new Map(Object.entries(entries).map(([k, v]) => [k.toLowerCase(), v]));
  }

  toSuite(vendorStage: string | null | undefined, meta?: readonly VendorStage[]): Stage {
    const v = String(vendorStage ?? "");
    const mapped = this.byVendor.get(v.toLowerCase());
    if (mapped) return mapped;
    const known = meta?.find((s) => s.id === v);
    if (known) return this.byVendor.get(known.label.toLowerCase()) ?? stageFromMetadata(known);
    // an unmapped stage without metadata is still open pipeline: the earliest stage understates, never inflates
    return "prospecting";
  }

  /** The vendor stage to write for a suite stage, among the ones the org or pipeline has; undefined when none fits. */
  toVendor(stage: Stage, available: readonly VendorStage[]): VendorStage | undefined {
    const fits = available.filter((s) => this.toSuite(s.id, available) === stage);
    const preferred = this.preferred[stage].toLowerCase();
    return (
      fits.find((s) => s.id.toLowerCase() === preferred || s.label.toLowerCase() === preferred) ?? fits[0]
    );
  }
}
