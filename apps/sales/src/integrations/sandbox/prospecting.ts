import type { WriteOrigin } from "@revops/model";
import { journalChanges } from "@revops/sandbox";
import type { SqlDb } from "@revops/store";
import { maskLastName } from "../../domain/prospects";
import type {
  AccountFirmographics,
  AccountWritePort,
  CompanyProfile,
  ProspectCompany,
  ProspectFilter,
  ProspectingPort,
  ProspectPerson,
} from "../../ports-prospecting";
import { revenueBand } from "../revenue-band";
import { type DirectoryCompany, type DirectoryPerson, sandboxDirectory } from "./directory";

const has = (wanted: string[] | undefined, value: string) =>
  !wanted?.length || wanted.some((w) => value.toLowerCase().includes(w.toLowerCase()));
const oneOf = (wanted: string[] | undefined, value: string) =>
  !wanted?.length || wanted.some((w) => w.toLowerCase() === value.toLowerCase());

function companyMatches(c: DirectoryCompany, f: ProspectFilter): boolean {
  return (
    oneOf(f.domains, c.domain) &&
    has(f.industries, c.industry) &&
    has(f.locations, c.country) &&
    c.employees >= (f.employeesMin ?? 0) &&
    c.employees <= (f.employeesMax ?? Number.MAX_SAFE_INTEGER)
  );
}

const page = <T>(rows: T[], f: ProspectFilter) => rows.slice((f.page - 1) * f.perPage, f.page * f.perPage);

const asPerson = (p: DirectoryPerson, c: DirectoryCompany | undefined): ProspectPerson => ({
  id: p.id,
  firstName: p.firstName,
  lastNameMasked: maskLastName(p.lastName),
  title: p.title,
  seniority: p.seniority,
  company: c?.name ?? null,
  domain: p.domain,
  hasEmail: true,
});

const asCompany = (c: DirectoryCompany): ProspectCompany => ({
  id: c.id,
  name: c.name,
  domain: c.domain,
  industry: c.industry,
  employees: c.employees,
  location: c.country || null,
});

export const profileOf = (c: DirectoryCompany): CompanyProfile => ({
  name: c.name,
  industry: c.industry,
  employees: c.employees,
  revenueBand: revenueBand(c.annualRevenue),
  country: c.country || null,
  location: c.country || null,
  technologies: c.technologies,
});

/** The sandbox's Apollo-like directory: charged like Apollo in credits, though no money is spent. */
export class SandboxProspecting implements ProspectingPort {
  readonly source = "sandbox" as const;
  constructor(private readonly db: SqlDb) {}

  async findPeople(f: ProspectFilter) {
    const dir = await sandboxDirectory(this.db);
    const hits = dir.people.filter((p) => {
      const c = dir.byDomain.get(p.domain);
      return !!c && companyMatches(c, f) && has(f.titles, p.title) && oneOf(f.seniorities, p.seniority);
    });
    return {
      total: hits.length,
      rows: page(hits, f).map((p) => asPerson(p, dir.byDomain.get(p.domain))),
      credits: 0,
    };
  }

  async findCompanies(f: ProspectFilter) {
    const dir = await sandboxDirectory(this.db);
    const hits = dir.companies.filter((c) => companyMatches(c, f));
    const rows = page(hits, f).map(asCompany);
    return { total: hits.length, rows, credits: rows.length > 0 ? 1 : 0 };
  }

  async enrich(domain: string, people: number) {
    const dir = await sandboxDirectory(this.db);
    const company = dir.byDomain.get(domain.toLowerCase());
    if (!company) return { people: [], credits: 0 };
    const found = dir.people
      // the people search's order, as Apollo reveals the ones its search returns first
      .filter((p) => p.domain === company.domain)
      .slice(0, people)
      .map((p) => ({ name: `${p.firstName} ${p.lastName}`, title: p.title, email: p.email }));
    return { profile: profileOf(company), people: found, credits: 1 + found.length };
  }
}

const COLUMNS = { industry: "industry", employees: "employees", country: "country" } as const;

/** Enriched fields written onto a sandbox account, journalled, once per idempotency key. */
export class SandboxAccountWrite implements AccountWritePort {
  constructor(private readonly db: SqlDb) {}

  updateFirmographics(
    accountId: string,
    changes: AccountFirmographics,
    origin: WriteOrigin,
    expected: AccountFirmographics,
  ) {
    return this.db.transaction(async (tx) => {
      if (origin.idempotencyKey) {
        const done = await tx.one("SELECT record_id FROM sb_changes WHERE idempotency_key = ? LIMIT 1", [
          origin.idempotencyKey,
        ]);
        if (done) return { system: "sandbox", id: accountId };
      }
      const lock = tx.dialect === "postgres" ? " FOR UPDATE" : "";
      const cur = await tx.one<Record<string, unknown>>(
        `SELECT industry, employees, country FROM sb_accounts WHERE id = ?${lock}`,
        [accountId],
      );
      if (!cur) return undefined;
      const now = (k: keyof AccountFirmographics) => (k === "employees" ? Number(cur[k]) : cur[k]);
      const stale = (Object.keys(expected) as (keyof AccountFirmographics)[]).filter(
        (k) => expected[k] !== undefined && now(k) !== expected[k],
      );
      if (stale.length > 0)
        throw new RangeError(
          `conflict: account ${accountId} changed meanwhile (${stale.map((k) => `${k} is now ${JSON.stringify(now(k))}`).join("; ")}).`,
        );
      const keys = (Object.keys(COLUMNS) as (keyof AccountFirmographics)[]).filter(
        (k) => changes[k] !== undefined && changes[k] !== now(k),
      );
      if (keys.length === 0) return { system: "sandbox", id: accountId };
      await tx.run(`UPDATE sb_accounts SET ${keys.map((k) => `${COLUMNS[k]} = ?`).join(", ")} WHERE id = ?`, [
        ...keys.map((k) => changes[k]),
        accountId,
      ]);
      await journalChanges(
        tx,
        keys.map((k) => ({
          entity: "account",
          recordId: accountId,
          field: k,
          before: now(k),
          after: changes[k],
        })),
        origin,
      );
      return { system: "sandbox", id: accountId };
    });
  }
}
