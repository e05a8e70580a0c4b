import { jaroWinkler } from "@skyra/jaro-winkler";
import type { ProposedLink } from "./match";
import { round, SIMILAR_NAME_FLOOR } from "./match";

/** A CRM contact, the anchor a help desk's or messenger's person is linked to. */
export interface AnchorContact {
  id: string;
  accountId: string;
  name: string;
  email: string | null;
}

/** A person in another system. */
export interface ForeignPerson {
  system: string;
  externalId: string;
  name: string;
  email: string | null;
  /** The CRM contact id the system stores, if anyone stored it. */
  crmRef: string | null;
  /** The system's own company the person belongs to. */
  companyExternalId: string | null;
}

/** Confidence per signal: a name alone is sure only inside the company the person's own company is linked to. */
const CONFIDENCE = { external_id: 1, email: 0.95, nameInCompany: 0.85, nameElsewhere: 0.6 } as const;

/** An address reduced to its mailbox: spaces and case dropped. */
export const emailKey = (email: string | null | undefined) => email?.trim().toLowerCase() || null;
/** A person's name reduced to its letters, case and accents dropped. */
export const personKey = (name: string) =>
  name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z]+/g, " ")
    .trim();

const push = <K, V>(m: Map<K, V[]>, k: K, v: V) => m.set(k, [...(m.get(k) ?? []), v]);

/** The CRM's contacts by id, email, name, and per account, built once per rebuild. */
export class ContactIndex {
  readonly byId = new Map<string, AnchorContact>();
  readonly byEmail = new Map<string, AnchorContact[]>();
  readonly byName = new Map<string, AnchorContact[]>();
  readonly byAccount = new Map<string, AnchorContact[]>();
  readonly byInitial = new Map<string, AnchorContact[]>();

  constructor(contacts: readonly AnchorContact[]) {
    for (const c of contacts) {
      this.byId.set(c.id, c);
      const e = emailKey(c.email);
      if (e) push(this.byEmail, e, c);
      push(this.byName, personKey(c.name), c);
      push(this.byAccount, c.accountId, c);
      push(this.byInitial, personKey(c.name)[0] ?? "", c);
    }
  }
}

/** The account a system's company is linked to, and whether that link is used (auto or confirmed) or awaits review. */
export type CompanyAccountOf = (
  system: string,
  companyExternalId: string,
) => { accountId: string; used: boolean } | undefined;

/** The one contact whose name is most similar (at least the floor), if no other is as similar. */
function mostSimilar(key: string, among: readonly AnchorContact[]) {
  let best: { c?: AnchorContact; s: number; ties: number } = { s: 0, ties: 0 };
  for (const c of among) {
    const s = jaroWinkler(key, personKey(c.name));
    if (s > best.s + 1e-9) best = { c, s, ties: 1 };
    else if (Math.abs(s - best.s) <= 1e-9) best.ties++;
  }
  return best.c && best.ties === 1 && best.s >= SIMILAR_NAME_FLOOR ? { c: best.c, s: best.s } : undefined;
}

/**
 * Links one person to the contact they most likely are: the CRM id they store, else the same email, else the same
 * name among the contacts of the account their company is linked to and used; anything weaker (a name elsewhere, a
 * company link awaiting review, a similar name) is proposed for review only.
 */
export function proposePersonLink(
  p: ForeignPerson,
  index: ContactIndex,
  accountOf: CompanyAccountOf,
): ProposedLink {
  const base = { system: p.system, externalId: p.externalId, externalName: p.name };
  const link = (
    c: AnchorContact,
    method: ProposedLink["method"],
    confidence: number,
    evidence: string[],
  ) => ({
    ...base,
    accountId: c.accountId,
    contactId: c.id,
    confidence,
    method,
    evidence,
  });
  const none = (evidence: string): ProposedLink => ({
    ...base,
    accountId: null,
    contactId: null,
    confidence: 0,
    method: "none",
    evidence: [evidence],
  });
  const byRef = p.crmRef ? index.byId.get(p.crmRef) : undefined;
  if (byRef) return link(byRef, "external_id", CONFIDENCE.external_id, [`stores CRM contact id ${byRef.id}`]);
  const email = emailKey(p.email);
  const byEmail = email ? (index.byEmail.get(email) ?? []) : [];
  if (byEmail.length === 1)
    return link(byEmail[0] as AnchorContact, "email", CONFIDENCE.email, [`same email ${email}`]);
  if (byEmail.length > 1)
    return none(`same email ${email} as ${byEmail.length} contacts: ${byEmail.map((c) => c.id).join(", ")}`);
  const company = p.companyExternalId ? accountOf(p.system, p.companyExternalId) : undefined;
  const account = company?.accountId;
  const key = personKey(p.name);
  const inAccount = account ? (index.byAccount.get(account) ?? []) : [];
  const sameName = inAccount.filter((c) => personKey(c.name) === key);
  if (sameName.length === 1)
    return link(
      sameName[0] as AnchorContact,
      "name",
      company?.used ? CONFIDENCE.nameInCompany : CONFIDENCE.nameElsewhere,
      [
        `name "${p.name}" is a contact of ${account}, which the person's company is linked to${company?.used ? "" : " (that link awaits review)"}`,
      ],
    );
  const elsewhere = index.byName.get(key) ?? [];
  if (elsewhere.length === 1)
    return link(elsewhere[0] as AnchorContact, "name", CONFIDENCE.nameElsewhere, [
      `name "${p.name}" is ${(elsewhere[0] as AnchorContact).id}'s, but not within a company linked to the person`,
    ]);
  // a misspelt name: among the linked account's contacts, else among all sharing its first letter
  const similar = mostSimilar(key, account ? inAccount : (index.byInitial.get(key[0] ?? "") ?? []));
  if (similar)
    return link(
      similar.c,
      "similar_name",
      round(0.5 + (0.25 * (similar.s - SIMILAR_NAME_FLOOR)) / (1 - SIMILAR_NAME_FLOOR)),
      [`name "${p.name}" resembles ${similar.c.id} "${similar.c.name}" (${round(similar.s)})`],
    );
  return none(
    elsewhere.length > 1
      ? `name "${p.name}" is shared by ${elsewhere.length} contacts, and no linked company tells them apart`
      : "no contact with this id, email or name",
  );
}
