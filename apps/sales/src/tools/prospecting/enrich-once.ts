import type { CompanyProfile, ProspectingPort, RevealedPerson } from "../../ports-prospecting";

/** How long a bought enrichment is reused, so a preview and its confirmed execution pay once. */
const REUSE_MS = 15 * 60_000;

interface Bought {
  profile?: CompanyProfile;
  people: RevealedPerson[];
  credits: number;
  source: ProspectingPort["source"];
  at: number;
}

const bought = new WeakMap<ProspectingPort, Map<string, Bought>>();
const keyOf = (domain: string, people: number) => `${domain.toLowerCase()}|${people}`;

function fresh(dir: ProspectingPort, domain: string, people: number): Bought | undefined {
  const hit = bought.get(dir)?.get(keyOf(domain, people));
  return hit && performance.now() - hit.at < REUSE_MS ? hit : undefined;
}

/** The directory's enrichment of a domain, bought at most once per 15 minutes per port; `reused` when not bought now. */
export async function enrichOnce(
  dir: ProspectingPort,
  domain: string,
  people: number,
): Promise<Omit<Bought, "at"> & { reused: boolean }> {
  const hit = fresh(dir, domain, people);
  if (hit) return { ...hit, reused: true };
  const got = await dir.enrich(domain, people);
  const entry = { ...got, source: dir.source, at: performance.now() };
  // a no-match is not kept: nothing was bought, and the directory may learn the company later
  if (got.profile) {
    const map = bought.get(dir) ?? new Map<string, Bought>();
    map.set(keyOf(domain, people), entry);
    bought.set(dir, map);
  }
  return { ...got, source: dir.source, reused: false };
}

/** Whether the enrichment is already bought (a write-back plan reuses it). */
enrichOnce.has = (dir: ProspectingPort, domain: string, people: number) => !!fresh(dir, domain, people);
