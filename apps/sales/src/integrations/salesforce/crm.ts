import type { SalesforceConnector, SObject } from "@revops/connectors";
import { soqlString } from "@revops/connectors";
import { FreshnessTracker, type WithFreshness } from "@revops/connectors/freshness";
import { DIRECTORY_TTL_MS, TtlMemo } from "@revops/connectors/memo";
import type {
  AccountCandidates,
  AccountDetail,
  AccountQuery,
  BulkType,
  ClosedDeal,
  ContactCandidates,
  ContactDetail,
  ContactFields,
  ContactQuery,
  ContactWrite,
  ConversionCell,
  ConversionWrite,
  CrmQuotas,
  DealQuery,
  DealRow,
  DealTimelines,
  IdentityAccount,
  IdentityContact,
  LeadChanges,
  LeadConversion,
  LeadDetail,
  LeadFacts,
  LeadWrite,
  MeetingLog,
  MeetingLogWrite,
  Owner,
  Page,
  RecordFields,
  RecordRow,
  RecordSelection,
  RecordsWrite,
  RecordType,
  RiskInputs,
  RiskQuery,
  SnapshotCell,
  SnapshotPoint,
  StageChange,
} from "@revops/model";
import { isVendorError } from "@revops/resilience";
import { ACCOUNT_CANDIDATES, bareDomain, nameGrams } from "@revops/sandbox";
import { stageReachOf } from "../../domain/forecast";
import {
  type CrmPort,
  type DealChanges,
  type DealDetail,
  type DealRecord,
  type DealWrite,
  type NewDeal,
  type NewTask,
  type StageReach,
  type TaskWrite,
  unexpected,
  type WriteOrigin,
} from "../../ports";
import {
  dealType,
  defaultCategory,
  domainOf,
  forecastCategory,
  matchesQuery,
  ownerIds,
  sizeBand,
} from "../filters";
import { presentSnapshots } from "../forecast-fallback";
import { type FieldHistoryRow, historyRisks, stageChanges } from "../history";
import { logMeetingOnce } from "../meeting-log";
import { oldestFirst, pageOf } from "../paging";
import { STAGE_PROBABILITY, type StageMap, type VendorStage } from "../stages";
import { salesforceContactByEmail, salesforceContactCandidates, salesforceUpsertContact } from "./contacts";
import {
  currencyCaveat,
  fromCorporate,
  minAmountCondition,
  type OrgCurrencies,
  readOrgCurrencies,
  toCorporate,
} from "./currency";
import { salesforceConvertLead } from "./lead-convert";
import { SalesforceLeads } from "./lead-write";
import { salesforceLeadFacts } from "./leads";
import { salesforceQuotaPeriods } from "./quotas";
import { SalesforceRecords } from "./records";

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
/** What a list row adds: next step, newest activity and when the current stage was entered. */
const LIST_EXTRAS = ["NextStep", "LastActivityDate", "LastStageChangeDate"];
const SF_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Opportunity Type picklist values of a standard org for each deal type. */
const SALESFORCE_TYPE = {
  new_business: "New Customer",
  expansion: "Existing Customer - Upgrade",
  renewal: "Existing Customer - Renewal",
} as const;
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
  private readonly stageMemo = new TtlMemo<VendorStage[]>(DIRECTORY_TTL_MS);
  /** The org's currencies; `org` is absent in a single-currency org. */
  private readonly currencyMemo = new TtlMemo<{ org?: OrgCurrencies }>(DIRECTORY_TTL_MS);
  /** "Object.Field" that field-level security hides from this connection. */
  private readonly hidden = new Set<string>();

  constructor(
    private readonly sf: SalesforceConnector,
    private readonly stages: StageMap,
  ) {}

  async listDeals(q: DealQuery = {}): Promise<WithFreshness<Page<DealRow>>> {
    const t = new FreshnessTracker(VENDOR);
    const owners = await this.ownerDirectory(t);
    const ids = ownerIds(q.owner, owners);
    const where = this.rangeWhere(q.closeFrom, q.closeTo);
    if (q.minAmount !== undefined) where.push(minAmountCondition(q.minAmount, await this.orgCurrencies()));
    if (q.accountId) where.push(`AccountId = ${soqlString(q.accountId)}`);
    if (ids?.size === 1) where.push(`OwnerId = ${soqlString([...ids][0] as string)}`);
    const rows = await this.opportunities(where, owners, t, LIST_EXTRAS);
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

  /** Counted here from the closed deals and their stage history (none is read yet: every sample is 0). */
  async stageReach(from: string, to: string, owner?: string): Promise<StageReach> {
    const closed = (await this.dealsClosingBetween(from, to, owner)).filter(
      (d) => d.stage === "closed_won" || d.stage === "closed_lost",
    );
    return stageReachOf(closed, await this.dealStageHistory(closed.map((d) => d.id)));
  }

  /** Stage history is not read yet: no conversion history, so forecasts use CRM stage probabilities. */
  async conversionHistory(_from: string, _to: string, _owner?: string): Promise<ConversionCell[]> {
    return [];
  }

  /** Only the present pipeline (deals as they are now); past points need stage history, not read yet. */
  pipelineSnapshots(points: readonly SnapshotPoint[], owner?: string): Promise<SnapshotCell[]> {
    return presentSnapshots(points, (from, to) => this.dealsClosingBetween(from, to, owner));
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
      this.opportunities([`AccountId = ${idLiteral}`], owners, t, LIST_EXTRAS),
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

  /** Every Account's Id, Name and Website (paged by queryMore inside the read). */
  async identityAccounts(): Promise<IdentityAccount[]> {
    const rows = await this.soql("Id, Name, Website", "Account", [], "Id ASC", new FreshnessTracker(VENDOR));
    return rows.map((r) => ({ id: r.Id, name: str(r.Name), domain: r.Website ? str(r.Website) : null }));
  }

  /** Every Contact with an Account: Id, AccountId, Name and Email (paged by queryMore inside the read). */
  async identityContacts(): Promise<IdentityContact[]> {
    const rows = await this.soql(
      "Id, AccountId, Name, Email",
      "Contact",
      ["AccountId != null"],
      "Id ASC",
      new FreshnessTracker(VENDOR),
    );
    return rows.map((r) => ({
      id: r.Id,
      accountId: str(r.AccountId),
      name: str(r.Name),
      email: r.Email ? str(r.Email) : null,
    }));
  }

  /**
   * Accounts whose Name shares a three-letter piece with `name` (SOQL LIKE, OR-ed), with Website, Industry and
   * OwnerId as exact filters; the app ranks them. Salesforce has no ARR field: arr is null.
   */
  async accountCandidates(q: AccountQuery): Promise<WithFreshness<AccountCandidates>> {
    const t = new FreshnessTracker(VENDOR);
    const owners = await this.ownerDirectory(t);
    const where: string[] = [];
    if (q.name) {
      const grams = nameGrams(q.name);
      if (grams.length === 0) return t.mark({ rows: [], capped: false });
      where.push(`(${grams.map((g) => `Name LIKE '%${g}%'`).join(" OR ")})`);
    }
    const domain = q.domain ? bareDomain(q.domain).replace(/[^a-z0-9.-]/g, "") : "";
    if (domain) where.push(`Website LIKE ${soqlString(`%${domain}%`)}`);
    if (q.industry?.trim()) where.push(`Industry = ${soqlString(q.industry.trim())}`);
    const ids = ownerIds(q.owner, owners);
    if (ids) where.push(`(${[...ids].map((id) => `OwnerId = ${soqlString(id)}`).join(" OR ")})`);
    const limit = Math.max(1, Math.min(ACCOUNT_CANDIDATES, q.limit ?? ACCOUNT_CANDIDATES));
    const rows = await this.soql(
      "Id, Name, Website, Industry, OwnerId, Type",
      "Account",
      where,
      `Name ASC LIMIT ${limit + 1}`,
      t,
    );
    const names = new Map(owners.map((o) => [o.id, o.name]));
    const matched = rows
      .map((r) => ({
        id: r.Id,
        name: str(r.Name),
        domain: domainOf(str(r.Website)),
        industry: str(r.Industry),
        ownerId: str(r.OwnerId),
        ownerName: names.get(str(r.OwnerId)) ?? str(r.OwnerId),
        arr: null,
        lifecycle: lifecycleOf(str(r.Type)),
      }))
      // Website holds a URL: the LIKE is loose, the domain must match exactly
      .filter((a) => !domain || a.domain === domain);
    return t.mark({ rows: matched.slice(0, limit), capped: rows.length > limit });
  }

  /**
   * Open opportunities with LastActivityDate and LastStageChangeDate; OpportunityHistory gives typical stage times
   * (closed deals), close-date pushes and amount cuts; OpportunityContactRole gives the contacts on each deal.
   */
  async openDealRisks(q: RiskQuery): Promise<WithFreshness<RiskInputs>> {
    const t = new FreshnessTracker(VENDOR);
    const owners = await this.ownerDirectory(t);
    const ids = ownerIds(q.owner, owners);
    const meta = await this.stageMetadata().catch(() => undefined);
    // every deal: the closed ones teach the typical stage times of the whole company, not of one owner
    const all = await this.opportunities([], owners, t, ["LastActivityDate", "LastStageChangeDate"]);
    const open = all.filter(
      (d) => isOpen(d) && (!ids || ids.has(d.ownerId)) && (!q.type || d.type === q.type),
    );
    const caveats: string[] = [];
    const history = await this.optional(
      () =>
        this.soql(
          "OpportunityId, StageName, Amount, CloseDate, CreatedDate",
          "OpportunityHistory",
          [],
          "CreatedDate ASC",
          t,
        ),
      "OpportunityHistory",
      caveats,
    );
    const roles = await this.optional(
      () => this.soql("OpportunityId, ContactId", "OpportunityContactRole", [], "OpportunityId ASC", t),
      "OpportunityContactRole",
      caveats,
    );
    const rows: FieldHistoryRow[] | undefined = history?.map((h) => ({
      dealId: str(h.OpportunityId),
      stage: this.stages.toSuite(str(h.StageName), meta),
      amount: h.Amount === null || h.Amount === undefined ? null : num(h.Amount),
      closeDate: h.CloseDate ? str(h.CloseDate).slice(0, 10) : null,
      at: str(h.CreatedDate),
    }));
    const contacts = new Map<string, Set<string>>();
    for (const r of roles ?? []) {
      const set = contacts.get(str(r.OpportunityId)) ?? new Set<string>();
      set.add(str(r.ContactId));
      contacts.set(str(r.OpportunityId), set);
    }
    const org = await this.orgCurrencies();
    if (org && rows) caveats.push("Amount cuts are measured in each deal's own currency.");
    if (roles) caveats.push("Contacts engaged = contact roles on the opportunity.");
    return t.mark(
      historyRisks(all, open, rows, (id) => (roles ? (contacts.get(id)?.size ?? 0) : null), caveats),
    );
  }

  /** A read of an object this connection may lack (no access, edition): undefined and a caveat instead. */
  private async optional<T>(
    read: () => Promise<T>,
    object: string,
    caveats: string[],
  ): Promise<T | undefined> {
    try {
      return await read();
    } catch (err) {
      const text = `${(err as { body?: unknown }).body ?? ""} ${(err as Error).message ?? ""}`;
      if (!/INVALID_TYPE|INSUFFICIENT_ACCESS|not supported/i.test(text)) throw err;
      caveats.push(
        `Salesforce ${object} is not readable by this connection; risks that need it are not checked.`,
      );
      return undefined;
    }
  }

  /**
   * Won and lost opportunities closing in [from, to] with LeadSource, CreatedDate, the account's NumberOfEmployees
   * band and the stage before Closed Lost (OpportunityHistory). Salesforce has no standard loss-reason field.
   */
  async closedDeals(from: string, to: string): Promise<WithFreshness<ClosedDeal[]>> {
    const t = new FreshnessTracker(VENDOR);
    const owners = await this.ownerDirectory(t);
    const meta = await this.stageMetadata().catch(() => undefined);
    const caveats: string[] = [];
    const range = this.rangeWhere(from, to);
    const [deals, extras, accounts, history] = await Promise.all([
      this.opportunities(range, owners, t, ["CreatedDate"]),
      this.soql("Id, LeadSource", "Opportunity", range, "CloseDate DESC", t),
      this.soql("Id, NumberOfEmployees", "Account", [], "Name ASC", t),
      this.optional(
        () =>
          this.soql("OpportunityId, StageName, CreatedDate", "OpportunityHistory", [], "CreatedDate ASC", t),
        "OpportunityHistory",
        caveats,
      ),
    ]);
    const source = new Map(extras.map((r) => [r.Id, str(r.LeadSource)]));
    const band = new Map(
      accounts.map((a) => [a.Id, a.NumberOfEmployees == null ? "" : sizeBand(num(a.NumberOfEmployees))]),
    );
    const lostFrom = new Map<string, DealRow["stage"]>();
    for (const h of history ?? []) {
      const stage = this.stages.toSuite(str(h.StageName), meta);
      if (stage !== "closed_lost" && stage !== "closed_won") lostFrom.set(str(h.OpportunityId), stage);
    }
    const closed = deals
      .filter((d) => !isOpen(d))
      .map((d) => ({
        id: d.id,
        type: d.type,
        amount: d.amount,
        won: d.stage === "closed_won",
        ownerName: d.ownerName,
        segment: band.get(d.accountId) ?? "",
        source: source.get(d.id) || "none",
        createdAt: str(d.createdAt),
        closeDate: d.closeDate,
        lossReason: null,
        lostFrom: d.stage === "closed_lost" ? (lostFrom.get(d.id) ?? null) : null,
      }));
    for (const c of caveats) t.caveat(c);
    return t.mark(closed);
  }

  /**
   * Opportunities created, closing or changed in [from, to], with their OpportunityHistory (the values after each
   * change of StageName, Amount or CloseDate) as stage, amount and close-date changes.
   */
  async dealTimelines(from: string, to: string): Promise<WithFreshness<DealTimelines>> {
    const t = new FreshnessTracker(VENDOR);
    const owners = await this.ownerDirectory(t);
    const meta = await this.stageMetadata().catch(() => undefined);
    const caveats: string[] = [];
    const [all, history] = await Promise.all([
      this.opportunities([], owners, t, ["CreatedDate"]),
      this.optional(
        () =>
          this.soql(
            "OpportunityId, StageName, Amount, CloseDate, CreatedDate",
            "OpportunityHistory",
            [],
            "CreatedDate ASC",
            t,
          ),
        "OpportunityHistory",
        caveats,
      ),
    ]);
    const rows = new Map<string, SObject[]>();
    for (const h of history ?? [])
      rows.set(str(h.OpportunityId), [...(rows.get(str(h.OpportunityId)) ?? []), h]);
    const inPeriod = (ts: unknown) => str(ts).slice(0, 10) >= from && str(ts).slice(0, 10) <= to;
    const deals = all
      .filter(
        (d) =>
          inPeriod(d.createdAt) ||
          inPeriod(d.closeDate) ||
          (rows.get(d.id) ?? []).some((h) => inPeriod(h.CreatedDate)),
      )
      .map((d) => {
        const hist = rows.get(d.id) ?? [];
        const pairs = hist.slice(1).map((h, i) => ({ prev: hist[i] as SObject, h }));
        return {
          id: d.id,
          name: d.name,
          type: d.type,
          amount: d.amount,
          stage: d.stage,
          closeDate: d.closeDate,
          createdAt: str(d.createdAt),
          // a history row that kept the stage (an amount or close-date change) enters no stage
          stages: hist.length
            ? hist
                .map((h) => ({ at: str(h.CreatedDate), stage: this.stages.toSuite(str(h.StageName), meta) }))
                .filter((h, i, all) => i === 0 || h.stage !== all[i - 1]?.stage)
            : [{ at: str(d.createdAt), stage: d.stage }],
          amounts: pairs
            .filter(
              ({ prev, h }) => prev.Amount != null && h.Amount != null && num(prev.Amount) !== num(h.Amount),
            )
            .map(({ prev, h }) => ({
              at: str(h.CreatedDate),
              before: num(prev.Amount),
              after: num(h.Amount),
            })),
          closeDates: pairs
            .filter(
              ({ prev, h }) => prev.CloseDate && h.CloseDate && str(prev.CloseDate) !== str(h.CloseDate),
            )
            .map(({ prev, h }) => ({
              at: str(h.CreatedDate),
              before: str(prev.CloseDate).slice(0, 10),
              after: str(h.CloseDate).slice(0, 10),
            })),
        };
      });
    if (!history)
      caveats.push("Without OpportunityHistory each deal's current stage stands for its whole life.");
    return t.mark({ deals, caveats });
  }

  /**
   * The opportunity with its stage history (OpportunityHistory), its Tasks and Events (WhatId, newest first) and
   * its contact roles (OpportunityContactRole: Role, IsPrimary) with each contact's activities on the deal. Fields
   * hidden by field-level security are left out, never failing the read.
   */
  async dealRecord(id: string, activities: number): Promise<WithFreshness<DealRecord> | undefined> {
    if (!SF_ID.test(id)) return undefined;
    const t = new FreshnessTracker(VENDOR);
    const owners = await this.ownerDirectory(t);
    const lit = soqlString(id);
    const [deal] = await this.opportunities([`Id = ${lit}`], owners, t, [...LIST_EXTRAS, "CreatedDate"]);
    if (!deal) return undefined;
    await this.nameAccounts([deal], t);
    const caveats: string[] = [];
    const [history, tasks, events, roles] = await Promise.all([
      this.optional(
        () =>
          this.soql(
            "StageName, CreatedDate",
            "OpportunityHistory",
            [`OpportunityId = ${lit}`],
            "CreatedDate ASC",
            t,
          ),
        "OpportunityHistory",
        caveats,
      ),
      this.optional(
        () =>
          this.visibleQuery(
            ["Id", "Subject", "TaskSubtype", "ActivityDate", "CreatedDate", "WhoId"],
            "Task",
            `WhatId = ${lit}`,
          ),
        "Task",
        caveats,
      ),
      this.optional(
        () => this.visibleQuery(["Id", "Subject", "ActivityDateTime", "WhoId"], "Event", `WhatId = ${lit}`),
        "Event",
        caveats,
      ),
      this.optional(
        () =>
          this.visibleQuery(
            ["ContactId", "Role", "IsPrimary"],
            "OpportunityContactRole",
            `OpportunityId = ${lit}`,
          ),
        "OpportunityContactRole",
        caveats,
      ),
    ]);
    const meta = await this.stageMetadata().catch(() => undefined);
    const acts = [
      ...(tasks ?? []).map((r) => ({
        id: r.Id,
        type: str(r.TaskSubtype).toLowerCase() || "task",
        subject: str(r.Subject),
        occurredAt: str(r.ActivityDate ?? r.CreatedDate),
        contactId: r.WhoId ? str(r.WhoId) : null,
      })),
      ...(events ?? []).map((r) => ({
        id: r.Id,
        type: "meeting",
        subject: str(r.Subject),
        occurredAt: str(r.ActivityDateTime),
        contactId: r.WhoId ? str(r.WhoId) : null,
      })),
    ].sort((a, b) => b.occurredAt.localeCompare(a.occurredAt) || b.id.localeCompare(a.id));
    const contactIds = [
      ...new Set([...(roles ?? []).map((r) => str(r.ContactId)), ...acts.flatMap((a) => a.contactId ?? [])]),
    ]
      .filter((c) => SF_ID.test(c))
      .slice(0, 100);
    const people = contactIds.length
      ? await this.visibleQuery(
          ["Id", "Name", "Title", "Email"],
          "Contact",
          contactIds.length === 1
            ? `Id = ${soqlString(contactIds[0] as string)}`
            : `(${contactIds.map((c) => `Id = ${soqlString(c)}`).join(" OR ")})`,
        )
      : [];
    const names = new Map(people.map((p) => [p.Id, str(p.Name)]));
    const onDeal = (contactId: string) => acts.filter((a) => a.contactId === contactId);
    return t.mark({
      deal: { ...deal, nextStep: deal.nextStep ?? null },
      createdAt: deal.createdAt ?? null,
      stageHistory: stageChanges(
        (history ?? []).map((h) => ({
          stage: this.stages.toSuite(str(h.StageName), meta),
          at: str(h.CreatedDate),
        })),
      ),
      activities: {
        total: acts.length,
        recent: acts
          .slice(0, activities)
          .map((a) => ({ ...a, contactName: a.contactId ? (names.get(a.contactId) ?? null) : null })),
      },
      // contact roles first (primary first), then people only seen on the deal's activities
      contacts: people
        .map((p) => {
          const role = (roles ?? []).find((r) => str(r.ContactId) === p.Id);
          const mine = onDeal(p.Id);
          return {
            id: p.Id,
            name: str(p.Name),
            title: str(p.Title),
            email: str(p.Email),
            role: role?.Role ? str(role.Role) : null,
            primary: role?.IsPrimary === true,
            activities: mine.length,
            lastActivityAt: mine[0]?.occurredAt ?? null,
          };
        })
        .sort(
          (a, b) =>
            Number(b.primary) - Number(a.primary) ||
            Number(!!b.role) - Number(!!a.role) ||
            b.activities - a.activities,
        ),
      caveats,
    });
  }

  /** One opportunity read now (no stale fallback: a plan's "before" must be what Salesforce holds). */
  async getDeal(id: string): Promise<DealDetail | undefined> {
    return (await this.readDeal(id))?.deal;
  }

  /** The deal, with the currency its Amount is stored in (undefined in a single-currency org). */
  private async readDeal(id: string): Promise<{ deal: DealDetail; currency: unknown } | undefined> {
    if (!SF_ID.test(id)) return undefined;
    const t = new FreshnessTracker(VENDOR);
    const [owners, stages, org] = await Promise.all([
      this.ownerDirectory(t),
      this.stageMetadata(),
      this.orgCurrencies(),
    ]);
    const fields = [...OPPORTUNITY_FIELDS, "NextStep", ...(org ? ["CurrencyIsoCode"] : [])];
    const [r] = await this.visibleQuery(fields, "Opportunity", `Id = ${soqlString(id)}`);
    if (!r) return undefined;
    const deal = this.toDeal(r, new Map(owners.map((o) => [o.id, o.name])), stages, org);
    await this.nameAccounts([deal], t);
    const nextStep = r.NextStep === null || r.NextStep === undefined ? null : str(r.NextStep);
    return { deal: { ...deal, nextStep }, currency: r.CurrencyIsoCode };
  }

  /** A Task (WhatId: the deal, else the account) created once per idempotency key, like an opportunity. */
  async createTask(t: NewTask, origin: WriteOrigin): Promise<TaskWrite> {
    if (!origin.idempotencyKey)
      throw new Error("A Salesforce create needs the confirmed plan's idempotency key.");
    for (const [field, id] of [
      ["owner", t.ownerId],
      ["account_id", t.accountId],
      ["deal_id", t.dealId ?? t.accountId],
    ] as const)
      if (!SF_ID.test(id)) throw new RangeError(`${field}: ${id} is not a Salesforce id.`);
    const fields = {
      Subject: t.subject,
      OwnerId: t.ownerId,
      WhatId: t.dealId ?? t.accountId,
      ActivityDate: dateLiteral("due_date", t.dueDate),
      Status: "Not Started",
      Description: `Created by RevOps (${t.source}).`,
    };
    let created: { id: string; recovered: boolean };
    try {
      created = await this.sf.createTaskOnce(fields, origin.idempotencyKey);
    } catch (err) {
      const text = `${(err as { cause?: { body?: string } }).cause?.body ?? ""} ${(err as Error).message}`;
      if (/INVALID_CROSS_REFERENCE_KEY/.test(text))
        throw new RangeError(
          `owner: Salesforce refused the owner or record (${t.ownerId}, ${fields.WhatId}).`,
        );
      throw err;
    }
    const task = { ...t, dealId: t.dealId ?? null, id: created.id, status: "open" as const, createdAt: "" };
    return { system: "salesforce", id: created.id, task, recovered: created.recovered };
  }

  /**
   * The meeting as a completed Task (Type Meeting) on the opportunity, each action line a follow-up Task, the
   * next step on Opportunity.NextStep; every create keyed (RevOps_Idempotency_Key__c) so a retry finds it.
   */
  async logMeeting(log: MeetingLog, origin: WriteOrigin): Promise<MeetingLogWrite | undefined> {
    const deal = SF_ID.test(log.dealId) ? await this.getDeal(log.dealId) : undefined;
    if (!deal) return undefined;
    const task = (fields: Record<string, unknown>, key: string) =>
      this.sf.createTaskOnce({ OwnerId: deal.ownerId, WhatId: deal.id, ...fields }, key);
    return logMeetingOnce("salesforce", log, deal, origin, {
      meeting: (key) =>
        task(
          {
            Subject: log.subject.slice(0, 255),
            Type: "Meeting",
            Status: "Completed",
            Description: log.notes,
            ...(log.at && { ActivityDate: log.at.slice(0, 10) }),
          },
          key,
        ),
      task: async (t, key) =>
        (
          await task(
            {
              Subject: t.subject.slice(0, 255),
              Status: "Not Started",
              ...(t.due && { ActivityDate: dateLiteral("due", t.due) }),
              Description: "From meeting notes logged by RevOps.",
            },
            key,
          )
        ).id,
      nextStep: async (step) => {
        await this.sf.updateOpportunityOnce(deal.id, { NextStep: step });
      },
    });
  }

  /** A new deal's owner, stage, amount, close date and type in the org's own values (RangeError "field: …"). */
  private async opportunityFields(n: Omit<NewDeal, "accountId" | "name">) {
    if (!SF_ID.test(n.ownerId)) throw new RangeError(`owner: ${n.ownerId} is not a Salesforce user id.`);
    const target = this.stages.toVendor(n.stage, await this.stageMetadata());
    if (!target)
      throw new RangeError(
        `stage: Salesforce has no active opportunity stage for ${n.stage}; map one with SALES_STAGE_MAP ("Your Stage=${n.stage}").`,
      );
    return {
      OwnerId: n.ownerId,
      StageName: target.id,
      Amount: n.amount,
      CloseDate: dateLiteral("close_date", n.closeDate),
      Type: SALESFORCE_TYPE[n.type],
    };
  }

  /**
   * Creates the opportunity once per idempotency key (external id RevOps_Idempotency_Key__c), in the org's own
   * StageName and Type; the amount is given in the corporate currency.
   */
  async createDeal(n: NewDeal, origin: WriteOrigin): Promise<DealWrite> {
    if (!origin.idempotencyKey)
      throw new Error("A Salesforce create needs the confirmed plan's idempotency key.");
    if (!SF_ID.test(n.accountId))
      throw new RangeError(`account_id: ${n.accountId} is not a Salesforce account id.`);
    const fields = { Name: n.name, AccountId: n.accountId, ...(await this.opportunityFields(n)) };
    let created: { id: string; recovered: boolean };
    try {
      created = await this.sf.createOpportunityOnce(fields, origin.idempotencyKey);
    } catch (err) {
      const text = `${(err as { cause?: { body?: string } }).cause?.body ?? ""} ${(err as Error).message}`;
      if (text.includes("RevOps_Idempotency_Key__c"))
        throw new RangeError(
          "account_id: this Salesforce org has no RevOps_Idempotency_Key__c field on Opportunity; an administrator must add it (Text 255, External ID, Unique) so a create can never run twice.",
        );
      if (/INVALID_CROSS_REFERENCE_KEY/.test(text))
        throw new RangeError(
          `account_id: Salesforce refused the account or owner (${n.accountId}, ${n.ownerId}).`,
        );
      throw err;
    }
    const deal = await this.getDeal(created.id);
    if (!deal) throw new Error(`Salesforce created opportunity ${created.id} but does not return it.`);
    return { system: "salesforce", id: created.id, deal, recovered: created.recovered };
  }

  /** PATCHes only the given fields, in Salesforce's own StageName labels and user ids, once (see writeOnce). */
  async updateDeal(
    id: string,
    c: DealChanges,
    _origin: WriteOrigin,
    expected?: DealChanges,
  ): Promise<DealWrite | undefined> {
    const read = await this.readDeal(id);
    if (!read) return undefined;
    const now = read.deal;
    // Salesforce has no compare-and-set on a PATCH: the plan's "before" is checked on a fresh read just before it
    const stale = unexpected(now, expected);
    if (stale.length > 0)
      throw new RangeError(`conflict: deal ${id} changed meanwhile (${stale.join("; ")}).`);
    const fields: Record<string, unknown> = {};
    if (c.stage !== undefined) {
      const stages = await this.stageMetadata();
      const target = this.stages.toVendor(c.stage, stages);
      if (!target)
        throw new RangeError(
          `stage: Salesforce has no active opportunity stage for ${c.stage}; map one with SALES_STAGE_MAP ("Your Stage=${c.stage}").`,
        );
      fields.StageName = target.id;
    }
    // amounts are shown in the corporate currency; Salesforce stores them in the deal's own
    const org = await this.orgCurrencies();
    if (c.amount !== undefined) fields.Amount = org ? fromCorporate(c.amount, read.currency, org) : c.amount;
    if (c.closeDate !== undefined) fields.CloseDate = dateLiteral("close_date", c.closeDate);
    if (c.nextStep !== undefined) fields.NextStep = c.nextStep;
    if (c.ownerId !== undefined) {
      if (!SF_ID.test(c.ownerId)) throw new RangeError(`owner: ${c.ownerId} is not a Salesforce user id.`);
      fields.OwnerId = c.ownerId;
    }
    const { recovered } = await this.sf.updateOpportunityOnce(id, fields);
    const deal = await this.getDeal(id);
    return deal && { system: "salesforce", id, deal, recovered };
  }

  private recordsMemo?: SalesforceRecords;
  /** Bulk record changes and deletes (sObject Collections), stages mapped as the deals' are. */
  private get records(): SalesforceRecords {
    this.recordsMemo ??= new SalesforceRecords(this.sf, {
      toSuite: async (v) => this.stages.toSuite(v, await this.stageMetadata()),
      toVendor: async (st) => this.stages.toVendor(st, await this.stageMetadata())?.id,
    });
    return this.recordsMemo;
  }

  selectRecords(type: RecordType, sel: RecordSelection, limit: number): Promise<RecordRow[]> {
    return this.records.select(type, sel, limit);
  }

  updateRecords(type: BulkType, ids: string[], f: RecordFields, origin: WriteOrigin): Promise<RecordsWrite> {
    return this.records.update(type, ids, f, origin);
  }

  deleteRecords(type: RecordType, ids: string[], origin: WriteOrigin): Promise<RecordsWrite> {
    return this.records.remove(type, ids, origin);
  }

  /** Contacts that may match `q` (contacts_search ranks them). */
  async contactCandidates(q: ContactQuery): Promise<WithFreshness<ContactCandidates>> {
    const t = new FreshnessTracker(VENDOR);
    return t.mark(
      await salesforceContactCandidates(this.sf, q, t, async (name) =>
        (await this.accountCandidates({ name })).rows.map((a) => a.id),
      ),
    );
  }

  /** The contact with this email, read fresh. */
  contactByEmail(email: string): Promise<ContactDetail | undefined> {
    return salesforceContactByEmail(this.sf, email);
  }

  /** Creates or updates the contact with this email, once (the email is the key). */
  upsertContact(
    email: string,
    fields: ContactFields,
    _origin: WriteOrigin,
    expected?: ContactFields | null,
  ): Promise<ContactWrite> {
    return salesforceUpsertContact(this.sf, email, fields, expected);
  }

  private leadsMemo?: SalesforceLeads;
  private get leads(): SalesforceLeads {
    this.leadsMemo ??= new SalesforceLeads(
      this.sf,
      async (id) =>
        (await this.ownerDirectory(new FreshnessTracker(VENDOR)).catch(() => [] as Owner[])).find(
          (o) => o.id === id,
        )?.name ?? id,
    );
    return this.leadsMemo;
  }

  /** The lead, read fresh. */
  getLead(id: string): Promise<LeadDetail | undefined> {
    return this.leads.get(id);
  }

  /** Sets the lead's status, owner or rating once (see SalesforceLeads.update). */
  updateLead(
    id: string,
    changes: LeadChanges,
    _origin: WriteOrigin,
    expected?: LeadChanges,
  ): Promise<LeadWrite | undefined> {
    return this.leads.update(id, changes, expected);
  }

  /** Converts through Salesforce's SOAP convertLead, once per key (see salesforceConvertLead). */
  convertLead(leadId: string, conv: LeadConversion, origin: WriteOrigin): Promise<ConversionWrite> {
    return salesforceConvertLead(
      { sf: this.sf, lead: (id) => this.leads.get(id), dealFields: (d) => this.opportunityFields(d) },
      leadId,
      conv,
      origin,
    );
  }

  /** Every lead with its outcome, oldest first (what lead_score learns from). */
  async leadFacts(): Promise<WithFreshness<LeadFacts[]>> {
    const t = new FreshnessTracker(VENDOR);
    const owners = await this.ownerDirectory(t).catch(() => []);
    return t.mark(await salesforceLeadFacts(this.sf, t, new Map(owners.map((o) => [o.id, o.name]))));
  }

  listOwners(): Promise<Owner[]> {
    return this.ownerDirectory(new FreshnessTracker(VENDOR));
  }

  /** Collaborative Forecasts quotas overlapping [from, to] (see salesforceQuotaPeriods). */
  async quotaPeriods(from: string, to: string): Promise<WithFreshness<CrmQuotas>> {
    const t = new FreshnessTracker(VENDOR);
    const org = await this.orgCurrencies();
    const query = async (soql: string) => {
      const result = t.take(await this.sf.sdk.runtime.read(`soql:${soql}`, () => this.sf.query(soql)));
      return result.records;
    };
    return t.mark(await salesforceQuotaPeriods(query, from, to, org));
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

  private async opportunities(
    where: string[],
    owners: Owner[],
    t: FreshnessTracker,
    extra: string[] = [],
  ): Promise<DealRow[]> {
    // stage metadata classifies custom stages; without it (no access, outage) the stage map alone decides
    const meta = await this.stageMetadata().catch(() => undefined);
    const org = await this.orgCurrencies();
    if (org) t.caveat(currencyCaveat(org));
    const wanted = [...OPPORTUNITY_FIELDS, ...extra, ...(org ? ["CurrencyIsoCode"] : [])];
    let records: SObject[];
    for (;;) {
      const fields = wanted.filter((f) => !this.hidden.has(`Opportunity.${f}`));
      try {
        records = await this.soql(fields.join(", "), "Opportunity", where, "CloseDate DESC", t);
        break;
      } catch (err) {
        const column = hiddenColumn(err);
        if (!column || !fields.includes(column) || column === "Id") throw err;
        this.hidden.add(`Opportunity.${column}`);
      }
    }
    const names = new Map(owners.map((o) => [o.id, o.name]));
    return records.map((r) => this.toDeal(r, names, meta, org));
  }

  /** Detected once per TTL: in a multi-currency org amounts are converted into the corporate currency. */
  private async orgCurrencies(): Promise<OrgCurrencies | undefined> {
    const hit = this.currencyMemo.get("org");
    if (hit) return hit.org;
    const org = await readOrgCurrencies(
      async (soql) =>
        (await this.sf.sdk.runtime.read(`soql:${soql}`, () => this.sf.query(soql))).value.records,
    );
    this.currencyMemo.set("org", org ? { org } : {});
    return org;
  }

  /** OpportunityStage: the StageName picklist with IsClosed/IsWon, so custom stages are classified by what they mean. */
  private async stageMetadata(): Promise<VendorStage[]> {
    const hit = this.stageMemo.get("all");
    if (hit) return hit;
    const rows = await this.visibleQuery(
      ["MasterLabel", "IsActive", "IsClosed", "IsWon", "DefaultProbability", "SortOrder"],
      "OpportunityStage",
      "IsActive = true",
      "SortOrder ASC",
    );
    const stages = rows.map((r) => ({
      id: str(r.MasterLabel),
      label: str(r.MasterLabel),
      isClosed: r.IsClosed === true,
      isWon: r.IsWon === true,
      probability: num(r.DefaultProbability),
    }));
    this.stageMemo.set("all", stages);
    return stages;
  }

  /**
   * A live query that leaves out fields field-level security hides from the integration user: Salesforce fails the
   * whole query on one hidden field (INVALID_FIELD), so the field is dropped, remembered and the query repeated.
   */
  private async visibleQuery(
    fields: string[],
    object: string,
    where: string,
    orderBy?: string,
  ): Promise<SObject[]> {
    for (;;) {
      const wanted = fields.filter((f) => f === "Id" || !this.hidden.has(`${object}.${f}`));
      const soql = `SELECT ${wanted.join(", ")} FROM ${object} WHERE ${where}${orderBy ? ` ORDER BY ${orderBy}` : ""}`;
      try {
        return (await this.sf.query(soql)).records;
      } catch (err) {
        const column = hiddenColumn(err);
        if (!column || !wanted.includes(column) || column === "Id") throw err;
        this.hidden.add(`${object}.${column}`);
      }
    }
  }

  private toDeal(
    r: SObject,
    ownerNames: Map<string, string>,
    meta?: VendorStage[],
    org?: OrgCurrencies,
  ): DealRow {
    const stage = this.stages.toSuite(str(r.StageName), meta);
    const ownerId = str(r.OwnerId);
    const accountId = str(r.AccountId);
    return {
      id: r.Id,
      name: str(r.Name),
      accountId,
      accountName: this.accountNames.get(accountId) ?? "",
      stage,
      amount: org ? toCorporate(num(r.Amount), r.CurrencyIsoCode, org) : num(r.Amount),
      closeDate: str(r.CloseDate).slice(0, 10),
      ownerId,
      ownerName: ownerNames.get(ownerId) ?? ownerId,
      probability:
        r.Probability === null || r.Probability === undefined ? STAGE_PROBABILITY[stage] : num(r.Probability),
      forecastCategory: forecastCategory(str(r.ForecastCategoryName), defaultCategory(stage)),
      type: dealType(str(r.Type)),
      ...("NextStep" in r && { nextStep: r.NextStep == null ? null : str(r.NextStep) }),
      ...("LastActivityDate" in r && {
        lastActivityAt: r.LastActivityDate == null ? null : str(r.LastActivityDate),
      }),
      ...("LastStageChangeDate" in r && {
        stageEnteredAt: r.LastStageChangeDate == null ? null : str(r.LastStageChangeDate),
      }),
      ...("CreatedDate" in r && { createdAt: r.CreatedDate == null ? null : str(r.CreatedDate) }),
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

/** The column of an INVALID_FIELD answer ("No such column 'Probability' on entity 'Opportunity'"), if it is one. */
function hiddenColumn(err: unknown): string | undefined {
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    const text = `${(e as { body?: unknown }).body ?? ""} ${(e as Error).message ?? ""}`;
    if (!text.includes("INVALID_FIELD")) continue;
    const m = /No such column '(\w+)'/.exec(text);
    if (m) return m[1];
  }
  return undefined;
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
