import type { SalesPorts } from "@revops/sales-mcp";
import { AccountIndex, proposeLink } from "../identity/match";
import type { CustomerPorts } from "./ports";

/** The system name the customer-success account book's accounts have in the identity graph. */
export const BOOK_SYSTEM = "cs_book";
const USED = new Set(["auto", "confirmed"]);

/** A CS-book account's CRM account, or why it is left out (a link below the threshold is never used silently). */
export type CrmMatch = { crmId: string } | { crmId: null; why: string };

/**
 * The CRM account of each CS-book account: the same id on the sandbox; over a vendor CRM, the identity graph's
 * stored decision for the book's record when a human made one, else the graph's matcher over the CRM's accounts,
 * used only at or above the graph's threshold.
 */
export async function crmAccountsOf(
  ports: CustomerPorts,
  book: readonly { id: string; name: string }[],
): Promise<Map<string, CrmMatch>> {
  const sales = await ports.sales();
  if (sales.source === "sandbox") return new Map(book.map((b) => [b.id, { crmId: b.id }]));
  const { store, threshold } = await ports.identity();
  const index = new AccountIndex(await sales.crm.identityAccounts());
  const out = new Map<string, CrmMatch>();
  for (const b of book) {
    const stored = await store.get(BOOK_SYSTEM, b.id);
    const link =
      stored ??
      proposeLink({ system: BOOK_SYSTEM, externalId: b.id, name: b.name, domain: null, crmRef: null }, index);
    const used = stored ? USED.has(stored.status) : link.confidence >= threshold;
    out.set(
      b.id,
      link.accountId && used
        ? { crmId: link.accountId }
        : {
            crmId: null,
            why: link.accountId
              ? `${b.name} (${b.id}) matches ${sales.source} account ${link.accountId} at ${link.confidence}, below the identity threshold ${threshold} (${link.evidence.join("; ")}): left out; correct the account's name in ${sales.source}, or confirm ${BOOK_SYSTEM} ${b.id} with identity_review`
              : `${b.name} (${b.id}) has no ${sales.source} account linked: left out`,
          },
    );
  }
  return out;
}

/** The CRM user a person (a CSM) is, by name; undefined: the CRM has none by that name. */
export async function crmUserNamed(sales: SalesPorts, name: string) {
  const key = name.trim().toLowerCase();
  return (await sales.crm.listOwners()).find((o) => o.name.trim().toLowerCase() === key);
}
