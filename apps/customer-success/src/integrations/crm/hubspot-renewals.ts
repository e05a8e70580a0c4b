import type { HubSpotConnector } from "@revops/connectors";
import type { CrmRenewal, CrmRenewalSource } from "./renewals";

/** HubSpot's search pages at most 200 rows (and stops at 10,000). */
const SEARCH_PAGE = 200;
const DEAL_PROPS = ["amount", "closedate", "hs_is_closed", "hs_is_closed_won", "hubspot_owner_id"];
const RENEWAL_FILTER = { propertyName: "dealtype", operator: "EQ", value: "existingbusiness" } as const;

type Props = Record<string, string | null | undefined>;
const text = (v: unknown) => (v === null || v === undefined ? "" : String(v));

/** Deals of type "existingbusiness" (closed won = renewed, closed lost = cancelled, open = ahead) with their company. */
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
        };
      });
      out.push(...value.results);
      after = value.after;
    } while (after);
    return out;
  }

  /** Each deal's first associated company (batch associations, 1,000 ids a call). */
  private async companyOf(dealIds: string[]): Promise<Map<string, string>> {
    const { runtime, apis } = this.hs.sdk;
    const out = new Map<string, string>();
    for (let i = 0; i < dealIds.length; i += 1000) {
      const part = dealIds.slice(i, i + 1000);
      const { value } = await runtime.read(`cs:renewals.companies:${part.join(",")}`, async () => {
        const { value: page } = await runtime.attempt("associations.batchRead", () =>
          apis.associations.batchApi.getPage("deals", "companies", { inputs: part.map((id) => ({ id })) }),
        );
        return page.results.flatMap((r) => {
          const to = r.to[0];
          return to ? [[String(r._from.id), String(to.toObjectId)] as const] : [];
        });
      });
      for (const [deal, company] of value) out.set(deal, company);
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
    const companyOf = await this.companyOf(deals.map((d) => d.id));
    const ownerName = new Map(owners.map((o) => [o.id, `${o.firstName} ${o.lastName}`.trim()]));
    return deals.flatMap((d) => {
      const companyId = companyOf.get(d.id);
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
