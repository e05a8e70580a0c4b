import type { LinkedSystem, SystemCompany } from "@revops/model";
import type { SqlDb } from "@revops/store";
import { hashString } from "../random.js";
import { everyOf } from "../vocabulary.js";

/** The systems besides the CRM that hold their own record of a customer company. */
export const LINKED_SYSTEMS = everyOf<LinkedSystem>()(["zendesk", "intercom", "mixpanel", "hubspot"]);

/** How a record was planted: what a matcher must recover (tests only; never in a tool result). */
export type PlantedKind = "clean" | "domain" | "name" | "typo" | "decoy";

export interface PlantedLink {
  system: LinkedSystem;
  externalId: string;
  /** The account the record really is; null for a decoy (another company with a look-alike name). */
  accountId: string | null;
  kind: PlantedKind;
}

interface AccountRow {
  id: string;
  name: string;
  domain: string;
  lifecycle: string;
}

const SUFFIXES = ["Inc.", "GmbH", "Ltd", "LLC", "S.A.", "B.V.", "Corp."];
const DECOY_WORDS = ["Partners", "Ventures", "Consulting", "Foundation"];

const unit = (key: string) => hashString(key) / 4294967296;

/** The same company spelled the way another system's users typed it. */
function variant(name: string, key: string): string {
  const pick = hashString(`v:${key}`) % 4;
  if (pick === 0) return `${name} ${SUFFIXES[hashString(`s:${key}`) % SUFFIXES.length]}`;
  if (pick === 1) return name.toUpperCase();
  if (pick === 2) return `${name}, ${SUFFIXES[hashString(`s:${key}`) % SUFFIXES.length]}`;
  return `The ${name}`;
}

/** One slip of the keyboard: two neighbouring letters swapped inside the longest word. */
function typo(name: string, key: string): string {
  const words = name.split(" ");
  const at = words.reduce((best, w, i) => (w.length > (words[best] as string).length ? i : best), 0);
  const w = words[at] as string;
  if (w.length < 4) return `${name}s`;
  // swapping two equal letters ("pp") would change nothing: take the next pair that differs
  const start = 1 + (hashString(`t:${key}`) % (w.length - 2));
  const swaps = Array.from({ length: w.length - 2 }, (_, k) => 1 + ((start - 1 + k) % (w.length - 2)));
  const i = swaps.find((j) => w[j] !== w[j + 1]);
  if (i === undefined) return `${name}s`;
  words[at] = w.slice(0, i) + (w[i + 1] as string) + (w[i] as string) + w.slice(i + 2);
  return words.join(" ");
}

/** A domain on another top-level domain: the same company, a domain the CRM does not know. */
const otherDomain = (domain: string) => `${domain.split(".")[0]}.io`;

function externalId(system: LinkedSystem, accountId: string, extra = ""): string {
  const n = hashString(`${system}:${accountId}${extra}`);
  if (system === "zendesk") return String(360_000_000_000 + (n % 1_000_000_000));
  if (system === "hubspot") return String(10_000_000_000 + (n % 1_000_000_000));
  if (system === "intercom")
    return n.toString(16).padStart(8, "0") + hashString(`i:${accountId}${extra}`).toString(16);
  return `grp_${n.toString(36)}`;
}

/**
 * Every linked system's companies, derived deterministically from the sandbox's accounts: most carry the CRM id,
 * some only the domain or a differently spelled name, a few a typo and no domain, some are missing, and a few are
 * look-alike companies that are not customers at all. Help desk, messenger and product analytics know customers
 * (and churned ones); HubSpot knows every account.
 */
export async function sandboxSystemCompanies(db: SqlDb): Promise<SystemCompany[]> {
  return (await planted(db)).map((p) => p.record);
}

/** The CRM's side of the identity graph: every account's id, name and domain. */
export async function sandboxCrmCompanies(
  db: SqlDb,
): Promise<{ id: string; name: string; domain: string }[]> {
  return db.query("SELECT id, name, domain FROM sb_accounts ORDER BY id");
}

/** What each record really is (tests of the identity graph only). */
export async function sandboxPlantedLinks(db: SqlDb): Promise<PlantedLink[]> {
  return (await planted(db)).map(({ record, accountId, kind }) => ({
    system: record.system,
    externalId: record.externalId,
    accountId,
    kind,
  }));
}

async function planted(db: SqlDb) {
  const accounts = await db.query<AccountRow>(
    "SELECT id, name, domain, lifecycle FROM sb_accounts ORDER BY id",
  );
  const taken = new Set(accounts.flatMap((a) => [a.name.toLowerCase(), a.domain]));
  const out: { record: SystemCompany; accountId: string | null; kind: PlantedKind }[] = [];
  for (const system of LINKED_SYSTEMS) {
    for (const a of accounts) {
      if (system !== "hubspot" && a.lifecycle === "prospect") continue;
      const key = `${system}:${a.id}`;
      const u = unit(key);
      const id = externalId(system, a.id);
      const add = (kind: PlantedKind, name: string, domain: string | null, crmRef: string | null) =>
        out.push({ record: { system, externalId: id, name, domain, crmRef }, accountId: a.id, kind });
      if (u < 0.55) add("clean", a.name, a.domain, a.id);
      else if (u < 0.75) add("domain", variant(a.name, key), a.domain, null);
      else if (u < 0.85) add("name", variant(a.name, key), otherDomain(a.domain), null);
      else if (u < 0.92) add("typo", typo(a.name, key), null, null);
      // else: the system never got this company
      if (unit(`decoy:${key}`) < 0.03) {
        const first = a.name.split(" ")[0] as string;
        const name = `${first} ${DECOY_WORDS[hashString(`d:${key}`) % DECOY_WORDS.length]}`;
        const domain = `${name.toLowerCase().replace(/[^a-z0-9]+/g, "")}.net`;
        // a look-alike must not be a real account of the CRM
        if (taken.has(name.toLowerCase()) || taken.has(domain)) continue;
        out.push({
          record: {
            system,
            externalId: externalId(system, a.id, ":decoy"),
            name,
            domain,
            crmRef: null,
          },
          accountId: null,
          kind: "decoy",
        });
      }
    }
  }
  return out;
}
