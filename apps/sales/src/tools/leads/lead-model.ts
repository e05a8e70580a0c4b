import type { LeadFacts } from "@revops/model";
import { fromVendor } from "@revops/safety/vendor-errors";
import { type LeadModel, trainLeadModel } from "@revops/sandbox/lead-model";
import type { CrmPort } from "../../ports";

/** Trained models per port (one per dataset and process) and day: the lead history is read and fitted once. */
const models = new WeakMap<CrmPort, Map<string, Promise<{ model: LeadModel | null; leads: LeadFacts[] }>>>();

/** The lead model lead_score serves, with the leads it was trained on (and scores). */
export function leadModelFor(crm: CrmPort, today: string) {
  let byDay = models.get(crm);
  if (!byDay) {
    byDay = new Map();
    models.set(crm, byDay);
  }
  let m = byDay.get(today);
  if (!m) {
    m = fromVendor(() => crm.leadFacts()).then((leads) => ({ model: trainLeadModel(leads, today), leads }));
    // a failed read is not cached: the next call tries again
    m.catch(() => byDay?.delete(today));
    byDay.set(today, m);
  }
  return m;
}
