import type { PeopleSystem, SystemPerson } from "@revops/model";
import type { SqlDb } from "@revops/store";
import { hashString } from "../random.js";
import { everyOf } from "../vocabulary.js";
import { sandboxPlantedLinks } from "./identity-systems.js";

/** The systems besides the CRM that keep their own record of a customer's people. */
export const PEOPLE_SYSTEMS = everyOf<PeopleSystem>()(["zendesk", "intercom"]);

/** How a person was planted: what a matcher must recover (tests only; never in a tool result). */
export type PlantedPersonKind = "clean" | "email" | "name" | "typo" | "decoy";

export interface PlantedPersonLink {
  system: PeopleSystem;
  externalId: string;
  /** The CRM contact the record really is; null for a decoy (another person with the same name). */
  contactId: string | null;
  kind: PlantedPersonKind;
}

interface ContactRow {
  id: string;
  account_id: string;
  name: string;
  email: string;
}

/** Share of a customer's contacts each system knows: the help desk those who filed tickets, the messenger more. */
const KNOWN: Record<PeopleSystem, number> = { zendesk: 0.35, intercom: 0.5 };
const unit = (key: string) => hashString(key) / 4294967296;

/** The same address typed with capitals and a stray space: the same mailbox. */
const retyped = (email: string) => {
  const [local, domain] = email.split("@") as [string, string];
  return ` ${local.replace(/(^|\.)([a-z])/g, (_, dot: string, c: string) => dot + c.toUpperCase())}@${domain.toUpperCase()}`;
};

/** A private address the CRM does not know. */
const privateEmail = (name: string, key: string) =>
  `${name.toLowerCase().replace(/[^a-z]+/g, ".")}${hashString(`p:${key}`) % 100}@gmail.com`;

/** Two neighbouring letters swapped in the last name. */
function typo(name: string, key: string): string {
  const [first, ...rest] = name.split(" ");
  const last = rest.join(" ");
  if (last.length < 4) return `${name}e`;
  const i = 1 + (hashString(`t:${key}`) % (last.length - 2));
  if (last[i] === last[i + 1]) return `${name}e`;
  return `${first} ${last.slice(0, i)}${last[i + 1]}${last[i]}${last.slice(i + 2)}`;
}

function externalId(system: PeopleSystem, contactId: string, extra = ""): string {
  const n = hashString(`person:${system}:${contactId}${extra}`);
  return system === "zendesk"
    ? String(370_000_000_000 + (n % 1_000_000_000))
    : `${n.toString(16).padStart(8, "0")}${hashString(`ip:${contactId}${extra}`).toString(16)}`;
}

/**
 * Every help desk's and messenger's people, derived deterministically from the contacts of customers (and churned
 * ones): most carry the CRM contact id, some only the email as they retyped it, some their name and a private email,
 * a few a misspelt name; a few are other people with a contact's name, in no company. Documented ground truth:
 * `sandboxPlantedPersonLinks`.
 */
export async function sandboxSystemPeople(db: SqlDb): Promise<SystemPerson[]> {
  return (await planted(db)).map((p) => p.record);
}

/** The CRM's side: every contact's id, account, name and email. */
export async function sandboxCrmContacts(
  db: SqlDb,
): Promise<{ id: string; accountId: string; name: string; email: string }[]> {
  return db.query('SELECT id, account_id AS "accountId", name, email FROM sb_contacts ORDER BY id');
}

/** What each person record really is (tests of the identity graph only). */
export async function sandboxPlantedPersonLinks(db: SqlDb): Promise<PlantedPersonLink[]> {
  return (await planted(db)).map(({ record, contactId, kind }) => ({
    system: record.system,
    externalId: record.externalId,
    contactId,
    kind,
  }));
}

async function planted(db: SqlDb) {
  const contacts = await db.query<ContactRow>(
    `SELECT c.id, c.account_id, c.name, c.email FROM sb_contacts c JOIN sb_accounts a ON a.id = c.account_id
     WHERE a.lifecycle <> 'prospect' ORDER BY c.id`,
  );
  // the person's company is the system's own record of the contact's account, where the system has one
  const companyOf = new Map<string, string>();
  for (const t of await sandboxPlantedLinks(db))
    if (t.accountId) companyOf.set(`${t.system}:${t.accountId}`, t.externalId);
  const out: { record: SystemPerson; contactId: string | null; kind: PlantedPersonKind }[] = [];
  for (const system of PEOPLE_SYSTEMS) {
    for (const c of contacts) {
      const key = `${system}:${c.id}`;
      if (unit(`known:${key}`) >= KNOWN[system]) continue;
      const u = unit(key);
      const company = companyOf.get(`${system}:${c.account_id}`) ?? null;
      const add = (kind: PlantedPersonKind, name: string, email: string | null, crmRef: string | null) =>
        out.push({
          record: {
            system,
            externalId: externalId(system, c.id),
            name,
            email,
            crmRef,
            companyExternalId: company,
          },
          contactId: c.id,
          kind,
        });
      if (u < 0.5) add("clean", c.name, c.email, c.id);
      else if (u < 0.75) add("email", c.name, retyped(c.email), null);
      else if (u < 0.88) add("name", c.name, privateEmail(c.name, key), null);
      else add("typo", typo(c.name, key), privateEmail(c.name, key), null);
      // a different person who happens to share the contact's name, in no company
      if (unit(`decoy:${key}`) < 0.03)
        out.push({
          record: {
            system,
            externalId: externalId(system, c.id, ":decoy"),
            name: c.name,
            email: privateEmail(c.name, `decoy:${key}`),
            crmRef: null,
            companyExternalId: null,
          },
          contactId: null,
          kind: "decoy",
        });
    }
  }
  return out;
}
