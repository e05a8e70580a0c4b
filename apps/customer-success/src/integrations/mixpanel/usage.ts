import {
  type ExportedEvent,
  FreshnessTracker,
  MIXPANEL_EXPORT_MAX_EVENTS,
  type MixpanelConnector,
  type WithFreshness,
} from "@revops/connectors";
import { VendorError } from "@revops/resilience";
import { addDays, dayOfUnix } from "../days";
import type { MixpanelGroups } from "./groups";

/** What Mixpanel adds to an account's health signals (the sandbox's AccountSignals usage fields). */
export interface UsageSignals {
  /** Events in the last 30 complete UTC days. */
  usageLast30: number;
  /** Events in the 30 days before that. */
  usagePrev30: number;
  /** Distinct users per day, averaged over the last 30 days (days without events count as 0), rounded. */
  activeUsersLast30: number;
}

export type UsageByAccount = Record<string, UsageSignals>;

/** Window length of each half of the comparison, in days. */
const WINDOW = 30;

/** The account ids an event carries in the configured property (a list property counts for each). */
function accountsOf(e: ExportedEvent, property: string): string[] {
  const v = e.properties[property];
  const values = Array.isArray(v) ? v : [v];
  return values.filter((x) => typeof x === "string" || typeof x === "number").map(String);
}

/** Counts per account: events in each window, distinct users per day in the last one. */
export function summarizeUsage(events: ExportedEvent[], property: string, today: string): UsageByAccount {
  const recentFrom = addDays(today, -WINDOW);
  const acc = new Map<string, { last: number; prev: number; userDays: Set<string> }>();
  for (const e of events) {
    const time = Number(e.properties.time);
    if (!Number.isFinite(time)) continue;
    const day = dayOfUnix(time);
    for (const id of accountsOf(e, property)) {
      const a = acc.get(id) ?? { last: 0, prev: 0, userDays: new Set<string>() };
      acc.set(id, a);
      if (day >= recentFrom) {
        a.last++;
        a.userDays.add(`${day}\n${String(e.properties.distinct_id ?? "")}`);
      } else a.prev++;
    }
  }
  return Object.fromEntries(
    [...acc].map(([id, a]) => [
      id,
      { usageLast30: a.last, usagePrev30: a.prev, activeUsersLast30: Math.round(a.userDays.size / WINDOW) },
    ]),
  );
}

/**
 * Account usage from Mixpanel's raw export: one request for the 60 complete UTC days before today (export
 * is limited to 60 requests an hour), filtered to events that carry the account property; only the
 * per-account summary is cached for stale reads.
 */
export class MixpanelUsage {
  constructor(
    private readonly mp: MixpanelConnector,
    private readonly opts: { accountProperty: string; events?: string[] },
    /** The group profiles of the same connection, when MIXPANEL_DATA_GROUP_ID names a group key. */
    readonly groups?: MixpanelGroups,
  ) {}

  async usageByAccount(today: string): Promise<WithFreshness<{ byAccount: UsageByAccount }>> {
    const t = new FreshnessTracker("Mixpanel");
    const { accountProperty: property, events } = this.opts;
    const summary = t.take(
      await this.mp.summarizeExport(
        {
          from: addDays(today, -2 * WINDOW),
          to: addDays(today, -1),
          where: `defined(properties["${property}"])`,
          limit: MIXPANEL_EXPORT_MAX_EVENTS,
          ...(events ? { event: events } : {}),
        },
        {
          name: `cs-usage:${property}:${today}`,
          summarize: (rows, truncated) => {
            // a capped export undercounts: refuse rather than score accounts on part of their usage
            if (truncated) throw usageExportTooLarge(events !== undefined);
            return summarizeUsage(rows, property, today);
          },
        },
      ),
    );
    return t.mark({ byAccount: summary });
  }
}

/** Not retryable and never masked by the stale cache: the configuration has to change. */
export function usageExportTooLarge(filtered: boolean): VendorError {
  return new VendorError({
    vendor: "mixpanel",
    kind: "invalid",
    retryable: false,
    message:
      `Mixpanel returned its export cap of ${MIXPANEL_EXPORT_MAX_EVENTS.toLocaleString("en-US")} events for the last 60 days, ` +
      `so usage would be undercounted: ${filtered ? "narrow" : "set"} MIXPANEL_USAGE_EVENTS to the few events that mean real product use.`,
  });
}
