/** Legal forms and articles that say nothing about which company it is ("Acme, Inc." is "Acme"). */
const NOISE = new Set([
  "the",
  "inc",
  "incorporated",
  "llc",
  "ltd",
  "limited",
  "gmbh",
  "ag",
  "sa",
  "sas",
  "bv",
  "nv",
  "plc",
  "corp",
  "corporation",
  "co",
  "company",
]);

/** A company name reduced to what identifies it: case, accents, punctuation, legal forms and "the" dropped. */
export function companyKey(name: string): string {
  const words = name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/\b([a-z])\.(?=[a-z]\.)/g, "$1") // S.A. → sa, B.V. → bv
    .replace(/[^a-z0-9]+/g, " ")
    .trim()
    .split(" ")
    .filter(Boolean);
  const kept = words.filter((w) => !NOISE.has(w));
  // a name made only of noise ("The Company") keeps its words
  return (kept.length ? kept : words).join(" ");
}

/** A domain as typed anywhere (URL, "www.", capitals) reduced to its host; null when there is none. */
export function domainKey(domain: string | null | undefined): string | null {
  if (!domain) return null;
  const host = domain
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, "")
    .replace(/[/?#].*$/, "")
    .replace(/^www\./, "");
  return host.includes(".") ? host : null;
}
