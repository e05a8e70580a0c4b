import { userError } from "@revops/kit";
import type { SalesPorts } from "../../ports";
import type { ProspectingPort } from "../../ports-prospecting";

/** The directory, or an error saying how to get one. */
export function prospectingOf(ports: SalesPorts): ProspectingPort {
  if (ports.prospecting) return ports.prospecting;
  throw userError(`No prospect directory for the ${ports.source} CRM.`, {
    hint: "Set SALES_ENRICHMENT=apollo and APOLLO_API_KEY (or use the sandbox CRM, which has its own directory).",
  });
}

/** Credits one call may spend without a human confirming (APOLLO_CREDIT_CONFIRM_ABOVE, default 5). */
export const confirmAbove = (ports: SalesPorts) => ports.creditConfirmAbove ?? 5;
