import type { HubSpotConnector } from "@revops/connectors";
import type { FreshnessTracker } from "@revops/connectors/freshness";
import { CONTACT_CANDIDATES, type ContactCandidates, type ContactQuery, normalName } from "@revops/sandbox";

const PROPS = ["firstname", "lastname", "email", "jobtitle", "associatedcompanyid"];
const PAGE = 200;
const HS_ID = /^\d{1,20}$/;
const s = (v: unknown) => (v === null || v === undefined ? "" : String(v));
type Filter = { propertyName: string; operator: string; value?: string };

/** A word's first three letters as a token wildcard: a typo after them still matches. */
const token = (word: string) => `${word.slice(0, 3)}*`;

/**
 * Contacts by HubSpot CRM search: a name word's start on first or last name (two groups), the title's first word,
 * the email contained, the company by id or (by name) one of `companyIdsNamed`; company names read afterwards.
 */
export async function hubspotContactCandidates(
  hs: HubSpotConnector,
  q: ContactQuery,
  t: FreshnessTracker,
  companyIdsNamed: (name: string) => Promise<string[]>,
  companyNames: (ids: string[]) => Promise<Map<string, string>>,
): Promise<ContactCandidates> {
  const common: Filter[] = [];
  const title = normalName(q.title ?? "").split(" ")[0];
  if (title) common.push({ propertyName: "jobtitle", operator: "CONTAINS_TOKEN", value: token(title) });
  const email = q.email?.trim().toLowerCase();
  if (email) common.push({ propertyName: "email", operator: "CONTAINS_TOKEN", value: `*${email}*` });
  const account = q.account?.trim() ?? "";
  let companies: Set<string> | undefined;
  if (HS_ID.test(account)) common.push({ propertyName: "associatedcompanyid", operator: "EQ", value: account });
  else if (account) companies = new Set(await companyIdsNamed(account));
  if (companies?.size === 0) return { rows: [], capped: false };
  const word = normalName(q.name ?? "").split(" ")[0];
  const groups = word
    ? ["firstname", "lastname"].map((p) => ({
        filters: [{ propertyName: p, operator: "CONTAINS_TOKEN", value: token(word) }, ...common],
      }))
    : common.length
      ? [{ filters: common }]
      : [];
  const limit = Math.max(1, Math.min(CONTACT_CANDIDATES, q.limit ?? CONTACT_CANDIDATES));
  const { runtime, apis } = hs.sdk;
  const found: { id: string; properties: Record<string, string | null> }[] = [];
  let after: string | undefined;
  do {
    const page = t.take(
      await runtime.read(`sales:contacts.find:${JSON.stringify(groups)}:${after ?? ""}`, async () => {
        const { value } = await runtime.attempt("contacts.search", () =>
          apis.contacts.searchApi.doSearch({
            filterGroups: groups as never,
            sorts: ["lastname"],
            properties: PROPS,
            limit: PAGE,
            ...(after ? { after } : {}),
          }),
        );
        return {
          results: value.results.map((r) => ({ id: r.id, properties: { ...r.properties } })),
          next: value.paging?.next?.after,
        };
      }),
    );
    found.push(...page.results.filter((c) => !companies || companies.has(s(c.properties.associatedcompanyid))));
    after = page.next;
  } while (after && found.length <= limit);
  const names = await companyNames([...new Set(found.map((c) => s(c.properties.associatedcompanyid)))].filter(Boolean));
  return {
    rows: found.slice(0, limit).map((c) => {
      const p = c.properties;
      const companyId = s(p.associatedcompanyid);
      return {
        id: c.id,
        name: `${s(p.firstname)} ${s(p.lastname)}`.trim() || s(p.email),
        title: s(p.jobtitle),
        email: s(p.email),
        accountId: companyId,
        accountName: names.get(companyId) ?? "",
      };
    }),
    capped: found.length > limit,
  };
}
