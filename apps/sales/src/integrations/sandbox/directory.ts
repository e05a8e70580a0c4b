import type { SqlDb } from "@revops/store";

/** One company of the sandbox's Apollo-like directory; `accountId` when the sandbox CRM holds it too. */
export interface DirectoryCompany {
  id: string;
  name: string;
  domain: string;
  industry: string;
  employees: number;
  annualRevenue: number;
  country: string;
  technologies: string[];
  accountId?: string;
}

export interface DirectoryPerson {
  id: string;
  firstName: string;
  lastName: string;
  title: string;
  seniority: string;
  email: string;
  domain: string;
}

export interface Directory {
  companies: DirectoryCompany[];
  byDomain: Map<string, DirectoryCompany>;
  people: DirectoryPerson[];
}

/** FNV-1a: the same text gives the same number on every machine, so the directory is the same everywhere. */
export function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
const pick = <T>(list: readonly T[], seed: string): T => list[hash(seed) % list.length] as T;

const ROOTS = ["Bright", "North", "Clear", "Iron", "Blue", "Silver", "Summit", "Harbor", "Pine", "Vector"];
const FORMS = [
  "wave Labs",
  "field Systems",
  "stone Group",
  "point Analytics",
  "bridge Health",
  "line Logistics",
];
const FIRST = ["Maya", "Liam", "Ava", "Noah", "Zoe", "Omar", "Ines", "Kenji", "Lena", "Raj", "Sofia", "Tom"];
const LAST = [
  "Okafor",
  "Lindqvist",
  "Moreno",
  "Chen",
  "Novak",
  "Haddad",
  "Brennan",
  "Sato",
  "Fischer",
  "Patel",
];
const TITLES: readonly (readonly [string, string])[] = [
  ["Chief Revenue Officer", "c_suite"],
  ["VP of Sales", "vp"],
  ["Head of Revenue Operations", "head"],
  ["Director of Sales Operations", "director"],
  ["Sales Operations Manager", "manager"],
  ["Senior Account Executive", "senior"],
  ["Business Analyst", "entry"],
];
const TECH = ["salesforce", "hubspot", "snowflake", "google analytics", "zendesk", "segment", "aws", "slack"];
/** The sandbox's seniority (1 = C-level … 5 = individual contributor) in Apollo's words. */
const SENIORITY = ["c_suite", "c_suite", "vp", "director", "manager", "senior"];

const revenueOf = (seed: string, employees: number) => employees * (150_000 + (hash(seed) % 150_000));

function technologies(domain: string): string[] {
  const first = hash(domain) % TECH.length;
  return [0, 3, 5].map((k) => TECH[(first + k) % TECH.length] as string);
}

const cache = new WeakMap<SqlDb, Promise<Directory>>();

/** The directory generated from the sandbox company: its accounts as Apollo would know them, and new companies. */
export function sandboxDirectory(db: SqlDb): Promise<Directory> {
  let dir = cache.get(db);
  if (!dir) {
    dir = buildDirectory(db);
    cache.set(db, dir);
  }
  return dir;
}

async function buildDirectory(db: SqlDb): Promise<Directory> {
  const accounts = await db.query<{
    id: string;
    name: string;
    domain: string;
    industry: string;
    employees: number;
    country: string;
  }>("SELECT id, name, domain, industry, employees, country FROM sb_accounts ORDER BY id");
  const contacts = await db.query<{
    id: string;
    first_name: string;
    last_name: string;
    title: string;
    seniority: number;
    email: string;
    account_id: string;
  }>("SELECT id, first_name, last_name, title, seniority, email, account_id FROM sb_contacts ORDER BY id");
  const industries = [...new Set(accounts.map((a) => a.industry))].sort();
  const countries = [...new Set(accounts.map((a) => a.country).filter(Boolean))].sort();
  const companies: DirectoryCompany[] = accounts.map((a) => {
    // the directory's figures drift from the CRM's (-15 % … +24 %) and one industry in five differs
    const employees = Math.max(1, Math.round(Number(a.employees) * (0.85 + (hash(`e${a.id}`) % 40) / 100)));
    return {
      id: `dir_${a.id}`,
      name: a.name,
      domain: a.domain.toLowerCase(),
      industry: hash(`i${a.id}`) % 5 === 0 ? pick(industries, `j${a.id}`) : a.industry,
      employees,
      annualRevenue: revenueOf(a.id, employees),
      country: a.country,
      technologies: technologies(a.domain),
      accountId: a.id,
    };
  });
  const taken = new Set(companies.map((c) => c.domain));
  for (let i = 0; i < Math.ceil(accounts.length / 2); i++) {
    const seed = `new${i}`;
    const name = `${pick(ROOTS, seed)}${pick(FORMS, `f${seed}`)}`;
    const base = name.toLowerCase().replace(/[^a-z]/g, "");
    let domain = `${base}.com`;
    for (let n = 2; taken.has(domain); n++) domain = `${base}${n}.com`;
    taken.add(domain);
    const employees = 20 + (hash(`e${seed}`) % 4_980);
    companies.push({
      id: `dir_new_${String(i + 1).padStart(4, "0")}`,
      name: domain === `${base}.com` ? name : `${name} ${domain.slice(base.length, -4)}`,
      domain,
      industry: pick(industries, `i${seed}`),
      employees,
      annualRevenue: revenueOf(seed, employees),
      country: pick(countries, `c${seed}`),
      technologies: technologies(domain),
    });
  }
  const byDomain = new Map(companies.map((c) => [c.domain, c]));
  const byAccount = new Map(companies.filter((c) => c.accountId).map((c) => [c.accountId, c]));
  const people: DirectoryPerson[] = [];
  for (const c of contacts) {
    const company = byAccount.get(c.account_id);
    if (!company) continue;
    people.push({
      id: `dir_${c.id}`,
      firstName: c.first_name,
      lastName: c.last_name,
      title: c.title,
      seniority: SENIORITY[Number(c.seniority)] ?? "entry",
      email: c.email.toLowerCase(),
      domain: company.domain,
    });
  }
  // people the CRM does not know yet: two at each account, three at each new company
  for (const company of companies) {
    for (let k = 0; k < (company.accountId ? 2 : 3); k++) {
      const seed = `${company.id}:${k}`;
      const [title, seniority] = pick(TITLES, `t${seed}`);
      const firstName = pick(FIRST, `f${seed}`);
      const lastName = pick(LAST, `l${seed}`);
      people.push({
        id: `dir_p_${company.id.slice(4)}_${k}`,
        firstName,
        lastName,
        title,
        seniority,
        email: `${firstName}.${lastName}.${k}@${company.domain}`.toLowerCase(),
        domain: company.domain,
      });
    }
  }
  return { companies, byDomain, people };
}
