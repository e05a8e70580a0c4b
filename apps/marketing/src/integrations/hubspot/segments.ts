import type { ContactFilter, HubSpotMarketingConnector } from "@revops/connectors";
import { userError } from "@revops/kit";
import type { SegmentPreview, SegmentRules } from "@revops/model";
import { countriesOf, regionOfCountry } from "../../domain/lead-routing";
import type { ContactList, ListContact } from "../../ports";

const BANDS: Record<string, [number, number]> = {
  "1-50": [1, 50],
  "51-200": [51, 200],
  "201-1000": [201, 1000],
  "1000+": [1001, 10_000_000],
};
const LIFECYCLE: Record<string, string[]> = {
  customer: ["customer", "evangelist"],
  prospect: ["lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity"],
  churned: ["other"],
};
const PROPS = ["email", "firstname", "lastname", "hs_email_optout", "country"];
const MAX_RESULTS = 10_000;

export const HUBSPOT_SEGMENT_NOTE =
  "HubSpot: rules read the contact's own properties (industry, numberofemployees as one range over the bands, country for region, lifecyclestage: churned = other); engagement = last email open; campaign = HubSpot's influenced contacts.";

/** The rules as one HubSpot search (all filters ANDed); what contacts do not hold is refused, naming the field. */
function filtersOf(r: SegmentRules): ContactFilter[] {
  if (r.minArr !== undefined)
    throw userError("HubSpot contacts carry no ARR with us: min_arr works on the sandbox only.", {
      fields: ["min_arr"],
      hint: "Leave min_arr out, or narrow by employee_band or industry.",
    });
  const f: ContactFilter[] = [];
  if (r.industry?.length) f.push({ property: "industry", operator: "IN", values: r.industry });
  if (r.employeeBand?.length) {
    const ranges = r.employeeBand.map((b) => BANDS[b] as [number, number]);
    f.push({
      property: "numberofemployees",
      operator: "GTE",
      value: String(Math.min(...ranges.map((x) => x[0]))),
    });
    f.push({
      property: "numberofemployees",
      operator: "LTE",
      value: String(Math.max(...ranges.map((x) => x[1]))),
    });
  }
  if (r.region?.length)
    f.push({ property: "country", operator: "IN", values: r.region.flatMap(countriesOf) });
  if (r.lifecycle?.length)
    f.push({
      property: "lifecyclestage",
      operator: "IN",
      values: r.lifecycle.flatMap((l) => LIFECYCLE[l] ?? []),
    });
  if (r.engagedSince) f.push({ property: "hs_email_last_open_date", operator: "GTE", value: r.engagedSince });
  return f;
}

const toContact = (o: {
  id: string;
  properties: Record<string, string | null>;
}): ListContact & { region: string } => {
  const p = o.properties;
  const email = String(p.email ?? "");
  return {
    id: o.id,
    name: [p.firstname, p.lastname].filter(Boolean).join(" ") || email || o.id,
    email,
    unsubscribed: String(p.hs_email_optout) === "true",
    region: regionOfCountry(p.country) ?? "unknown",
  };
};

/** Segments over HubSpot contact search, saved as MANUAL lists; every read fresh. */
export class HubSpotSegments {
  constructor(private readonly hs: HubSpotMarketingConnector) {}

  async segmentPreview(rules: SegmentRules, opts: { sample: number; cap: number }): Promise<SegmentPreview> {
    const filters = filtersOf(rules);
    const touched = rules.campaignId ? await this.campaignContacts(rules.campaignId) : undefined;
    const all: (ListContact & { region: string })[] = [];
    let after: string | undefined;
    do {
      const page = await this.hs.searchContactsFresh({
        filters,
        properties: PROPS,
        sort: "hs_object_id",
        ...(after ? { after } : {}),
      });
      for (const o of page.results) if (!touched || touched.has(o.id)) all.push(toContact(o));
      after = page.nextCursor;
    } while (after && all.length < MAX_RESULTS);
    all.sort((a, b) => Number(a.id) - Number(b.id));
    const byRegion = new Map<string, number>();
    for (const c of all) byRegion.set(c.region, (byRegion.get(c.region) ?? 0) + 1);
    const subscribed = all.filter((c) => !c.unsubscribed);
    return {
      total: all.length,
      subscribed: subscribed.length,
      byRegion: [...byRegion]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([region, contacts]) => ({ region, contacts })),
      sample: all.slice(0, opts.sample).map(({ region: _r, ...c }) => c),
      memberIds: subscribed.slice(0, opts.cap).map((c) => c.id),
    };
  }

  /** HubSpot refuses a second list of one name, so the name is looked up first: a retry finds the first. */
  async createStaticList(name: string): Promise<{ list: ContactList; created: boolean }> {
    const found = await this.hs.lists.listByName(name);
    const l = found ?? (await this.hs.lists.createList(name));
    return {
      list: {
        id: l.listId,
        name: l.name,
        kind: l.processingType === "DYNAMIC" ? "dynamic" : "static",
        size: l.size,
      },
      created: !found,
    };
  }

  private async campaignContacts(id: string): Promise<Set<string>> {
    const out = new Set<string>();
    let after: string | undefined;
    do {
      const { value: page } = await this.hs.campaignContacts(id, "influencedContacts", {
        ...(after ? { after } : {}),
      });
      for (const c of page.results) out.add(c);
      after = page.nextCursor;
    } while (after && out.size < MAX_RESULTS);
    return out;
  }
}
