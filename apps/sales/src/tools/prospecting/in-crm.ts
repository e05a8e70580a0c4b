import { maskLastName } from "../../domain/prospects";
import type { CrmPort } from "../../ports";

/** What the CRM already holds of a prospect: the person, their company, or neither. */
export type InCrm = "contact" | "account" | null;

interface Known {
  accountId: string;
  /** "first|masked last" and emails of the account's contacts, lower-cased. */
  people: Set<string>;
}

const personKey = (first: string, masked: string | null) => `${first}|${masked ?? ""}`.toLowerCase();

/** One account and contact lookup per domain (a page holds at most 25), so each row can be marked. */
export async function crmByDomain(crm: CrmPort, domains: (string | null)[]): Promise<Map<string, Known>> {
  const out = new Map<string, Known>();
  for (const domain of new Set(domains.filter((d): d is string => !!d))) {
    const { rows } = await crm.accountCandidates({ domain, limit: 5 });
    const account = rows.find((r) => r.domain.toLowerCase() === domain);
    if (!account) continue;
    const contacts = await crm.contactCandidates({ email: `@${domain}`, limit: 500 });
    const people = new Set<string>();
    for (const c of contacts.rows) {
      const [first = "", ...rest] = c.name.trim().split(/\s+/);
      people.add(personKey(first, maskLastName(rest.at(-1) ?? "")));
      people.add(c.email.toLowerCase());
    }
    out.set(domain, { accountId: account.id, people });
  }
  return out;
}

/** A person is "contact" when the account has someone of that first name and masked last name (or email). */
export function markPerson(
  known: Map<string, Known>,
  domain: string | null,
  first: string,
  maskedOrEmail: string | null,
): InCrm {
  const k = domain ? known.get(domain) : undefined;
  if (!k) return null;
  const hit = maskedOrEmail?.includes("@")
    ? k.people.has(maskedOrEmail.toLowerCase())
    : k.people.has(personKey(first, maskedOrEmail));
  return hit ? "contact" : "account";
}
