import type { HandoffRecord, PendingMql, SalesOwner } from "@revops/model";

export type Routing = "round_robin" | "territory";

/** One lead, the owner it goes to, and whether its territory decided (false: round robin). */
export interface Routed {
  lead: PendingMql;
  owner: SalesOwner;
  byTerritory: boolean;
}

/** Sales region of a country, for leads whose source records a country rather than an account region. */
const REGION_OF_COUNTRY: Record<string, string> = Object.fromEntries(
  Object.entries({
    NA: ["united states", "us", "usa", "canada", "ca"],
    LATAM: ["argentina", "ar", "brazil", "br", "chile", "cl", "mexico", "mx", "colombia", "co", "peru", "pe"],
    APAC: ["australia", "au", "india", "in", "japan", "jp", "new zealand", "nz", "singapore", "sg"],
    EMEA: [
      "united kingdom",
      "uk",
      "gb",
      "france",
      "fr",
      "germany",
      "de",
      "netherlands",
      "nl",
      "spain",
      "es",
      "sweden",
      "se",
      "south africa",
      "za",
      "united arab emirates",
      "ae",
      "ireland",
      "ie",
      "italy",
      "it",
    ],
  }).flatMap(([region, names]) => names.map((n) => [n, region])),
);

/** The country names and codes of a region, as REGION_OF_COUNTRY reads them. */
export const countriesOf = (region: string): string[] =>
  Object.entries(REGION_OF_COUNTRY)
    .filter(([, r]) => r === region)
    .map(([c]) => c);

export const regionOfCountry = (country?: string | null): string | undefined =>
  country ? REGION_OF_COUNTRY[country.trim().toLowerCase()] : undefined;

/** A seller's team covers the lead's region; in a region split by segment, "Enterprise" teams take 1000+ companies. */
export function covers(owner: SalesOwner, lead: PendingMql): boolean {
  const team = owner.team?.trim();
  if (!team || !lead.region) return false;
  if (team === lead.region) return true;
  if (!team.startsWith(`${lead.region} `)) return false;
  return team.includes("Enterprise") === (lead.sizeBand === "1000+");
}

/**
 * Least-loaded round robin: each lead goes to the eligible owner with the fewest leads so far (`load` counts the
 * recent hand-offs, so consecutive calls stay even), ties to the first in `owners`. Territory routing narrows the
 * eligible owners to those covering the lead and falls back to everyone when no one does.
 */
export function routeLeads(
  leads: readonly PendingMql[],
  owners: readonly SalesOwner[],
  routing: Routing,
  load: Map<string, number> = new Map(),
): Routed[] {
  const counts = new Map(owners.map((o) => [o.id, load.get(o.id) ?? 0]));
  return leads.map((lead) => {
    const local = routing === "territory" ? owners.filter((o) => covers(o, lead)) : [];
    const pool = local.length > 0 ? local : owners;
    let owner = pool[0] as SalesOwner;
    for (const o of pool) if ((counts.get(o.id) ?? 0) < (counts.get(owner.id) ?? 0)) owner = o;
    counts.set(owner.id, (counts.get(owner.id) ?? 0) + 1);
    return { lead, owner, byTerritory: local.length > 0 };
  });
}

const HOUR = 3_600_000;
export const hoursBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / HOUR;
const round1 = (x: number) => Math.round(x * 10) / 10;

function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return round1((sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo));
}

/** Speed-to-lead of past hand-offs against the SLA: hours from MQL to owner, median, 90th percentile, share within. */
export function speedToLead(history: readonly HandoffRecord[], slaHours: number) {
  const hours = history.map((h) => hoursBetween(h.mqlAt, h.handedAt)).sort((a, b) => a - b);
  const within = hours.filter((h) => h <= slaHours).length;
  return {
    handed: hours.length,
    within_sla: within,
    share_within_sla: hours.length ? Math.round((within / hours.length) * 1000) / 1000 : null,
    median_hours: quantile(hours, 0.5),
    p90_hours: quantile(hours, 0.9),
  };
}
