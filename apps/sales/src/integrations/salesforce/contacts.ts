import { type SalesforceConnector, type SObject, soqlString } from "@revops/connectors";
import type { FreshnessTracker } from "@revops/connectors/freshness";
import { CONTACT_CANDIDATES, type ContactCandidates, type ContactQuery, nameGrams } from "@revops/sandbox";

const SF_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;
const s = (v: unknown) => (v === null || v === undefined ? "" : String(v));
/** Account names are read this many ids per query (an OR group). */
const NAME_CHUNK = 50;

const likeAny = (field: string, text: string) => {
  const grams = nameGrams(text);
  return grams.length ? `(${grams.map((g) => `${field} LIKE ${soqlString(`%${g}%`)}`).join(" OR ")})` : "";
};

async function read(sf: SalesforceConnector, soql: string, t: FreshnessTracker): Promise<SObject[]> {
  const result = t.take(await sf.sdk.runtime.read(`soql:${soql}`, () => sf.query(soql)));
  return result.records;
}

/**
 * Contacts whose Name and Title share a three-letter piece with the query, whose Email contains it and whose
 * account is the id given or (by name) one of `accountIdsNamed`; account names read by id afterwards.
 */
export async function salesforceContactCandidates(
  sf: SalesforceConnector,
  q: ContactQuery,
  t: FreshnessTracker,
  accountIdsNamed: (name: string) => Promise<string[]>,
): Promise<ContactCandidates> {
  const where: string[] = [];
  for (const [field, text] of [
    ["Name", q.name],
    ["Title", q.title],
  ] as const) {
    if (!text) continue;
    const like = likeAny(field, text);
    if (!like) return { rows: [], capped: false };
    where.push(like);
  }
  if (q.email?.trim()) where.push(`Email LIKE ${soqlString(`%${q.email.trim()}%`)}`);
  const account = q.account?.trim() ?? "";
  let accounts: Set<string> | undefined;
  if (account && SF_ID.test(account)) where.push(`AccountId = ${soqlString(account)}`);
  else if (account) accounts = new Set(await accountIdsNamed(account));
  if (accounts?.size === 0) return { rows: [], capped: false };
  const limit = Math.max(1, Math.min(CONTACT_CANDIDATES, q.limit ?? CONTACT_CANDIDATES));
  const soql = `SELECT Id, Name, Title, Email, AccountId FROM Contact${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY Name LIMIT ${limit + 1}`;
  const found = (await read(sf, soql, t)).filter((c) => !accounts || accounts.has(s(c.AccountId)));
  const ids = [...new Set(found.map((c) => s(c.AccountId)).filter(Boolean))];
  const names = new Map<string, string>();
  for (let i = 0; i < ids.length; i += NAME_CHUNK) {
    const chunk = ids.slice(i, i + NAME_CHUNK).map((id) => `Id = ${soqlString(id)}`);
    for (const a of await read(sf, `SELECT Id, Name FROM Account WHERE (${chunk.join(" OR ")})`, t))
      names.set(a.Id, s(a.Name));
  }
  return {
    rows: found.slice(0, limit).map((c) => ({
      id: c.Id,
      name: s(c.Name),
      title: s(c.Title),
      email: s(c.Email),
      accountId: s(c.AccountId),
      accountName: names.get(s(c.AccountId)) ?? "",
    })),
    capped: found.length > limit,
  };
}
