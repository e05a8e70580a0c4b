import type { SalesforceConnector, SObject } from "@revops/connectors";
import { soqlString } from "@revops/connectors";
import { FreshnessTracker, type WithFreshness } from "@revops/connectors/freshness";
import { DIRECTORY_TTL_MS, TtlMemo } from "@revops/connectors/memo";
import { isVendorError } from "@revops/resilience";
import type { AccountDetail, DealQuery, DealRow, Owner, Page, StageChange } from "@revops/sandbox";
import type { CrmPort } from "../../ports";
import {
  dealType,
  defaultCategory,
  domainOf,
  forecastCategory,
  matchesQuery,
  ownerIds,
  sizeBand,
} from "../filters";
import { oldestFirst, pageOf } from "../paging";
import { STAGE_PROBABILITY, type StageMap } from "../stages";

const OPPORTUNITY_FIELDS = [
  "Id",
  "Name",
  "AccountId",
  "StageName",
  "Amount",
  "CloseDate",
  "OwnerId",
  "Probability",
  "ForecastCategoryName",
  "Type",
];
const SF_DATE = /^\d{4}-\d{2}-\d{2}$/;
const SF_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;
const VENDOR = "Salesforce";

const str = (v: unknown): string => (v === null || v === undefined ? "" : String(v));
const num = (v: unknown): number => (v === null || v === undefined || v === "" ? 0 : Number(v));

function dateLiteral(field: string, value: string): string {
  if (!SF_DATE.test(value)) throw new RangeError(`${field} must be YYYY-MM-DD, got ${value}`);
  return value; // SOQL date literals are unquoted
}

/** CrmPort over Salesforce: Opportunity, Account, User and Contact through SOQL, mapped to the sandbox's rows. */
export class SalesforceCrm implements CrmPort {
  private readonly owners = new TtlMemo<Owner[]>(DIRECTORY_TTL_MS);
  private readonly accountNames = new TtlMemo<string>(DIRECTORY_TTL_MS);

  constructor(
    private readonly sf: SalesforceConnector,
    private readonly stages: StageMap,
  ) {}

  async listDeals(q: DealQuery = {}): Promise<WithFreshness<Page<DealRow>>> {
    const t = new FreshnessTracker(VENDOR);
    const owners = await this.ownerDirectory(t);
    const ids = ownerIds(q.owner, owners);
    const where = this.rangeWhere(q.closeFrom, q.closeTo);
    if (q.minAmount !== undefined) where.push(`Amount >= ${Number(q.minAmount)}`);
    if (q.accountId) where.push(`AccountId = ${soqlString(q.accountId)}`);
    if (ids?.size === 1) where.push(`OwnerId = ${soqlString([...ids][0] as string)}`);
    const rows = await this.opportunities(where, owners, t);
    const page = pageOf(
      rows.filter((d) => matchesQuery(d, q, ids)),
      q.cursor,
      q.limit,
    );
    await this.nameAccounts(page.rows, t);
    return t.mark(page);
  }

  /** Analytics rows: account names are left out (one lookup per account would cost a request each). */
  async dealsClosingBetween(from: string, to: string, owner?: string): Promise<WithFreshness<DealRow[]>> {
    const t = new FreshnessTracker(VENDOR);
    const owners = await this.ownerDirectory(t);
    const ids = ownerIds(owner, owners);
    const rows = await this.opportunities(this.rangeWhere(from, to), owners, t);
    return t.mark(rows.filter((d) => !ids || ids.has(d.ownerId)).sort(oldestFirst));
  }

  /** OpportunityHistory is not read yet: forecasts fall back to CRM probabilities. */
  async dealStageHistory(_dealIds: string[]): Promise<StageChange[]> {
    return [];
  }

  async getAccount(id: string): Promise<WithFreshness<AccountDetail> | undefined> {
    if (!SF_ID.test(id)) return undefined;
    const t = new FreshnessTracker(VENDOR);
    let account: SObject;
    try {
      account = t.take(await this.sf.getAccount(id));
    } catch (err) {
      if (isVendorError(err) && err.kind === "not_found") return undefined;
      throw err;
    }
    const owners = await this.ownerDirectory(t);
    const idLiteral = soqlString(id);
    const [deals, contacts] = await Promise.all([
      this.opportunities([`AccountId = ${idLiteral}`], owners, t),
      this.soql("Id, Name, Title, Email", "Contact", [`AccountId = ${idLiteral}`], "Name ASC", t),
    ]);
    const name = str(account.Name);
    this.accountNames.set(id, name);
    const ownerId = str(account.OwnerId);
    const employees = num(account.NumberOfEmployees);
    const openDeals = deals
      .filter(isOpen)
      .map((d) => ({ ...d, accountName: name }))
      .sort(oldestFirst);
    return t.mark({
      id,
      name,
      domain: domainOf(str(account.Website)),
      industry: str(account.Industry),
      sizeBand: sizeBand(employees),
      employees,
      region: str(account.BillingState),
      country: str(account.BillingCountry),
      ownerId,
      ownerName: owners.find((o) => o.id === ownerId)?.name ?? ownerId,
      // Salesforce has no standard ARR field; AnnualRevenue is the company's revenue, not ours
      arr: 0,
      lifecycle: lifecycleOf(str(account.Type)),
      contacts: {
        total: contacts.length,
        top: contacts.slice(0, 5).map((c) => ({
          id: c.Id,
          name: str(c.Name),
          title: str(c.Title),
          email: str(c.Email),
        })),
      },
      openDeals,
      recentActivities: [],
    });
  }

