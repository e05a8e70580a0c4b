import { jaroWinkler } from "@skyra/jaro-winkler";
import { companyKey, domainKey } from "./normalise";

/** A CRM account, the anchor every other system's record is linked to. */
export interface AnchorAccount {
  id: string;
  name: string;
  domain: string | null;
}

/** Another system's company record. */
export interface ForeignCompany {
  system: string;
  externalId: string;
  name: string;
  domain: string | null;
  /** The CRM id the system stores, if anyone stored it. */
  crmRef: string | null;
}

export type LinkMethod = "external_id" | "domain" | "email" | "name" | "similar_name" | "none";

/** The best account for one foreign record, how sure we are (0–1), and why. */
export interface ProposedLink {
  system: string;
  externalId: string;
  externalName: string;
  accountId: string | null;
  /** People only: the CRM contact. */
  contactId?: string | null;
  confidence: number;
  method: LinkMethod;
  evidence: string[];
}

/** Names at least this similar (Jaro-Winkler of the company keys) are proposed for review, never linked silently. */
export const SIMILAR_NAME_FLOOR = 0.9;

/** Confidence per method; a similar name scales from .5 (at the floor) to .75 (identical keys never reach here). */
const CONFIDENCE = { external_id: 1, domain: 0.95, name: 0.85, nameOtherDomain: 0.8 } as const;

/** Indexes of the CRM's accounts by id, domain and company key, built once per rebuild. */
export class AccountIndex {
  readonly byId = new Map<string, AnchorAccount>();
  readonly byDomain = new Map<string, AnchorAccount[]>();
  readonly byKey = new Map<string, AnchorAccount[]>();
  private readonly keys: { key: string; account: AnchorAccount }[] = [];

  constructor(accounts: readonly AnchorAccount[]) {
    for (const a of accounts) {
      this.byId.set(a.id, a);
      const d = domainKey(a.domain);
      if (d) this.byDomain.set(d, [...(this.byDomain.get(d) ?? []), a]);
      const k = companyKey(a.name);
      this.byKey.set(k, [...(this.byKey.get(k) ?? []), a]);
      this.keys.push({ key: k, account: a });
    }
  }

  /** The most similar account names (ties kept), with their similarity. */
  mostSimilar(key: string): { accounts: AnchorAccount[]; similarity: number } {
    let best = 0;
    let accounts: AnchorAccount[] = [];
    // only names sharing the first letter: a typo rarely hits it, and it keeps a rebuild linear in practice
    for (const k of this.keys) {
      if (k.key[0] !== key[0]) continue;
      const s = jaroWinkler(key, k.key);
      if (s > best + 1e-9) {
        best = s;
        accounts = [k.account];
      } else if (Math.abs(s - best) <= 1e-9) accounts.push(k.account);
    }
    return { accounts, similarity: best };
  }
}

/**
 * Links one record to the account it most likely is: the CRM id it stores, else the same domain, else the same
 * company name, else a similar name (below any sensible threshold: a human reviews it). Two equally good accounts
 * make the link ambiguous, and its confidence drops so it is never used silently.
 */
export function proposeLink(record: ForeignCompany, index: AccountIndex): ProposedLink {
  const base = { system: record.system, externalId: record.externalId, externalName: record.name };
  const found = (
    accounts: AnchorAccount[],
    method: Exclude<LinkMethod, "none">,
    confidence: number,
    evidence: string,
  ): ProposedLink => {
    if (accounts.length === 1)
      return {
        ...base,
        accountId: (accounts[0] as AnchorAccount).id,
        confidence,
        method,
        evidence: [evidence],
      };
    return {
      ...base,
      accountId: null,
      confidence: 0,
      method,
      evidence: [
        `${evidence}, but ${accounts.length} accounts match: ${accounts.map((a) => a.id).join(", ")}`,
      ],
    };
  };
  const byRef = record.crmRef ? index.byId.get(record.crmRef) : undefined;
  if (byRef) return found([byRef], "external_id", CONFIDENCE.external_id, `stores CRM id ${byRef.id}`);
  const domain = domainKey(record.domain);
  const byDomain = domain ? index.byDomain.get(domain) : undefined;
  if (byDomain) return found(byDomain, "domain", CONFIDENCE.domain, `same domain ${domain}`);
  const key = companyKey(record.name);
  const byKey = index.byKey.get(key);
  if (byKey) {
    const link = found(byKey, "name", CONFIDENCE.name, `name "${record.name}" is "${byKey[0]?.name}"`);
    // a different domain on both sides is evidence against: it could be another company with the same name
    const theirs = domainKey(byKey[0]?.domain);
    if (link.accountId && domain && theirs && domain !== theirs) {
      link.evidence.push(`domains differ (${domain} vs ${theirs})`);
      link.confidence = CONFIDENCE.nameOtherDomain;
    }
    return link;
  }
  const similar = key ? index.mostSimilar(key) : { accounts: [], similarity: 0 };
  if (similar.similarity >= SIMILAR_NAME_FLOOR) {
    const confidence = round(
      0.5 + (0.25 * (similar.similarity - SIMILAR_NAME_FLOOR)) / (1 - SIMILAR_NAME_FLOOR),
    );
    return found(
      similar.accounts,
      "similar_name",
      confidence,
      `name "${record.name}" resembles "${similar.accounts[0]?.name}" (${round(similar.similarity)})`,
    );
  }
  return {
    ...base,
    accountId: null,
    confidence: 0,
    method: "none",
    evidence: ["no account with this id, domain or name"],
  };
}

export const round = (x: number) => Math.round(x * 1000) / 1000;
