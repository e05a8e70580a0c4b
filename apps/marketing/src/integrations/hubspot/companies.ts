import type { HubSpotMarketingConnector } from "@revops/connectors";
import type { SystemCompany } from "@revops/model";

/** Where HubSpot's Salesforce integration keeps the synced account's id on a company. */
const SALESFORCE_ID = "salesforceaccountid";

/**
 * Every HubSpot company, 100 a page through the objects API (which does not lag behind writes as search does): its
 * name, domain and the Salesforce account id where the Salesforce integration synced it.
 */
export async function hubspotCompanies(hs: HubSpotMarketingConnector): Promise<SystemCompany[]> {
  const { runtime, apis } = hs.sdk;
  const out: SystemCompany[] = [];
  let after: string | undefined;
  do {
    const page = await runtime.read(`marketing:companies.page:${after ?? ""}`, async () => {
      const { value } = await runtime.attempt("companies.list", () =>
        apis.companies.basicApi.getPage(100, after, ["name", "domain", SALESFORCE_ID]),
      );
      return {
        results: value.results.map((c) => ({ id: c.id, properties: { ...c.properties } })),
        after: value.paging?.next?.after,
      };
    });
    for (const c of page.value.results)
      out.push({
        system: "hubspot",
        externalId: c.id,
        name: c.properties.name ?? "",
        domain: c.properties.domain || null,
        crmRef: c.properties[SALESFORCE_ID] || null,
      });
    after = page.value.after;
  } while (after);
  return out;
}
