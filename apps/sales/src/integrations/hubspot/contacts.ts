import type { HubSpotConnector } from "@revops/connectors";
import type { FreshnessTracker } from "@revops/connectors/freshness";
import type {
  ContactCandidates,
  ContactDetail,
  ContactFields,
  ContactQuery,
  ContactWrite,
} from "@revops/model";
import { isVendorError, writeOnce } from "@revops/resilience";
import { CONTACT_CANDIDATES, normalName } from "@revops/sandbox";

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
  if (HS_ID.test(account))
    common.push({ propertyName: "associatedcompanyid", operator: "EQ", value: account });
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
    found.push(
      ...page.results.filter((c) => !companies || companies.has(s(c.properties.associatedcompanyid))),
    );
    after = page.next;
  } while (after && found.length <= limit);
  const names = await companyNames(
    [...new Set(found.map((c) => s(c.properties.associatedcompanyid)))].filter(Boolean),
  );
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

const DETAIL_PROPS = ["firstname", "lastname", "email", "jobtitle", "phone", "associatedcompanyid"];
/** HubSpot-defined association type: contact → company, primary. */
const CONTACT_TO_PRIMARY_COMPANY = 1;
const FIELDS = ["name", "title", "phone", "accountId"] as const;

const isStatus = (err: unknown, status: number) =>
  isVendorError(err) && (err as { status?: number }).status === status;

/** The contact with this email by HubSpot's unique email property (read from the record, not the search index). */
export async function hubspotContactByEmail(
  hs: HubSpotConnector,
  email: string,
): Promise<ContactDetail | undefined> {
  const { runtime, apis } = hs.sdk;
  let c: { id: string; properties: Record<string, string | null> };
  try {
    const { value } = await runtime.attempt("contacts.get", () =>
      apis.contacts.basicApi.getById(
        email.trim().toLowerCase(),
        DETAIL_PROPS,
        undefined,
        undefined,
        false,
        "email",
      ),
    );
    c = { id: value.id, properties: { ...value.properties } };
  } catch (err) {
    if (isVendorError(err) && err.kind === "not_found") return undefined;
    throw err;
  }
  const p = c.properties;
  const companyId = s(p.associatedcompanyid);
  let accountName = "";
  if (companyId) {
    const { value } = await runtime.attempt("companies.get", () =>
      apis.companies.basicApi.getById(companyId, ["name"]),
    );
    accountName = s(value.properties.name);
  }
  return {
    id: c.id,
    name: `${s(p.firstname)} ${s(p.lastname)}`.trim(),
    title: s(p.jobtitle),
    email: s(p.email),
    phone: s(p.phone),
    accountId: companyId,
    accountName,
  };
}

/** The suite's contact fields as HubSpot contact properties (the company is an association, not a property). */
function hsProps(f: ContactFields): Record<string, string> {
  const [first, ...rest] = (f.name ?? "").trim().split(/\s+/);
  return {
    ...(f.name !== undefined && { firstname: first ?? "", lastname: rest.join(" ") }),
    ...(f.title !== undefined && { jobtitle: f.title }),
    ...(f.phone !== undefined && { phone: f.phone }),
  };
}

/**
 * Upsert by email through @hubspot/api-client: HubSpot keeps emails unique (a second create answers 409), so a
 * create is settled by reading the contact by email; a new contact is associated with its company as primary.
 * Moving a contact to another company is refused here (it is an association change, not a property).
 */
export async function hubspotUpsertContact(
  hs: HubSpotConnector,
  email: string,
  f: ContactFields,
  expected?: ContactFields | null,
): Promise<ContactWrite> {
  const address = email.trim().toLowerCase();
  const { runtime, apis } = hs.sdk;
  const cur = await hubspotContactByEmail(hs, address);
  const same = (c: ContactDetail) => FIELDS.every((k) => f[k] === undefined || f[k] === c[k]);
  if (!cur) {
    if (!f.name?.trim()) throw new RangeError("name: a new contact needs a name.");
    if (!f.accountId) throw new RangeError("account_id: a new contact needs an account.");
    const companyId = f.accountId;
    const { recovered } = await writeOnce({
      write: async () => {
        try {
          await runtime.attempt(
            "contacts.create",
            () =>
              apis.contacts.basicApi.create({
                properties: { ...hsProps(f), email: address },
                associations: [
                  {
                    to: { id: companyId },
                    types: [
                      {
                        associationCategory: "HUBSPOT_DEFINED" as never,
                        associationTypeId: CONTACT_TO_PRIMARY_COMPANY,
                      },
                    ],
                  },
                ],
              }),
            { idempotent: false },
          );
          return true;
        } catch (err) {
          // the email exists already: an earlier attempt (or someone) created it; the lookup below settles it
          if (isStatus(err, 409)) return false;
          if (isVendorError(err) && err.kind === "invalid")
            throw new RangeError(`account_id: ${err.message}`);
          throw err;
        }
      },
      lookup: async () => ((await hubspotContactByEmail(hs, address)) ? true : undefined),
    });
    const contact = (await hubspotContactByEmail(hs, address)) as ContactDetail;
    return { system: "hubspot", id: contact.id, created: true, contact, recovered };
  }
  if (expected === null) {
    if (same(cur)) return { system: "hubspot", id: cur.id, created: true, contact: cur, recovered: true };
    throw new RangeError(`conflict: a contact with ${address} was created meanwhile (${cur.id}).`);
  }
  const stale = FIELDS.filter((k) => expected?.[k] !== undefined && expected[k] !== cur[k]);
  if (stale.length)
    throw new RangeError(
      `conflict: contact ${cur.id} changed meanwhile (${stale.map((k) => `${k} is now ${JSON.stringify(cur[k])}`).join("; ")}).`,
    );
  if (f.accountId !== undefined && f.accountId !== cur.accountId)
    throw new RangeError("account_id: moving a HubSpot contact to another company is not supported here.");
  if (same(cur)) return { system: "hubspot", id: cur.id, created: false, contact: cur, recovered: true };
  const { recovered } = await writeOnce({
    write: async () => {
      await runtime.attempt(
        "contacts.update",
        () => apis.contacts.basicApi.update(cur.id, { properties: hsProps(f) }),
        {
          idempotent: false,
        },
      );
      return true;
    },
    lookup: async () => {
      const now = await hubspotContactByEmail(hs, address);
      return now && same(now) ? true : undefined;
    },
  });
  const contact = (await hubspotContactByEmail(hs, address)) ?? cur;
  return { system: "hubspot", id: cur.id, created: false, contact, recovered };
}
