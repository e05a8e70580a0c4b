import type { HubSpotConnector } from "@revops/connectors";
import type { FreshnessTracker } from "@revops/connectors/freshness";
import { isVendorError } from "@revops/resilience";
import type { CrmQuotaPeriod, CrmQuotas } from "../../ports";

export const GOAL_PROPS = [
  "hs_goal_name",
  "hs_target_amount",
  "hs_start_datetime",
  "hs_end_datetime",
  "hs_assignee_user_id",
  "hs_assignee_team_id",
];
/** Goals that measure revenue (HubSpot's revenue and deals-won templates); calls or meetings goals are not quotas. */
const REVENUE_GOAL = /revenue|quota|won|bookings/i;
const PAGE = 100;
const str = (v: unknown) => (v === null || v === undefined ? "" : String(v));

/** A goal's last day: an end at midnight UTC is exclusive (the next slice's start), any other end is that day. */
export function goalEndDay(end: string): string {
  if (!/T00:00:00(?:\.000)?Z$/.test(end)) return end.slice(0, 10);
  return new Date(Date.parse(end) - 86_400_000).toISOString().slice(0, 10);
}

const names = (list: string[]) => [...new Set(list)].slice(0, 3).join(", ");

/**
 * Revenue goal targets (goal_targets, read-only through the SDK's generic objects API) overlapping [from, to], each
 * assigned to a user mapped to its owner id (goals name users; deals name owners). Team goals, goals of users who
 * own nothing and non-revenue goals are left out and named in a caveat. A token without crm.objects.goals.read
 * (403 MISSING_SCOPES) makes them unavailable, not an error.
 */
export async function hubspotQuotaPeriods(
  hs: HubSpotConnector,
  t: FreshnessTracker,
  from: string,
  to: string,
): Promise<CrmQuotas> {
  const { runtime, apis } = hs.sdk;
  const goals: { id: string; properties: Record<string, string | null> }[] = [];
  let after: string | undefined;
  try {
    do {
      const page = t.take(
        await runtime.read(`sales:goal_targets:${after ?? ""}`, async () => {
          const { value } = await runtime.attempt("goal_targets.list", () =>
            apis.objects.basicApi.getPage("goal_targets", PAGE, after, GOAL_PROPS),
          );
          return {
            results: value.results.map((r) => ({ id: r.id, properties: { ...r.properties } })),
            next: value.paging?.next?.after,
          };
        }),
      );
      goals.push(...page.results);
      after = page.next;
    } while (after);
  } catch (err) {
    if (isVendorError(err) && (err.status === 403 || err.kind === "auth"))
      return {
        periods: [],
        unavailable: "HubSpot refused goals: the token lacks the crm.objects.goals.read scope.",
        caveats: [],
      };
    throw err;
  }
  const owners = await hs.listOwners();
  const ownerOfUser = new Map(owners.filter((o) => o.userId).map((o) => [o.userId as string, o.id]));
  const skipped = { other: [] as string[], team: [] as string[], noOwner: [] as string[] };
  const periods: CrmQuotaPeriod[] = [];
  for (const g of goals) {
    const p = g.properties;
    const name = str(p.hs_goal_name);
    const start = str(p.hs_start_datetime).slice(0, 10);
    const end = p.hs_end_datetime ? goalEndDay(str(p.hs_end_datetime)) : "";
    const amount = Number(p.hs_target_amount);
    if (!start || !end || end < from || start > to || !Number.isFinite(amount)) continue;
    if (!REVENUE_GOAL.test(name)) skipped.other.push(name);
    else if (!p.hs_assignee_user_id) skipped.team.push(name);
    else {
      const ownerId = ownerOfUser.get(str(p.hs_assignee_user_id));
      if (ownerId) periods.push({ ownerId, start, end, amount });
      else skipped.noOwner.push(str(p.hs_assignee_user_id));
    }
  }
  const caveats: string[] = [];
  if (skipped.other.length)
    caveats.push(`HubSpot goals that are not revenue goals are left out (${names(skipped.other)}).`);
  if (skipped.team.length)
    caveats.push(`HubSpot team goals are not split across reps (${names(skipped.team)}).`);
  if (skipped.noOwner.length)
    caveats.push(`HubSpot goals of users who are not owners are left out (user ${names(skipped.noOwner)}).`);
  return periods.length
    ? { periods, caveats }
    : { periods: [], unavailable: `HubSpot has no revenue goals for reps in ${from}..${to}.`, caveats };
}
