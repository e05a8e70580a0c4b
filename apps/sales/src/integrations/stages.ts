import type { Stage } from "@revops/sandbox";

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

/** Vendor stage → suite stage; vendor names match case-insensitively, unknown stages count as prospecting. */
export class StageMap {
  private readonly byVendor: Map<string, Stage>;

  constructor(entries: Readonly<Record<string, Stage>>) {
    this.byVendor = new Map(Object.entries(entries).map(([k, v]) => [k.toLowerCase(), v]));
  }

  toSuite(vendorStage: string | null | undefined): Stage {
    // an unmapped custom stage is still open pipeline: counting it as the earliest stage understates, never inflates
    return this.byVendor.get(String(vendorStage ?? "").toLowerCase()) ?? "prospecting";
  }
}
