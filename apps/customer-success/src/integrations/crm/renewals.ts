import { ToolError } from "@revops/kit";

/** One renewal as a CRM records it: a renewal opportunity (Salesforce) or existing-business deal (HubSpot). */
export interface CrmRenewal {
  termId: string;
  accountId: string;
  accountName: string;
  ownerName: string;
  /** The renewal's amount: the term's ARR. */
  arr: number;
  renewalDate: string;
  /** Won = renewed, lost = cancelled (the label); open = a renewal ahead. */
  status: "renewed" | "cancelled" | "active";
  /** The account's creation date in the CRM (tenure). */
  accountCreated: string;
}

/** A CRM's renewal deals, closed and open, and the customer-success activity it logs on accounts. */
export interface CrmRenewalSource {
  readonly system: "salesforce" | "hubspot";
  renewals(): Promise<CrmRenewal[]>;
  /** Days of activities logged on an account and not on a deal (CS work), since `from`; undefined if not read. */
  accountActivities?(from: string): Promise<Map<string, string[]>>;
}

/** The CRM holds more than one read may take: refuse rather than train on part of the history. */
export const truncated = (what: string) =>
  new ToolError("upstream", `The CRM returned more than the churn model reads (${what}).`, {
    hint: "Archive old renewal deals or ask for a larger read limit; churn_risk does not train on a partial history.",
  });
