import type { HubSpotConnector } from "@revops/connectors";
import { type CrmRenewal, type CrmRenewalSource, truncated } from "./renewals";

/** HubSpot's search pages at most 200 rows. */
const SEARCH_PAGE = 200;
const SEARCH_CAP = 10_000;
const DEAL_PROPS = ["amount", "closedate", "hs_is_closed", "hs_is_closed_won", "hubspot_owner_id"];
/** The engagement objects a CSM logs customer work in. */
const ENGAGEMENTS = ["calls", "emails", "meetings", "notes"] as const;
const RENEWAL_FILTER = { propertyName: "dealtype", operator: "EQ", value: "existingbusiness" } as const;

type Props = Record<string, string | null | undefined>;
const text = (v: unknown) => (v === null || v === undefined ? "" : String(v));

/**
 * Deals of type "existingbusiness" (closed won = renewed, closed lost = cancelled, open = ahead) with their
 * company, and the engagements logged on companies.
 */
export class HubSpotRenewals implements CrmRenewalSource {
  readonly system = "hubspot";
  constructor(private readonly hs: HubSpotConnector) {}

  private async deals(): Promise<{ id: string; properties: Props }[]> {
    const { runtime, apis } = this.hs.sdk;
    const out: { id: string; properties: Props }[] = [];
    let after: string | undefined;
    do {
      const { value } = await runtime.read(`cs:renewals.search:${after ?? ""}`, async () => {
        const { value: page } = await runtime.attempt("deals.search", () =>
          apis.deals.searchApi.doSearch({
            filterGroups: [{ filters: [RENEWAL_FILTER as never] }],
            sorts: ["closedate"],
            properties: DEAL_PROPS,
            limit: SEARCH_PAGE,
            ...(after ? { after } : {}),
          }),
        );
        return {
          results: page.results.map((d) => ({ id: d.id, properties: { ...d.properties } as Props })),
          after: page.paging?.next?.after,
          total: page.total,
        };
      });
      // HubSpot's search stops paging at 10,000 results
      if (value.total > SEARCH_CAP) throw truncated(`${value.total} existingbusiness deals`);
      out.push(...value.results);
      after = value.after;
    } while (after);
    return out;
  }

  /** Each record's associated ids of another type (batch associations, 1,000 ids a call). */
  private async associated(from: string, to: string, ids: string[]): Promise<Map<string, string[]>> {
    const { runtime, apis } = this.hs.sdk;
    const out = new Map<string, string[]>();
    for (let i = 0; i < ids.length; i += 1000) {
      const part = ids.slice(i, i + 1000);
      const { value } = await runtime.read(`cs:assoc:${from}:${to}:${part.join(",")}`, async () => {
        const { value: page } = await runtime.attempt("associations.batchRead", () =>
          apis.associations.batchApi.getPage(from, to, { inputs: part.map((id) => ({ id })) }),
        );
        return page.results.map((r) => [String(r._from.id), r.to.map((t) => String(t.toObjectId))] as const);
      });
      for (const [id, linked] of value) out.set(id, linked);
    }
    return out;
  }

  /** The day (hs_timestamp) of each engagement of a type (batch read, 100 ids a call). */
  private async engagementDays(type: string, ids: string[]): Promise<Map<string, string>> {
    const { runtime, apis } = this.hs.sdk;
    const out = new Map<string, string>();
    for (let i = 0; i < ids.length; i += 100) {
      const part = ids.slice(i, i + 100);
      const { value } = await runtime.read(`cs:${type}.batch:${part.join(",")}`, async () => {
        const { value: page } = await runtime.attempt(`${type}.batchRead`, () =>
          apis.objects.batchApi.read(type, {
            inputs: part.map((id) => ({ id })),
            properties: ["hs_timestamp"],
            propertiesWithHistory: [],
          }),
        );
        return page.results.map((r) => [r.id, text(r.properties.hs_timestamp).slice(0, 10)] as const);
      });
      for (const [id, day] of value) if (day) out.set(id, day);
    }
    return out;
  }

  /** Calls, emails, meetings and notes on a company and on no deal (CS work, not selling), since `from`. */
  async accountActivities(from: string): Promise<Map<string, string[]>> {
    const companies = [...(await this.companies()).keys()];
    const out = new Map<string, string[]>();
    for (const type of ENGAGEMENTS) {
      const byCompany = await this.associated("companies", type, companies);
      const ids = [...new Set([...byCompany.values()].flat())];
      const onDeal = await this.associated(type, "deals", ids);
      const days = await this.engagementDays(
        type,
        ids.filter((id) => !onDeal.get(id)?.length),
      );
      for (const [company, linked] of byCompany) {
        const kept = linked.flatMap((id) => {
          const day = days.get(id);
          return day && day >= from ? [day] : [];
        });
        if (kept.length) out.set(company, [...(out.get(company) ?? []), ...kept]);
      }
    }
    return out;
  }

  /** Every company's name and creation date, 100 a page (the objects API, which does not lag like search). */
  private async companies(): Promise<Map<string, Props>> {
    const { runtime, apis } = this.hs.sdk;
    const out = new Map<string, Props>();
    let after: string | undefined;
    do {
      const { value } = await runtime.read(`cs:companies.page:${after ?? ""}`, async () => {
        const { value: page } = await runtime.attempt("companies.list", () =>
          apis.companies.basicApi.getPage(100, after, ["name", "createdate"]),
        );
        return {
          results: page.results.map((c) => [c.id, { ...c.properties } as Props] as const),
          after: page.paging?.next?.after,
        };
      });
      for (const [id, props] of value.results) out.set(id, props);
      after = value.after;
    } while (after);
    return out;
  }

  async renewals(): Promise<CrmRenewal[]> {
    const [deals, companies, owners] = await Promise.all([
      this.deals(),
      this.companies(),
      this.hs.listOwners(),
    ]);
    const companyOf = await this.associated(
      "deals",
      "companies",
      deals.map((d) => d.id),
    );
    const ownerName = new Map(owners.map((o) => [o.id, `${o.firstName} ${o.lastName}`.trim()]));
    return deals.flatMap((d) => {
      const companyId = companyOf.get(d.id)?.[0];
      const p = d.properties;
      if (!companyId || !p.closedate) return [];
      const c = companies.get(companyId);
      const closed = p.hs_is_closed === "true";
      const status = closed ? (p.hs_is_closed_won === "true" ? "renewed" : "cancelled") : "active";
      return [
        {
          termId: d.id,
          accountId: companyId,
          accountName: text(c?.name),
          ownerName: ownerName.get(text(p.hubspot_owner_id)) ?? "",
          arr: Number(p.amount ?? 0),
          renewalDate: text(p.closedate).slice(0, 10),
          status,
          accountCreated: text(c?.createdate).slice(0, 10),
        } satisfies CrmRenewal,
      ];
    });
  }
}