  async searchAccounts(prefix: string, limit: number): Promise<{ id: string; name: string }[]> {
    const t = new FreshnessTracker(VENDOR);
    const n = Math.min(100, Math.max(1, Math.floor(Number.isFinite(limit) ? limit : 10)));
    const rows = await this.soql("Id, Name", "Account", [], "Name ASC", t);
    const p = prefix.toLowerCase();
    return rows
      .filter((r) => str(r.Name).toLowerCase().startsWith(p))
      .slice(0, n)
      .map((r) => ({ id: r.Id, name: str(r.Name) }));
  }

  listOwners(): Promise<Owner[]> {
    return this.ownerDirectory(new FreshnessTracker(VENDOR));
  }

  private rangeWhere(from?: string, to?: string): string[] {
    const where: string[] = [];
    if (from) where.push(`CloseDate >= ${dateLiteral("close_from", from)}`);
    if (to) where.push(`CloseDate <= ${dateLiteral("close_to", to)}`);
    return where;
  }

  /** One SOQL read with the stale fallback (the connector's `query` alone has none). */
  private async soql(
    fields: string,
    object: string,
    where: string[],
    orderBy: string,
    t: FreshnessTracker,
  ): Promise<SObject[]> {
    const soql = `SELECT ${fields} FROM ${object}${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY ${orderBy}`;
    const read = await this.sf.sdk.runtime.read(`soql:${soql}`, () => this.sf.query(soql));
    const result = t.take(read);
    if (!result.complete) {
      t.partial(
        `Salesforce has ${result.totalSize.toLocaleString("en-US")} matching ${object} records; ${result.records.length.toLocaleString("en-US")} were read — narrow by owner or dates.`,
      );
    }
    return result.records;
  }

  private async opportunities(where: string[], owners: Owner[], t: FreshnessTracker): Promise<DealRow[]> {
    const records = await this.soql(OPPORTUNITY_FIELDS.join(", "), "Opportunity", where, "CloseDate DESC", t);
    const names = new Map(owners.map((o) => [o.id, o.name]));
    return records.map((r) => this.toDeal(r, names));
  }

  private toDeal(r: SObject, ownerNames: Map<string, string>): DealRow {
    const stage = this.stages.toSuite(str(r.StageName));
    const ownerId = str(r.OwnerId);
    const accountId = str(r.AccountId);
    return {
      id: r.Id,
      name: str(r.Name),
      accountId,
      accountName: this.accountNames.get(accountId) ?? "",
      stage,
      amount: num(r.Amount),
      closeDate: str(r.CloseDate).slice(0, 10),
      ownerId,
      ownerName: ownerNames.get(ownerId) ?? ownerId,
      probability:
        r.Probability === null || r.Probability === undefined ? STAGE_PROBABILITY[stage] : num(r.Probability),
      forecastCategory: forecastCategory(str(r.ForecastCategoryName), defaultCategory(stage)),
      type: dealType(str(r.Type)),
    };
  }

  private async ownerDirectory(t: FreshnessTracker): Promise<Owner[]> {
    const hit = this.owners.get("all");
    if (hit) return hit;
    const users = await this.soql("Id, Name, Email", "User", [], "Name ASC", t);
    const owners = users.map((u) => ({ id: u.Id, name: str(u.Name), email: str(u.Email), region: "" }));
    this.owners.set("all", owners);
    return owners;
  }

  /** Fills account names on the rows of one page (cached; one query per unknown account). */
  private async nameAccounts(rows: DealRow[], t: FreshnessTracker): Promise<void> {
    const missing = [...new Set(rows.filter((r) => !r.accountName && r.accountId).map((r) => r.accountId))];
    await Promise.all(
      missing.map(async (id) => {
        const [a] = await this.soql("Id, Name", "Account", [`Id = ${soqlString(id)}`], "Name ASC", t);
        this.accountNames.set(id, str(a?.Name));
      }),
    );
    for (const r of rows) r.accountName ||= this.accountNames.get(r.accountId) ?? "";
  }
}

function isOpen(d: DealRow): boolean {
  return d.stage !== "closed_won" && d.stage !== "closed_lost";
}

/** Account Type → the sandbox's lifecycle (prospect | customer | churned). */
function lifecycleOf(type: string): string {
  const v = type.toLowerCase();
  if (v.includes("former") || v.includes("churn")) return "churned";
  if (v.includes("customer")) return "customer";
  return "prospect";
}
