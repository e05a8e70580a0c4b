import type { DealQuery, DealRow, Owner } from "@revops/model";

/** Owner ids a query's `owner` names (id, full name or email, case-insensitive); undefined = any owner. */
export function ownerIds(owner: string | undefined, owners: readonly Owner[]): Set<string> | undefined {
  const o = owner?.trim().toLowerCase();
  if (!o) return undefined;
  const ids = owners
    .filter((u) => [u.id, u.name, u.email].some((v) => v.toLowerCase() === o))
    .map((u) => u.id);
  // an owner the directory does not know may still be a raw vendor id
  return new Set(ids.length > 0 ? ids : [owner?.trim() ?? ""]);
}

/** The sandbox's deals_list filters, applied to rows mapped from a vendor. */
export function matchesQuery(d: DealRow, q: DealQuery, owners: Set<string> | undefined): boolean {
  if (q.stage && d.stage !== q.stage) return false;
  if (q.type && d.type !== q.type) return false;
  const closed = d.stage === "closed_won" || d.stage === "closed_lost";
  if (q.status === "open" && closed) return false;
  if (q.status === "won" && d.stage !== "closed_won") return false;
  if (q.status === "lost" && d.stage !== "closed_lost") return false;
  if (owners && !owners.has(d.ownerId)) return false;
  if (q.accountId && d.accountId !== q.accountId) return false;
  if (q.closeFrom && d.closeDate < q.closeFrom) return false;
  if (q.closeTo && d.closeDate > q.closeTo) return false;
  if (q.minAmount !== undefined && d.amount < q.minAmount) return false;
  return true;
}

/** "Best Case" / "best_case" / "BEST_CASE" → "best_case", the sandbox's forecast categories. */
export function forecastCategory(raw: string | null | undefined, fallback: string): string {
  const v = String(raw ?? "")
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
  return v || fallback;
}

/** Forecast category implied by a suite stage when the vendor has none. */
export function defaultCategory(stage: string): string {
  if (stage === "closed_won") return "closed";
  if (stage === "closed_lost") return "omitted";
  if (stage === "negotiation") return "commit";
  if (stage === "proposal") return "best_case";
  return "pipeline";
}

/** Vendor deal types → new_business | expansion | renewal. */
export function dealType(raw: string | null | undefined): DealRow["type"] {
  const v = String(raw ?? "").toLowerCase();
  if (v.includes("renew")) return "renewal";
  if (v.includes("upgrade") || v.includes("expansion") || v.includes("existing")) return "expansion";
  return "new_business";
}

/** Employee count → the sandbox's size bands. */
export function sizeBand(employees: number): string {
  if (employees <= 50) return "1-50";
  if (employees <= 200) return "51-200";
  if (employees <= 1000) return "201-1000";
  return "1000+";
}

/** "https://www.acme.com/about" → "acme.com". */
export function domainOf(website: string | null | undefined): string {
  const w = String(website ?? "").trim();
  if (!w) return "";
  try {
    return new URL(/^https?:\/\//i.test(w) ? w : `https://${w}`).hostname.replace(/^www\./, "");
  } catch {
    return w;
  }
}
