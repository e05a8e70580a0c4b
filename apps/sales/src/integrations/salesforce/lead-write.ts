import { type SalesforceConnector, soqlString } from "@revops/connectors";
import type { LeadChanges, LeadDetail, LeadWrite } from "@revops/model";
import { writeOnce } from "@revops/resilience";

const LEAD_FIELDS =
  "Id, Name, Email, Company, Title, Status, OwnerId, Rating, IsConverted, ConvertedAccountId, ConvertedContactId, ConvertedOpportunityId";
const SF_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;
const RATINGS: Record<string, string> = { hot: "Hot", warm: "Warm", cold: "Cold" };
const s = (v: unknown) => (v === null || v === undefined ? "" : String(v));
const orNull = (v: unknown) => (v === null || v === undefined || v === "" ? null : String(v));

/** Leads read and updated through jsforce; Status is matched case-insensitively to the org's LeadStatus picklist. */
export class SalesforceLeads {
  constructor(
    private readonly sf: SalesforceConnector,
    private readonly ownerName: (id: string) => Promise<string | null>,
  ) {}

  /** The lead read fresh (never the stale cache: a plan's "before" comes from here). */
  async get(id: string): Promise<LeadDetail | undefined> {
    if (!SF_ID.test(id)) return undefined;
    const soql = `SELECT ${LEAD_FIELDS} FROM Lead WHERE Id = ${soqlString(id)}`;
    const [r] = (await this.sf.sdk.runtime.named("leads.lookup", true, () => this.sf.query(soql))).records;
    if (!r) return undefined;
    const converted = r.IsConverted === true;
    const ownerId = orNull(r.OwnerId);
    return {
      id: r.Id,
      name: s(r.Name),
      email: s(r.Email),
      company: s(r.Company),
      title: s(r.Title),
      status: s(r.Status).toLowerCase(),
      ownerId,
      ownerName: ownerId ? await this.ownerName(ownerId) : null,
      score: null,
      rating: orNull(r.Rating)?.toLowerCase() ?? null,
      converted,
      conversion: converted
        ? {
            accountId: orNull(r.ConvertedAccountId),
            contactId: orNull(r.ConvertedContactId),
            dealId: orNull(r.ConvertedOpportunityId),
          }
        : null,
    };
  }

  /** The org's open (not converted) lead statuses, by lower-cased label. */
  private async openStatuses(): Promise<Map<string, string>> {
    const soql = "SELECT MasterLabel, IsConverted FROM LeadStatus ORDER BY SortOrder";
    const rows = (await this.sf.sdk.runtime.named("leadstatus.list", true, () => this.sf.query(soql)))
      .records;
    return new Map(
      rows
        .filter((r) => r.IsConverted !== true)
        .map((r) => [s(r.MasterLabel).toLowerCase(), s(r.MasterLabel)]),
    );
  }

  /** PATCHes Status (the org's label), OwnerId and Rating once, read back after an ambiguous failure. */
  async update(id: string, c: LeadChanges, expected: LeadChanges = {}): Promise<LeadWrite | undefined> {
    if (c.score !== undefined) throw new RangeError("score: Salesforce leads have no standard score field.");
    const fields: Record<string, unknown> = {};
    if (c.status !== undefined) {
      const statuses = await this.openStatuses();
      const label = statuses.get(c.status.toLowerCase());
      if (!label)
        throw new RangeError(
          `status: one of ${[...statuses.keys()].join(", ")} (converting is lead_convert's job).`,
        );
      fields.Status = label;
    }
    if (c.rating !== undefined) {
      const rating = RATINGS[c.rating];
      if (!rating) throw new RangeError(`rating: one of ${Object.keys(RATINGS).join(", ")}.`);
      fields.Rating = rating;
    }
    if (c.ownerId !== undefined) {
      if (!SF_ID.test(c.ownerId)) throw new RangeError(`owner: ${c.ownerId} is not a Salesforce user id.`);
      fields.OwnerId = c.ownerId;
    }
    const cur = await this.get(id);
    if (!cur) return undefined;
    if (cur.converted) throw new RangeError(`lead_id: lead ${id} is converted; change its contact or deal.`);
    const keys = ["status", "ownerId", "rating"] as const;
    const holds = (l: LeadDetail) =>
      keys.every((k) => c[k] === undefined || c[k]?.toLowerCase() === l[k]?.toLowerCase());
    if (holds(cur)) return { system: "salesforce", id, lead: cur, recovered: true };
    // Salesforce has no compare-and-set on a PATCH: the plan's "before" is checked on a fresh read just before it
    const stale = keys.filter((k) => expected[k] !== undefined && expected[k] !== cur[k]);
    if (stale.length)
      throw new RangeError(
        `conflict: lead ${id} changed meanwhile (${stale.map((k) => `${k} is now ${JSON.stringify(cur[k])}`).join("; ")}).`,
      );
    const { runtime, withSession } = this.sf.sdk;
    const { recovered } = await writeOnce({
      write: async () => {
        try {
          await runtime.named("leads.update", false, () =>
            withSession((conn) => conn.sobject("Lead").update({ Id: id, ...fields })),
          );
        } catch (err) {
          const text = `${(err as { cause?: { body?: string } }).cause?.body ?? ""} ${(err as Error).message}`;
          if (/INVALID_CROSS_REFERENCE_KEY/.test(text))
            throw new RangeError(`owner: Salesforce refused the owner ${c.ownerId}.`);
          throw err;
        }
        return true;
      },
      lookup: async () => {
        const now = await this.get(id);
        return now && holds(now) ? true : undefined;
      },
    });
    return { system: "salesforce", id, lead: (await this.get(id)) ?? cur, recovered };
  }
}
