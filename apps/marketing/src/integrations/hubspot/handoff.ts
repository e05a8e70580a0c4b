import type { ContactFilter, HubSpotMarketingConnector } from "@revops/connectors";
import { regionOfCountry } from "../../domain/lead-routing";
import type {
  HandoffRecord,
  HandoffResult,
  LeadAssignment,
  MarketingPort,
  PendingMql,
  PendingMqls,
  SalesOwner,
} from "../../ports";
import { leadSource } from "./mapping";

const MQL = "marketingqualifiedlead";
const MQL_DATE = "hs_lifecyclestage_marketingqualifiedlead_date";
const ASSIGNED = "hubspot_owner_assigneddate";
const OWNER = "hubspot_owner_id";
const LEAD_PROPS = [
  "email",
  "firstname",
  "lastname",
  "company",
  "hs_analytics_source",
  "hubspotscore",
  "country",
  "numberofemployees",
  "createdate",
  MQL_DATE,
];
/** HubSpot's ceiling on one search's results. */
const MAX_RESULTS = 10_000;
const BATCH = 100;

export const HUBSPOT_HANDOFF_NOTE =
  "HubSpot: territory comes from the contact's country and number of employees; speed-to-lead is hubspot_owner_assigneddate minus the MQL date, for owners assigned in the window.";

const UNOWNED_MQL: ContactFilter[] = [
  { property: "lifecyclestage", operator: "EQ", value: MQL },
  { property: OWNER, operator: "NOT_HAS_PROPERTY" },
];

function chunks<T>(items: readonly T[], size = BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function toLead(o: { id: string; properties: Record<string, string | null> }): PendingMql {
  const p = o.properties;
  const region = regionOfCountry(p.country);
  const employees = Number(p.numberofemployees ?? "");
  return {
    id: o.id,
    name: [p.firstname, p.lastname].filter(Boolean).join(" ") || String(p.email ?? o.id),
    email: String(p.email ?? ""),
    company: String(p.company ?? ""),
    source: leadSource(p.hs_analytics_source),
    score: Number(p.hubspotscore ?? 0) || 0,
    mqlAt: String(p[MQL_DATE] ?? p.createdate ?? ""),
    ...(region && {
      region,
      ...(Number.isFinite(employees) &&
        p.numberofemployees && {
          sizeBand:
            employees >= 1000 ? "1000+" : employees > 200 ? "201-1000" : employees > 50 ? "51-200" : "1-50",
        }),
    }),
  };
}

/** The MQL hand-off over HubSpot contacts and owners: every read fresh, owner and lead status set in batches. */
export class HubSpotHandoff
  implements Pick<MarketingPort, "pendingMqls" | "salesOwners" | "handoffHistory" | "handOffLeads">
{
  constructor(private readonly hs: HubSpotMarketingConnector) {}

  async pendingMqls(q: { limit: number; mqlBefore: string }): Promise<PendingMqls> {
    const rows: PendingMql[] = [];
    let after: string | undefined;
    let total = 0;
    do {
      const page = await this.hs.searchContactsFresh({
        filters: UNOWNED_MQL,
        properties: LEAD_PROPS,
        sort: MQL_DATE,
        limit: Math.min(200, q.limit - rows.length),
        ...(after ? { after } : {}),
      });
      total = page.total;
      rows.push(...page.results.map(toLead));
      after = page.nextCursor;
    } while (after && rows.length < q.limit);
    const before = await this.hs.searchContactsFresh({
      filters: [...UNOWNED_MQL, { property: MQL_DATE, operator: "LT", value: q.mqlBefore }],
      properties: [MQL_DATE],
      sort: MQL_DATE,
      limit: 1,
    });
    return { rows, total, before: before.total };
  }

  async salesOwners(): Promise<SalesOwner[]> {
    const owners = await this.hs.owners();
    return owners.map((o) => {
      const team = (o.teams.find((t) => t.primary) ?? o.teams[0])?.name;
      return {
        id: o.id,
        name: [o.firstName, o.lastName].filter(Boolean).join(" ") || o.email,
        email: o.email,
        ...(team ? { team } : {}),
      };
    });
  }

  /** Contacts whose owner was assigned since `since` after they became MQL (an owner set before the MQL is no hand-off). */
  async handoffHistory(since: string): Promise<HandoffRecord[]> {
    const out: HandoffRecord[] = [];
    let after: string | undefined;
    let read = 0;
    do {
      const page = await this.hs.searchContactsFresh({
        filters: [
          { property: ASSIGNED, operator: "GTE", value: since },
          { property: MQL_DATE, operator: "HAS_PROPERTY" },
        ],
        properties: [OWNER, ASSIGNED, MQL_DATE],
        sort: ASSIGNED,
        ...(after ? { after } : {}),
      });
      read += page.results.length;
      for (const o of page.results) {
        const p = o.properties;
        const [owner, mqlAt, handedAt] = [p[OWNER], p[MQL_DATE], p[ASSIGNED]];
        if (owner && mqlAt && handedAt && Date.parse(handedAt) >= Date.parse(mqlAt))
          out.push({ leadId: o.id, ownerId: owner, mqlAt, handedAt });
      }
      after = page.nextCursor;
    } while (after && read < MAX_RESULTS);
    return out;
  }

  /**
   * Reads the leads fresh first: one still an unowned MQL gets its owner; one that already has the owner asked (an
   * earlier attempt landed) counts as handed; one owned by someone else or no longer MQL is left alone.
   */
  async handOffLeads(assignments: LeadAssignment[]): Promise<HandoffResult> {
    const wanted = new Map(assignments.map((a) => [a.leadId, a.ownerId]));
    const result: HandoffResult = { handed: [], ignored: [] };
    for (const part of chunks([...wanted.keys()])) {
      const found = new Map(
        (await this.hs.lists.contactsById(part, ["lifecyclestage", OWNER])).map((o) => [o.id, o.properties]),
      );
      const write: { id: string; properties: Record<string, string> }[] = [];
      for (const id of part) {
        const p = found.get(id);
        const owner = wanted.get(id) as string;
        if (p?.[OWNER] === owner) result.handed.push(id);
        else if (!p || p[OWNER] || p.lifecyclestage !== MQL) result.ignored.push(id);
        else write.push({ id, properties: { [OWNER]: owner, hs_lead_status: "NEW" } });
      }
      await this.hs.updateContacts(write);
      result.handed.push(...write.map((w) => w.id));
    }
    return result;
  }
}
