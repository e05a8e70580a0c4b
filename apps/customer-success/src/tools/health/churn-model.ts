import { fromVendor } from "@revops/safety/vendor-errors";
import { type ChurnModel, trainChurnModel } from "../../domain/churn";
import type { ChurnHistory, SupportPort } from "../../ports";

/** Trained models per port (one per dataset and process) and dataset day: renewal history is read once. */
const models = new WeakMap<
  SupportPort,
  Map<string, Promise<{ model: ChurnModel | null; history: ChurnHistory }>>
>();

/** The churn model `churn_risk` serves, shared by every tool that shows a churn probability. */
export function modelFor(support: SupportPort, today: string) {
  let byDay = models.get(support);
  if (!byDay) {
    byDay = new Map();
    models.set(support, byDay);
  }
  let m = byDay.get(today);
  if (!m) {
    m = fromVendor(() => support.renewalHistory()).then((history) => ({
      model: trainChurnModel(history),
      history,
    }));
    // a failed read is not cached: the next call tries again
    m.catch(() => byDay?.delete(today));
    byDay.set(today, m);
  }
  return m;
}
