import { type SalesforceConnector, type SObject, soqlString } from "@revops/connectors";
import type { FreshnessTracker } from "@revops/connectors/freshness";
import type {
  ContactCandidates,
  ContactDetail,
  ContactFields,
  ContactQuery,
  ContactWrite,
} from "@revops/model";
import { writeOnce } from "@revops/resilience";
import { CONTACT_CANDIDATES, nameGrams } from "@revops/sandbox";

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

const CONTACT_FIELDS = "Id, FirstName, LastName, Name, Title, Email, Phone, AccountId";

/** "Ana María López" → FirstName "Ana", LastName "María López" (Salesforce requires LastName). */
const nameParts = (name: string) => {
  const [first, ...rest] = name.trim().split(/\s+/);
  return rest.length
    ? { FirstName: first ?? "", LastName: rest.join(" ") }
    : { FirstName: "", LastName: first ?? "" };
};

/** The contact with this email, read fresh (never the stale cache: a preview must not show an old "before"). */
export async function salesforceContactByEmail(
  sf: SalesforceConnector,
  email: string,
): Promise<ContactDetail | undefined> {
  const soql = `SELECT ${CONTACT_FIELDS} FROM Contact WHERE Email = ${soqlString(email.trim().toLowerCase())}`;
  const [c] = (await sf.sdk.runtime.named("contacts.lookup", true, () => sf.query(soql))).records;
  if (!c) return undefined;
  const accountId = s(c.AccountId);
  const [a] = accountId
    ? (
        await sf.sdk.runtime.named("accounts.lookup", true, () =>
          sf.query(`SELECT Id, Name FROM Account WHERE Id = ${soqlString(accountId)}`),
        )
      ).records
    : [];
  return {
    id: c.Id,
    name: s(c.Name) || `${s(c.FirstName)} ${s(c.LastName)}`.trim(),
    title: s(c.Title),
    email: s(c.Email),
    phone: s(c.Phone),
    accountId,
    accountName: s(a?.Name),
  };
}

/** The suite's contact fields as Salesforce Contact fields. */
function sfFields(f: ContactFields): Record<string, unknown> {
  return {
    ...(f.name !== undefined && nameParts(f.name)),
    ...(f.title !== undefined && { Title: f.title }),
    ...(f.phone !== undefined && { Phone: f.phone }),
    ...(f.accountId !== undefined && { AccountId: f.accountId }),
  };
}

/**
 * Upsert by email through jsforce: the email is the natural key, so an ambiguous failure is settled by looking the
 * contact up by it (create) or comparing its fields (update) before one retry.
 */
export async function salesforceUpsertContact(
  sf: SalesforceConnector,
  email: string,
  f: ContactFields,
  expected?: ContactFields | null,
): Promise<ContactWrite> {
  const address = email.trim().toLowerCase();
  const { runtime } = sf.sdk;
  const cur = await salesforceContactByEmail(sf, address);
  const same = (c: ContactDetail) =>
    (["name", "title", "phone", "accountId"] as const).every((k) => f[k] === undefined || f[k] === c[k]);
  if (!cur) {
    if (!f.name?.trim()) throw new RangeError("name: a new contact needs a name.");
    if (!f.accountId) throw new RangeError("account_id: a new contact needs an account.");
    const { value: id, recovered } = await writeOnce({
      write: () =>
        runtime.named("contacts.create", false, () =>
          sf.sdk.withSession(async (conn) => {
            const r = await conn.sobject("Contact").create({ ...sfFields(f), Email: address });
            return String((r as { id: string }).id);
          }),
        ),
      lookup: async () => (await salesforceContactByEmail(sf, address))?.id,
    });
    const contact = await salesforceContactByEmail(sf, address);
    return { system: "salesforce", id, created: true, contact: contact as ContactDetail, recovered };
  }
  if (expected === null) {
    if (same(cur)) return { system: "salesforce", id: cur.id, created: true, contact: cur, recovered: true };
    throw new RangeError(`conflict: a contact with ${address} was created meanwhile (${cur.id}).`);
  }
  const stale = (["name", "title", "phone", "accountId"] as const).filter(
    (k) => expected?.[k] !== undefined && expected[k] !== cur[k],
  );
  if (stale.length)
    throw new RangeError(
      `conflict: contact ${cur.id} changed meanwhile (${stale.map((k) => `${k} is now ${JSON.stringify(cur[k])}`).join("; ")}).`,
    );
  if (same(cur)) return { system: "salesforce", id: cur.id, created: false, contact: cur, recovered: true };
  const { recovered } = await writeOnce({
    write: async () => {
      await runtime.named("contacts.update", false, () =>
        sf.sdk.withSession((conn) => conn.sobject("Contact").update({ Id: cur.id, ...sfFields(f) })),
      );
      return true;
    },
    lookup: async () => {
      const now = await salesforceContactByEmail(sf, address);
      return now && same(now) ? true : undefined;
    },
  });
  const contact = await salesforceContactByEmail(sf, address);
  return { system: "salesforce", id: cur.id, created: false, contact: contact ?? cur, recovered };
}
