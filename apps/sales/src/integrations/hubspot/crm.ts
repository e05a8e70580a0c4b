import type { HubSpotConnector } from "@revops/connectors";
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
  DealTimeline,
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
import { ACCOUNT_CANDIDATES, bareDomain, nameGrams, normalName } from "@revops/sandbox";
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
import { historyRisks, stageChanges } from "../history";
import { logMeetingOnce } from "../meeting-log";
import { oldestFirst, pageOf } from "../paging";
import { STAGE_PROBABILITY, type StageMap, type VendorStage } from "../stages";
import { hubspotContactByEmail, hubspotContactCandidates, hubspotUpsertContact } from "./contacts";
import { HubSpotLeads } from "./lead-write";
import { hubspotLeadFacts } from "./leads";
import { hubspotQuotaPeriods } from "./quotas";
import { HubSpotRecords } from "./records";

/** A deal pipeline with its stages (the connector's type, not re-exported by its index). */
type HubSpotPipeline = Awaited<ReturnType<HubSpotConnector["dealPipelines"]>>[number];

/** A HubSpot object as cached: plain JSON (the SDK's Date fields would not survive the stale cache). */
interface HsObject {
  id: string;
  properties: Record<string, string | null>;
}
type Filter =
  | { propertyName: string; operator: "EQ" | "GTE" | "LTE" | "CONTAINS_TOKEN"; value: string }
  | { propertyName: string; operator: "NOT_IN"; values: string[] };

const DEAL_PROPS = [
  "dealname",
  "amount",
  "dealstage",
  "closedate",
  "hubspot_owner_id",
  "hs_deal_stage_probability",
  "hs_manual_forecast_category",
  "dealtype",
  "pipeline",
];
/** What a list row adds: next step, last activity and when the deal entered its current stage. */
const LIST_PROPS = [...DEAL_PROPS, "hs_next_step", "notes_last_updated", "hs_v2_date_entered_current_stage"];
const RISK_PROPS = [...LIST_PROPS, "num_associated_contacts"];
/** Search takes at most five filter groups (OR-ed). */
const MAX_GROUPS = 5;
const COMPANY_PROPS = [
  "name",
  "domain",
  "industry",
  "numberofemployees",
  "country",
  "state",
  "hubspot_owner_id",
  "lifecyclestage",
];
const CONTACT_PROPS = ["firstname", "lastname", "email", "jobtitle"];
const VENDOR = "HubSpot";
/** Search pages are at most 200 rows; the cap keeps one call bounded. */
const SEARCH_PAGE = 200;
const MAX_DEALS = 2000;
const HS_ID = /^\d{1,20}$/;
/** Engagement object types read as a deal's activities, with the property that titles each. */
const ENGAGEMENT_TITLE = {
  calls: "hs_call_title",
  meetings: "hs_meeting_title",
  emails: "hs_email_subject",
  notes: "hs_note_body",
} as const;
const ENGAGEMENT_KIND: Record<keyof typeof ENGAGEMENT_TITLE, string> = {
  calls: "call",
  meetings: "meeting",
  emails: "email",
  notes: "note",
};
const BATCH_MAX = 100;
/** The objects API's list answers at most 100 a page. */
const OBJECTS_PAGE = 100;
/** HubSpot's batch read takes at most 50 ids when it returns property history (HS9). */
const HISTORY_BATCH_MAX = 50;
const TIMELINE_PROPS = ["dealstage", "amount", "closedate"];

const str = (v: unknown): string => (v === null || v === undefined ? "" : String(v));
const num = (v: unknown): number => (v === null || v === undefined || v === "" ? 0 : Number(v));
const plain = (o: { id: string; properties: Record<string, string | null> }): HsObject => ({
  id: o.id,
  properties: o.properties,
});

/** CrmPort over HubSpot CRM: deals by search, companies and contacts through associations. */
export class HubSpotCrm implements CrmPort {
  private readonly companyNames = new TtlMemo<string>(DIRECTORY_TTL_MS);
  private readonly dealCompany = new TtlMemo<string>(DIRECTORY_TTL_MS);
  private readonly owners = new TtlMemo<Owner[]>(DIRECTORY_TTL_MS);
  private readonly pipelineMemo = new TtlMemo<HubSpotPipeline[]>(DIRECTORY_TTL_MS);

  constructor(
    private readonly hs: HubSpotConnector,
    private readonly stages: StageMap,
  ) {}

  async listDeals(q: DealQuery = {}): Promise<WithFreshness<Page<DealRow>>> {
    const t = new FreshnessTracker(VENDOR);
    const filters = this.rangeFilters(q.closeFrom, q.closeTo);
    if (q.minAmount !== undefined)
      filters.push({ propertyName: "amount", operator: "GTE", value: String(q.minAmount) });
    const ids = ownerIds(q.owner, await this.ownerDirectory().catch(() => []));
    if (ids?.size === 1)
      filters.push({ propertyName: "hubspot_owner_id", operator: "EQ", value: [...ids][0] as string });
    let rows = await this.searchDeals(filters, t, LIST_PROPS);
    if (q.accountId) {
      const dealIds = new Set(await this.associated("companies", q.accountId, "deals", t));
      rows = rows.filter((d) => dealIds.has(d.id)).map((d) => ({ ...d, accountId: q.accountId as string }));
    }
    const page = pageOf(
      rows.filter((d) => matchesQuery(d, { ...q, accountId: undefined }, ids)),
      q.cursor,
      q.limit,
    );
    await this.nameCompanies(page.rows, t);
    return t.mark(page);
  }

  /** Analytics rows: companies are left out (HubSpot needs one association call per deal). */
  async dealsClosingBetween(from: string, to: string, owner?: string): Promise<WithFreshness<DealRow[]>> {
    const t = new FreshnessTracker(VENDOR);
    const filters = this.rangeFilters(from, to);
    const ids = ownerIds(owner, await this.ownerDirectory().catch(() => []));
    if (ids?.size === 1)
      filters.push({ propertyName: "hubspot_owner_id", operator: "EQ", value: [...ids][0] as string });
    return t.mark(
      (await this.searchDeals(filters, t)).filter((d) => !ids || ids.has(d.ownerId)).sort(oldestFirst),
    );
  }

  /** Stage history (propertiesWithHistory) is not read yet: forecasts fall back to CRM probabilities. */
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
    if (!HS_ID.test(id)) return undefined;
    const t = new FreshnessTracker(VENDOR);
    const { runtime, apis } = this.hs.sdk;
    let company: HsObject;
    try {
      company = t.take(
        await runtime.read(`sales:company:${id}`, async () => {
          const { value } = await runtime.attempt("companies.get", () =>
            apis.companies.basicApi.getById(id, COMPANY_PROPS),
          );
          return plain(value);
        }),
      );
    } catch (err) {
      if (isVendorError(err) && err.kind === "not_found") return undefined;
      throw err;
    }
    const p = company.properties;
    const name = str(p.name);
    this.companyNames.set(id, name);
    const [dealIds, contactIds] = await Promise.all([
      this.associated("companies", id, "deals", t),
      this.associated("companies", id, "contacts", t),
    ]);
    const [deals, contacts, pipelines] = await Promise.all([
      this.batchRead("deals", dealIds, LIST_PROPS, t),
      this.batchRead("contacts", contactIds.slice(0, 5), CONTACT_PROPS, t),
      this.pipelines().catch(() => [] as HubSpotPipeline[]),
    ]);
    const employees = num(p.numberofemployees);
    const ownerId = str(p.hubspot_owner_id);
    return t.mark({
      id,
      name,
      domain: domainOf(str(p.domain)),
      industry: str(p.industry),
      sizeBand: sizeBand(employees),
      employees,
      region: str(p.state),
      country: str(p.country),
      ownerId,
      ownerName:
        (await this.ownerDirectory().catch(() => [] as Owner[])).find((o) => o.id === ownerId)?.name ??
        ownerId,
      arr: 0,
      lifecycle: lifecycleOf(str(p.lifecyclestage)),
      contacts: {
        total: contactIds.length,
        top: contacts.map((c) => ({
          id: c.id,
          name: `${str(c.properties.firstname)} ${str(c.properties.lastname)}`.trim(),
          title: str(c.properties.jobtitle),
          email: str(c.properties.email),
        })),
      },
      openDeals: deals
        .map((d) => ({
          ...this.toDeal(d, stagesOf(pipelines, d.properties.pipeline)),
          accountId: id,
          accountName: name,
        }))
        .filter((d) => d.stage !== "closed_won" && d.stage !== "closed_lost")
        .sort(oldestFirst),
      recentActivities: [],
    });
  }

  /** Companies whose name starts with the prefix: HubSpot's text search, then an exact prefix check. */
  async searchAccounts(prefix: string, limit: number): Promise<{ id: string; name: string }[]> {
    const n = Math.min(100, Math.max(1, Math.floor(Number.isFinite(limit) ? limit : 10)));
    const { runtime, apis } = this.hs.sdk;
    const found = await runtime.read(`sales:companies.search:${prefix}`, async () => {
      const { value } = await runtime.attempt("companies.search", () =>
        apis.companies.searchApi.doSearch({
          query: prefix,
          filterGroups: [],
          sorts: ["name"],
          properties: ["name"],
          limit: SEARCH_PAGE,
        }),
      );
      return value.results.map(plain);
    });
    const p = prefix.toLowerCase();
    return found.value
      .map((c) => ({ id: c.id, name: str(c.properties.name) }))
      .filter((c) => c.name.toLowerCase().startsWith(p))
      .slice(0, n);
  }

  /** Every company's id, name and domain (the objects API, which does not lag behind writes as search does). */
  async identityAccounts(): Promise<IdentityAccount[]> {
    return (await this.everyObject("companies", ["name", "domain"])).map((c) => ({
      id: c.id,
      name: str(c.properties.name),
      domain: c.properties.domain ? str(c.properties.domain) : null,
    }));
  }

  /** Every contact with a primary company (`associatedcompanyid`): id, company, name and email, as for accounts. */
  async identityContacts(): Promise<IdentityContact[]> {
    const contacts = await this.everyObject("contacts", [
      "firstname",
      "lastname",
      "email",
      "associatedcompanyid",
    ]);
    return contacts
      .filter((c) => c.properties.associatedcompanyid)
      .map(({ id, properties: p }) => ({
        id,
        accountId: str(p.associatedcompanyid),
        name: [p.firstname, p.lastname].filter(Boolean).join(" ") || str(p.email),
        email: p.email ? str(p.email) : null,
      }));
  }

  /** Every object of a type with these properties, 100 a page (the most the objects list answers). */
  private async everyObject(type: "companies" | "contacts", properties: string[]): Promise<HsObject[]> {
    const { runtime, apis } = this.hs.sdk;
    const out: HsObject[] = [];
    let after: string | undefined;
    do {
      const page = await runtime.read(`sales:${type}.page:${after ?? ""}`, async () => {
        const { value } = await runtime.attempt(`${type}.list`, () =>
          apis[type].basicApi.getPage(OBJECTS_PAGE, after, properties),
        );
        return { results: value.results.map(plain), after: value.paging?.next?.after };
      });
      out.push(...page.value.results);
      after = page.value.after;
    } while (after);
    return out;
  }

  /**
   * Companies from CRM search: up to five OR-ed groups, each a name CONTAINS_TOKEN `*abc*` on three-letter pieces
   * of `name` spread over it, AND-ed with domain and owner; industry is checked here (HubSpot's are enumerations).
   * HubSpot has no ARR field: arr is null.
   */
  async accountCandidates(q: AccountQuery): Promise<WithFreshness<AccountCandidates>> {
    const t = new FreshnessTracker(VENDOR);
    const owners = await this.ownerDirectory().catch(() => [] as Owner[]);
    const common: Filter[] = [];
    const domain = q.domain ? bareDomain(q.domain) : "";
    if (domain) common.push({ propertyName: "domain", operator: "EQ", value: domain });
    const ids = ownerIds(q.owner, owners);
    if (ids?.size === 1)
      common.push({ propertyName: "hubspot_owner_id", operator: "EQ", value: [...ids][0] as string });
    const grams = q.name ? nameGrams(q.name, MAX_GROUPS) : [];
    if (q.name && grams.length === 0) return t.mark({ rows: [], capped: false });
    const groups = grams.length
      ? grams.map((g) => ({
          filters: [
            { propertyName: "name", operator: "CONTAINS_TOKEN", value: `*${g}*` } as Filter,
            ...common,
          ],
        }))
      : common.length
        ? [{ filters: common }]
        : [];
    const limit = Math.max(1, Math.min(ACCOUNT_CANDIDATES, q.limit ?? ACCOUNT_CANDIDATES));
    const { runtime, apis } = this.hs.sdk;
    const found: HsObject[] = [];
    let after: string | undefined;
    do {
      const key = `sales:companies.find:${JSON.stringify(groups)}:${after ?? ""}`;
      const page = t.take(
        await runtime.read(key, async () => {
          const { value } = await runtime.attempt("companies.search", () =>
            apis.companies.searchApi.doSearch({
              filterGroups: groups as never,
              sorts: ["name"],
              properties: COMPANY_PROPS,
              limit: SEARCH_PAGE,
              ...(after ? { after } : {}),
            }),
          );
          return { results: value.results.map(plain), next: value.paging?.next?.after };
        }),
      );
      found.push(...page.results);
      after = page.next;
    } while (after && found.length <= limit);
    const names = new Map(owners.map((o) => [o.id, o.name]));
    const industry = q.industry ? normalName(q.industry) : "";
    const rows = found
      .map((c) => {
        const p = c.properties;
        const ownerId = str(p.hubspot_owner_id);
        return {
          id: c.id,
          name: str(p.name),
          domain: domainOf(str(p.domain)),
          industry: str(p.industry),
          ownerId,
          ownerName: names.get(ownerId) ?? ownerId,
          arr: null,
          lifecycle: lifecycleOf(str(p.lifecyclestage)),
        };
      })
      .filter((a) => !industry || normalName(a.industry) === industry)
      .filter((a) => !ids || ids.has(a.ownerId));
    return t.mark({ rows: rows.slice(0, limit), capped: rows.length > limit || after !== undefined });
  }

  /**
   * Open deals (search, closed stages excluded) with notes_last_updated, hs_v2_date_entered_current_stage and
   * num_associated_contacts. Stage and field history (propertiesWithHistory) is not read: caveats say so.
   */
  async openDealRisks(q: RiskQuery): Promise<WithFreshness<RiskInputs>> {
    const t = new FreshnessTracker(VENDOR);
    const pipelines = await this.pipelines().catch(() => [] as HubSpotPipeline[]);
    const closedStages = pipelines.flatMap((p) => p.stages.filter((st) => st.metadata.isClosed === "true"));
    const filters: Filter[] = closedStages.length
      ? [{ propertyName: "dealstage", operator: "NOT_IN", values: closedStages.map((st) => st.id) }]
      : [];
    const ids = ownerIds(q.owner, await this.ownerDirectory().catch(() => []));
    if (ids?.size === 1)
      filters.push({ propertyName: "hubspot_owner_id", operator: "EQ", value: [...ids][0] as string });
    const raw = new Map<string, HsObject>();
    const rows = await this.searchDeals(filters, t, RISK_PROPS, raw);
    const open = rows.filter(
      (d) =>
        d.stage !== "closed_won" &&
        d.stage !== "closed_lost" &&
        (!ids || ids.has(d.ownerId)) &&
        (!q.type || d.type === q.type),
    );
    const contacts = (id: string) => {
      const n = raw.get(id)?.properties.num_associated_contacts;
      return n === null || n === undefined || n === "" ? null : num(n);
    };
    return t.mark(historyRisks(rows, open, undefined, contacts, []));
  }

  /** One deal read now by id (no stale cache, no search index): what a plan's "before" must show. */
  async getDeal(id: string): Promise<DealDetail | undefined> {
    if (!HS_ID.test(id)) return undefined;
    const [d, pipelines, owners] = await Promise.all([
      this.hs.getDeal(id, [...DEAL_PROPS, "pipeline", "hs_next_step"]),
      this.pipelines(),
      this.ownerDirectory(),
    ]);
    if (!d) return undefined;
    const deal = this.toDeal(d, stagesOf(pipelines, d.properties.pipeline));
    const owner = owners.find((o) => o.id === deal.ownerId);
    if (owner) deal.ownerName = owner.name;
    await this.nameCompanies([deal], new FreshnessTracker(VENDOR));
    return { ...deal, nextStep: d.properties.hs_next_step || null };
  }

  /**
   * Won and lost deals closing in [from, to] (search) with createdate, hs_analytics_source and closed_lost_reason;
   * the segment from the associated company's numberofemployees (batch associations, batch read); a loss without
   * a reason is placed at the stage before the loss (dealstage history).
   */
  async closedDeals(from: string, to: string): Promise<WithFreshness<ClosedDeal[]>> {
    const t = new FreshnessTracker(VENDOR);
    const raw = new Map<string, HsObject>();
    const props = [...DEAL_PROPS, "createdate", "hs_analytics_source", "closed_lost_reason"];
    const closed = (await this.searchDeals(this.rangeFilters(from, to), t, props, raw)).filter(
      (d) => d.stage === "closed_won" || d.stage === "closed_lost",
    );
    const companyOf = await this.firstCompanies(
      closed.map((d) => d.id),
      t,
    );
    const companies = await this.batchRead(
      "companies",
      [...new Set(companyOf.values())],
      ["numberofemployees"],
      t,
    );
    const band = new Map(
      companies.map((c) => [
        c.id,
        c.properties.numberofemployees ? sizeBand(num(c.properties.numberofemployees)) : "",
      ]),
    );
    const unexplained = closed.filter(
      (d) => d.stage === "closed_lost" && !raw.get(d.id)?.properties.closed_lost_reason,
    );
    const histories = await this.historyRead(
      unexplained.map((d) => d.id),
      t,
    );
    const pipelines = await this.pipelines().catch(() => [] as HubSpotPipeline[]);
    const lostFrom = (d: DealRow) => {
      const meta = stagesOf(pipelines, raw.get(d.id)?.properties.pipeline);
      const open = (histories.get(d.id)?.dealstage ?? [])
        .map((v) => this.stages.toSuite(v.value, meta))
        .filter((st) => st !== "closed_won" && st !== "closed_lost");
      return open.at(-1) ?? null;
    };
    return t.mark(
      closed.map((d) => {
        const p = raw.get(d.id)?.properties ?? {};
        const company = companyOf.get(d.id);
        return {
          id: d.id,
          type: d.type,
          amount: d.amount,
          won: d.stage === "closed_won",
          ownerName: d.ownerName,
          segment: company ? (band.get(company) ?? "") : "",
          source: str(p.hs_analytics_source).toLowerCase() || "none",
          createdAt: str(p.createdate),
          closeDate: d.closeDate,
          lossReason: d.stage === "closed_lost" && p.closed_lost_reason ? p.closed_lost_reason : null,
          lostFrom: d.stage === "closed_lost" ? lostFrom(d) : null,
        };
      }),
    );
  }

  /** Each deal's first associated company (v4 batch associations, at most 1,000 ids a call). */
  private async firstCompanies(ids: string[], t: FreshnessTracker): Promise<Map<string, string>> {
    const { runtime, apis } = this.hs.sdk;
    const out = new Map<string, string>();
    for (let i = 0; i < ids.length; i += 1000) {
      const part = ids.slice(i, i + 1000);
      const pairs = t.take(
        await runtime.read(`sales:assoc-batch:deals:companies:${part.join(",")}`, async () => {
          const { value } = await runtime.attempt("associations.batchRead", () =>
            apis.associations.batchApi.getPage("deals", "companies", { inputs: part.map((id) => ({ id })) }),
          );
          return value.results.flatMap((r) => {
            const to = r.to[0];
            return to ? [[String(r._from.id), String(to.toObjectId)] as const] : [];
          });
        }),
      );
      for (const [deal, company] of pairs) out.set(deal, company);
    }
    return out;
  }

  /**
   * Deals created, closing or modified since `from` (search), then the history of dealstage, amount and closedate
   * of those (batch read with propertiesWithHistory, 50 ids a call): each deal's stage, amount and close-date changes.
   */
  async dealTimelines(from: string, to: string): Promise<WithFreshness<DealTimelines>> {
    const t = new FreshnessTracker(VENDOR);
    const raw = new Map<string, HsObject>();
    const props = [...DEAL_PROPS, "createdate", "hs_lastmodifieddate"];
    // changed since the period began, or due in it (an untouched deal can slip by its close date passing)
    const [changed, due] = await Promise.all([
      this.searchDeals(
        [{ propertyName: "hs_lastmodifieddate", operator: "GTE", value: from }],
        t,
        props,
        raw,
      ),
      this.searchDeals(this.rangeFilters(from, to), t, props, raw),
    ]);
    const rows = [...new Map([...changed, ...due].map((d) => [d.id, d])).values()];
    const pipelines = await this.pipelines().catch(() => [] as HubSpotPipeline[]);
    const histories = await this.historyRead(
      rows.map((r) => r.id),
      t,
    );
    const day = (v: string) => v.slice(0, 10);
    const deals = rows.flatMap((d): DealTimeline[] => {
      const h = histories.get(d.id);
      const created = str(raw.get(d.id)?.properties.createdate);
      const meta = stagesOf(pipelines, raw.get(d.id)?.properties.pipeline);
      const stageValues = h?.dealstage ?? [];
      const touched =
        (day(created) >= from && day(created) <= to) ||
        (d.closeDate >= from && d.closeDate <= to) ||
        Object.values(h ?? {}).some((vs) =>
          vs.some((v) => day(v.timestamp) >= from && day(v.timestamp) <= to),
        );
      if (!touched) return [];
      const changes = <T>(values: { value: string; timestamp: string }[], read: (v: string) => T) =>
        values.slice(1).flatMap((v, i) => {
          const prev = values[i] as { value: string };
          if (!prev.value || !v.value || read(prev.value) === read(v.value)) return [];
          return [{ at: v.timestamp, before: read(prev.value), after: read(v.value) }];
        });
      return [
        {
          id: d.id,
          name: d.name,
          type: d.type,
          amount: d.amount,
          stage: d.stage,
          closeDate: d.closeDate,
          createdAt: created,
          stages: stageValues.length
            ? stageValues.map((v) => ({ at: v.timestamp, stage: this.stages.toSuite(v.value, meta) }))
            : [{ at: created, stage: d.stage }],
          amounts: changes(h?.amount ?? [], Number),
          closeDates: changes(h?.closedate ?? [], (v) => v.slice(0, 10)),
        },
      ];
    });
    return t.mark({ deals, caveats: [] });
  }

  /** dealstage, amount and closedate histories of the deals, oldest value first (HubSpot sends newest first). */
  private async historyRead(
    ids: string[],
    t: FreshnessTracker,
  ): Promise<Map<string, Record<string, { value: string; timestamp: string }[]>>> {
    const { runtime, apis } = this.hs.sdk;
    const out = new Map<string, Record<string, { value: string; timestamp: string }[]>>();
    for (let i = 0; i < ids.length; i += HISTORY_BATCH_MAX) {
      const part = ids.slice(i, i + HISTORY_BATCH_MAX);
      const rows = t.take(
        await runtime.read(`sales:deals.history:${part.join(",")}`, async () => {
          const { value } = await runtime.attempt("deals.batchRead", () =>
            apis.deals.batchApi.read({
              inputs: part.map((id) => ({ id })),
              properties: TIMELINE_PROPS,
              propertiesWithHistory: TIMELINE_PROPS,
            }),
          );
          return value.results.map((r) => ({
            id: r.id,
            history: Object.fromEntries(
              Object.entries(r.propertiesWithHistory ?? {}).map(([k, vs]) => [
                k,
                vs.map((v) => ({ value: v.value, timestamp: new Date(v.timestamp).toISOString() })).reverse(),
              ]),
            ),
          }));
        }),
      );
      for (const r of rows) out.set(r.id, r.history);
    }
    return out;
  }

  /**
   * The deal with its dealstage history (propertiesWithHistory), its engagements (calls, meetings, emails, notes by
   * association, newest first) and its associated contacts, a user-defined association label as the role.
   */
  async dealRecord(id: string, activities: number): Promise<WithFreshness<DealRecord> | undefined> {
    if (!HS_ID.test(id)) return undefined;
    const t = new FreshnessTracker(VENDOR);
    const { runtime, apis } = this.hs.sdk;
    let raw: HsObject & { history: { value: string; timestamp: string }[] };
    try {
      const { value } = await runtime.attempt("deals.get", () =>
        apis.deals.basicApi.getById(id, [...LIST_PROPS, "createdate"], ["dealstage"]),
      );
      const history = (value.propertiesWithHistory?.dealstage ?? []).map((h) => ({
        value: h.value,
        timestamp: new Date(h.timestamp).toISOString(),
      }));
      raw = { ...plain(value), history };
    } catch (err) {
      if (isVendorError(err) && err.kind === "not_found") return undefined;
      throw err;
    }
    const [pipelines, owners] = await Promise.all([
      this.pipelines().catch(() => [] as HubSpotPipeline[]),
      this.ownerDirectory().catch(() => [] as Owner[]),
    ]);
    const meta = stagesOf(pipelines, raw.properties.pipeline);
    const row = this.toDeal(raw, meta);
    row.ownerName = owners.find((o) => o.id === row.ownerId)?.name ?? row.ownerId;
    await this.nameCompanies([row], t);
    const [engagements, contacts] = await Promise.all([
      this.dealEngagements(id, t),
      this.dealContacts(id, t),
    ]);
    return t.mark({
      deal: { ...row, nextStep: raw.properties.hs_next_step || null },
      createdAt: raw.properties.createdate ?? null,
      stageHistory: stageChanges(
        // HubSpot lists values newest first
        [...raw.history]
          .reverse()
          .map((h) => ({ stage: this.stages.toSuite(h.value, meta), at: h.timestamp })),
      ),
      activities: { total: engagements.total, recent: engagements.rows.slice(0, activities) },
      contacts,
      caveats: [
        ...engagements.caveats,
        "HubSpot activities are not matched to contacts here; roles are association labels where set.",
      ],
    });
  }

  /** A deal's calls, meetings, emails and notes, newest first (at most 100 of each type are read). */
  private async dealEngagements(
    id: string,
    t: FreshnessTracker,
  ): Promise<{ total: number; rows: DealRecord["activities"]["recent"]; caveats: string[] }> {
    const { runtime, apis } = this.hs.sdk;
    const caveats: string[] = [];
    const types = Object.keys(ENGAGEMENT_TITLE) as (keyof typeof ENGAGEMENT_TITLE)[];
    const perType = await Promise.all(
      types.map(async (type) => {
        const ids = t.take(
          await runtime.read(`sales:assoc:deals:${id}:${type}`, async () => {
            const { value } = await runtime.attempt("associations.list", () =>
              apis.associations.basicApi.getPage("deals", id, type, undefined, 500),
            );
            return value.results.map((r) => String(r.toObjectId));
          }),
        );
        if (ids.length > BATCH_MAX)
          caveats.push(`Only the newest ${BATCH_MAX} of ${ids.length} HubSpot ${type} were read.`);
        const wanted = ids.slice(-BATCH_MAX);
        if (wanted.length === 0) return { total: 0, rows: [] };
        const title = ENGAGEMENT_TITLE[type];
        const objects = t.take(
          await runtime.read(`sales:${type}.batch:${wanted.join(",")}`, async () => {
            const { value } = await runtime.attempt(`${type}.batchRead`, () =>
              apis.objects.batchApi.read(type, {
                inputs: wanted.map((x) => ({ id: x })),
                properties: ["hs_timestamp", title],
                propertiesWithHistory: [],
              }),
            );
            return value.results.map(plain);
          }),
        );
        return {
          total: ids.length,
          rows: objects.map((o) => ({
            id: o.id,
            type: ENGAGEMENT_KIND[type],
            // note bodies are HTML: their text is the subject
            subject: str(o.properties[title])
              .replace(/<[^>]*>/g, " ")
              .replace(/\s+/g, " ")
              .trim(),
            occurredAt: str(o.properties.hs_timestamp),
            contactId: null,
            contactName: null,
          })),
        };
      }),
    );
    const rows = perType
      .flatMap((p) => p.rows)
      .sort((a, b) => b.occurredAt.localeCompare(a.occurredAt) || b.id.localeCompare(a.id));
    return { total: perType.reduce((n, p) => n + p.total, 0), rows, caveats };
  }

  /** The deal's associated contacts; a user-defined association label is their role. */
  private async dealContacts(id: string, t: FreshnessTracker): Promise<DealRecord["contacts"]> {
    const { runtime, apis } = this.hs.sdk;
    const links = t.take(
      await runtime.read(`sales:assoc-labels:deals:${id}:contacts`, async () => {
        const { value } = await runtime.attempt("associations.list", () =>
          apis.associations.basicApi.getPage("deals", id, "contacts", undefined, 500),
        );
        return value.results.map((r) => ({
          id: String(r.toObjectId),
          label: r.associationTypes.find((a) => a.label)?.label ?? null,
        }));
      }),
    );
    const people = await this.batchRead(
      "contacts",
      links.map((l) => l.id),
      CONTACT_PROPS,
      t,
    );
    const byId = new Map(people.map((c) => [c.id, c]));
    return links.flatMap((l) => {
      const c = byId.get(l.id);
      if (!c) return [];
      return [
        {
          id: l.id,
          name: `${str(c.properties.firstname)} ${str(c.properties.lastname)}`.trim(),
          title: str(c.properties.jobtitle),
          email: str(c.properties.email),
          role: l.label,
          primary: false,
          activities: null,
          lastActivityAt: null,
        },
      ];
    });
  }

  /**
   * Creates the deal once per idempotency key (revops_idempotency_key, looked up after an ambiguous failure) in the
   * default pipeline, associated with the company. HubSpot's dealtype has no renewal: renewals are existingbusiness.
   */
  async createDeal(n: NewDeal, origin: WriteOrigin): Promise<DealWrite> {
    if (!origin.idempotencyKey)
      throw new Error("A HubSpot create needs the confirmed plan's idempotency key.");
    if (!HS_ID.test(n.accountId))
      throw new RangeError(`account_id: ${n.accountId} is not a HubSpot company id.`);
    if (!HS_ID.test(n.ownerId)) throw new RangeError(`owner: ${n.ownerId} is not a HubSpot owner id.`);
    const [company] = await this.batchRead(
      "companies",
      [n.accountId],
      ["name"],
      new FreshnessTracker(VENDOR),
    );
    if (!company) throw new RangeError(`account_id: HubSpot has no company ${n.accountId}.`);
    if (!(await this.ownerDirectory()).some((o) => o.id === n.ownerId))
      throw new RangeError(`owner: HubSpot has no owner ${n.ownerId}.`);
    const target = this.stages.toVendor(n.stage, stagesOf(await this.pipelines(), "default"));
    if (!target)
      throw new RangeError(
        `stage: the default pipeline has no stage for ${n.stage}; map one with SALES_STAGE_MAP ("<stage id>=${n.stage}").`,
      );
    const { deal, recovered } = await this.hs.createDeal(
      {
        dealname: n.name,
        pipeline: "default",
        dealstage: target.id,
        amount: String(n.amount),
        closedate: `${n.closeDate}T00:00:00.000Z`,
        hubspot_owner_id: n.ownerId,
        dealtype: n.type === "new_business" ? "newbusiness" : "existingbusiness",
      },
      { idempotencyKey: origin.idempotencyKey, companyId: n.accountId },
    );
    const now = await this.getDeal(deal.id);
    if (!now) throw new Error(`HubSpot created deal ${deal.id} but does not return it.`);
    return { system: "hubspot", id: deal.id, deal: now, recovered };
  }

  /** A task (associated with the deal and the company) created once per idempotency key. */
  async createTask(t: NewTask, origin: WriteOrigin): Promise<TaskWrite> {
    if (!origin.idempotencyKey)
      throw new Error("A HubSpot create needs the confirmed plan's idempotency key.");
    for (const [field, id] of [
      ["owner", t.ownerId],
      ["account_id", t.accountId],
      ["deal_id", t.dealId ?? t.accountId],
    ] as const)
      if (!HS_ID.test(id)) throw new RangeError(`${field}: ${id} is not a HubSpot id.`);
    if (!(await this.ownerDirectory()).some((o) => o.id === t.ownerId))
      throw new RangeError(`owner: HubSpot has no owner ${t.ownerId}.`);
    const { task, recovered } = await this.hs.createTask(
      {
        hs_task_subject: t.subject,
        hs_task_body: `Created by RevOps (${t.source}).`,
        hs_task_status: "NOT_STARTED",
        hs_timestamp: `${t.dueDate}T09:00:00.000Z`,
        hubspot_owner_id: t.ownerId,
      },
      {
        idempotencyKey: origin.idempotencyKey,
        companyId: t.accountId,
        ...(t.dealId && { dealId: t.dealId }),
      },
    );
    const row = {
      ...t,
      dealId: t.dealId ?? null,
      id: task.id,
      status: "open" as const,
      createdAt: task.updatedAt,
    };
    return { system: "hubspot", id: task.id, task: row, recovered };
  }

  /**
   * The meeting as a completed meeting engagement on the deal and its company, each action line a task, the next
   * step in the deal's hs_next_step; every create keyed (revops_idempotency_key) so a retry finds it.
   */
  async logMeeting(log: MeetingLog, origin: WriteOrigin): Promise<MeetingLogWrite | undefined> {
    const deal = await this.getDeal(log.dealId);
    if (!deal) return undefined;
    const at = log.at ?? new Date().toISOString();
    const links = { dealId: deal.id, ...(HS_ID.test(deal.accountId) && { companyId: deal.accountId }) };
    const owner: Record<string, string> = HS_ID.test(deal.ownerId) ? { hubspot_owner_id: deal.ownerId } : {};
    return logMeetingOnce("hubspot", log, deal, origin, {
      meeting: async (key) => {
        const { meeting, recovered } = await this.hs.createMeeting(
          {
            hs_timestamp: at,
            hs_meeting_title: log.subject,
            hs_meeting_body: log.notes,
            hs_meeting_outcome: "COMPLETED",
            ...owner,
          },
          { idempotencyKey: key, ...links },
        );
        return { id: meeting.id, recovered };
      },
      task: async (t, key) =>
        (
          await this.hs.createTask(
            {
              hs_task_subject: t.subject,
              hs_task_body: "From meeting notes logged by RevOps.",
              hs_task_status: "NOT_STARTED",
              hs_timestamp: t.due ? `${t.due}T09:00:00.000Z` : at,
              ...owner,
            },
            { idempotencyKey: key, ...links },
          )
        ).task.id,
      nextStep: async (step) => {
        await this.hs.updateDealOnce(deal.id, { hs_next_step: step });
      },
    });
  }

  /** PATCHes the deal once with HubSpot's own stage id (of the deal's pipeline) and owner id. */
  async updateDeal(
    id: string,
    c: DealChanges,
    _origin: WriteOrigin,
    expected?: DealChanges,
  ): Promise<DealWrite | undefined> {
    if (!HS_ID.test(id)) return undefined;
    const current = await this.hs.getDeal(id, ["pipeline", "dealstage"]);
    if (!current) return undefined;
    if (expected && Object.keys(expected).length > 0) {
      // HubSpot has no compare-and-set on a PATCH: the plan's "before" is checked on a fresh read just before it
      const now = await this.getDeal(id);
      const stale = now ? unexpected(now, expected) : [];
      if (stale.length > 0)
        throw new RangeError(`conflict: deal ${id} changed meanwhile (${stale.join("; ")}).`);
    }
    const props: Record<string, string | null> = {};
    if (c.stage !== undefined) {
      const pipelineId = current.properties.pipeline || "default";
      const stages = stagesOf(await this.pipelines(), pipelineId);
      const target = this.stages.toVendor(c.stage, stages);
      if (!target)
        throw new RangeError(
          `stage: pipeline ${pipelineId} has no stage for ${c.stage}; map one with SALES_STAGE_MAP ("<stage id>=${c.stage}").`,
        );
      props.dealstage = target.id;
    }
    if (c.amount !== undefined) props.amount = String(c.amount);
    if (c.closeDate !== undefined) props.closedate = `${c.closeDate}T00:00:00.000Z`;
    if (c.nextStep !== undefined) props.hs_next_step = c.nextStep ?? "";
    if (c.ownerId !== undefined) {
      if (!HS_ID.test(c.ownerId)) throw new RangeError(`owner: ${c.ownerId} is not a HubSpot owner id.`);
      props.hubspot_owner_id = c.ownerId;
    }
    const { recovered } = await this.hs.updateDealOnce(id, props);
    const deal = await this.getDeal(id);
    return deal && { system: "hubspot", id, deal, recovered };
  }

  private recordsMemo?: HubSpotRecords;
  /** Bulk record changes and archives (batch APIs), stages mapped per pipeline as the deals' are. */
  private get records(): HubSpotRecords {
    this.recordsMemo ??= new HubSpotRecords(this.hs, {
      toSuite: async (v, pipeline) => {
        const meta = stagesOf(await this.pipelines(), pipeline);
        return this.stages.toSuite(v, meta);
      },
      toVendor: async (st, pipeline) =>
        this.stages.toVendor(st, stagesOf(await this.pipelines(), pipeline))?.id,
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

  /** HubSpot's owners (crm/v3/owners): id, name and email. */
  /** Contacts that may match `q` (contacts_search ranks them). */
  async contactCandidates(q: ContactQuery): Promise<WithFreshness<ContactCandidates>> {
    const t = new FreshnessTracker(VENDOR);
    return t.mark(
      await hubspotContactCandidates(
        this.hs,
        q,
        t,
        async (name) => (await this.accountCandidates({ name })).rows.map((a) => a.id),
        async (ids) =>
          new Map(
            (await this.batchRead("companies", ids, ["name"], t)).map((c) => [c.id, str(c.properties.name)]),
          ),
      ),
    );
  }

  /** The contact with this email, read fresh. */
  contactByEmail(email: string): Promise<ContactDetail | undefined> {
    return hubspotContactByEmail(this.hs, email);
  }

  /** Creates or updates the contact with this email, once (the email is the key). */
  upsertContact(
    email: string,
    fields: ContactFields,
    _origin: WriteOrigin,
    expected?: ContactFields | null,
  ): Promise<ContactWrite> {
    return hubspotUpsertContact(this.hs, email, fields, expected);
  }

  private leadsMemo?: HubSpotLeads;
  private get leads(): HubSpotLeads {
    this.leadsMemo ??= new HubSpotLeads(
      this.hs,
      async (id) =>
        (await this.ownerDirectory().catch(() => [] as Owner[])).find((o) => o.id === id)?.name ?? id,
    );
    return this.leadsMemo;
  }

  /** The lead (a contact in the funnel), read fresh. */
  getLead(id: string): Promise<LeadDetail | undefined> {
    return this.leads.get(id);
  }

  /** Sets the lead's status or owner once (see HubSpotLeads.update). */
  updateLead(
    id: string,
    changes: LeadChanges,
    _origin: WriteOrigin,
    expected?: LeadChanges,
  ): Promise<LeadWrite | undefined> {
    return this.leads.update(id, changes, expected);
  }

  /** Converts the lead: company, contact link, deal once per key, lifecycle (see HubSpotLeads.convert). */
  convertLead(leadId: string, conv: LeadConversion, origin: WriteOrigin): Promise<ConversionWrite> {
    return this.leads.convert(leadId, conv, origin, (c, accountId, o) =>
      this.createDeal({ ...c.deal, accountId }, o),
    );
  }

  /** Every lead with its outcome, oldest first (what lead_score learns from). */
  async leadFacts(): Promise<WithFreshness<LeadFacts[]>> {
    const t = new FreshnessTracker(VENDOR);
    const owners = await this.ownerDirectory().catch(() => [] as Owner[]);
    return t.mark(await hubspotLeadFacts(this.hs, t, new Map(owners.map((o) => [o.id, o.name]))));
  }

  async listOwners(): Promise<Owner[]> {
    return this.ownerDirectory();
  }

  /** Revenue goals overlapping [from, to] (see hubspotQuotaPeriods). */
  async quotaPeriods(from: string, to: string): Promise<WithFreshness<CrmQuotas>> {
    const t = new FreshnessTracker(VENDOR);
    return t.mark(await hubspotQuotaPeriods(this.hs, t, from, to));
  }

  private async ownerDirectory(): Promise<Owner[]> {
    const hit = this.owners.get("all");
    if (hit) return hit;
    const owners = (await this.hs.listOwners()).map((o) => ({
      id: o.id,
      name: `${o.firstName} ${o.lastName}`.trim() || o.email,
      email: o.email,
      region: "",
    }));
    this.owners.set("all", owners);
    return owners;
  }

  /** Deal pipelines and their stage metadata: custom (numeric) stage ids are classified by isClosed/probability. */
  private async pipelines(): Promise<HubSpotPipeline[]> {
    const hit = this.pipelineMemo.get("all");
    if (hit) return hit;
    const pipelines = await this.hs.dealPipelines();
    this.pipelineMemo.set("all", pipelines);
    return pipelines;
  }

  private rangeFilters(from?: string, to?: string): Filter[] {
    const filters: Filter[] = [];
    if (from) filters.push({ propertyName: "closedate", operator: "GTE", value: from });
    // a bare end date includes that whole day (closedate is a datetime in HubSpot)
    if (to)
      filters.push({
        propertyName: "closedate",
        operator: "LTE",
        value: to.length === 10 ? `${to}T23:59:59.999Z` : to,
      });
    return filters;
  }

  /** Every deal matching the filters (up to MAX_DEALS), each search page read with the stale fallback. */
  private async searchDeals(
    filters: Filter[],
    t: FreshnessTracker,
    properties: string[] = DEAL_PROPS,
    raw?: Map<string, HsObject>,
  ): Promise<DealRow[]> {
    const { runtime, apis } = this.hs.sdk;
    // stage metadata classifies custom (numeric) stage ids; without it (outage) the stage map alone decides
    const [pipelines, owners] = await Promise.all([
      this.pipelines().catch(() => [] as HubSpotPipeline[]),
      this.ownerDirectory().catch(() => [] as Owner[]),
    ]);
    const names = new Map(owners.map((o) => [o.id, o.name]));
    const out: DealRow[] = [];
    let after: string | undefined;
    do {
      const key = `sales:deals.search:${JSON.stringify(filters)}:${properties.length}:${after ?? ""}`;
      const page = t.take(
        await runtime.read(key, async () => {
          const { value } = await runtime.attempt("deals.search", () =>
            apis.deals.searchApi.doSearch({
              filterGroups: filters.length ? [{ filters: filters as never }] : [],
              sorts: ["-closedate"],
              properties,
              limit: SEARCH_PAGE,
              ...(after ? { after } : {}),
            }),
          );
          return { results: value.results.map(plain), next: value.paging?.next?.after };
        }),
      );
      out.push(
        ...page.results.map((d) => {
          raw?.set(d.id, d);
          const row = this.toDeal(d, stagesOf(pipelines, d.properties.pipeline));
          row.ownerName = names.get(row.ownerId) ?? row.ownerId;
          return row;
        }),
      );
      after = page.next;
    } while (after && out.length < MAX_DEALS);
    if (after) {
      t.partial(
        `HubSpot has more than ${MAX_DEALS.toLocaleString("en-US")} matching deals; totals cover the latest-closing ${MAX_DEALS.toLocaleString("en-US")} — narrow by owner or dates.`,
      );
    }
    return out;
  }

  private toDeal(d: HsObject, meta?: VendorStage[]): DealRow {
    const p = d.properties;
    const stage = this.stages.toSuite(p.dealstage, meta);
    const ownerId = str(p.hubspot_owner_id);
    const probability = p.hs_deal_stage_probability;
    const category =
      str(p.hs_manual_forecast_category).toLowerCase() === "omit" ? "omitted" : p.hs_manual_forecast_category;
    return {
      id: d.id,
      name: str(p.dealname),
      accountId: this.dealCompany.get(d.id) ?? "",
      accountName: this.companyNames.get(this.dealCompany.get(d.id) ?? "") ?? "",
      stage,
      amount: num(p.amount),
      closeDate: str(p.closedate).slice(0, 10),
      ownerId,
      ownerName: ownerId,
      probability: probability ? Math.round(num(probability) * 100) : STAGE_PROBABILITY[stage],
      forecastCategory: forecastCategory(category, defaultCategory(stage)),
      type: dealType(p.dealtype),
      ...("hs_next_step" in p && { nextStep: p.hs_next_step || null }),
      ...("notes_last_updated" in p && { lastActivityAt: p.notes_last_updated || null }),
      ...("hs_v2_date_entered_current_stage" in p && {
        stageEnteredAt: p.hs_v2_date_entered_current_stage || null,
      }),
    };
  }

  private async associated(
    from: "companies" | "deals",
    id: string,
    to: "deals" | "contacts" | "companies",
    t: FreshnessTracker,
  ): Promise<string[]> {
    return t.take(
      await this.hs.sdk.runtime.read(`sales:assoc:${from}:${id}:${to}`, () =>
        this.hs.listAssociations(from, id, to),
      ),
    );
  }

  private async batchRead(
    type: "deals" | "contacts" | "companies",
    ids: string[],
    properties: string[],
    t: FreshnessTracker,
  ): Promise<HsObject[]> {
    if (ids.length === 0) return [];
    if (ids.length > BATCH_MAX) {
      // HubSpot refuses batch reads of more than 100 ids
      const parts: HsObject[][] = [];
      for (let i = 0; i < ids.length; i += BATCH_MAX)
        parts.push(await this.batchRead(type, ids.slice(i, i + BATCH_MAX), properties, t));
      return parts.flat();
    }
    const { runtime, apis } = this.hs.sdk;
    return t.take(
      await runtime.read(`sales:${type}.batch:${ids.join(",")}`, async () => {
        const { value } = await runtime.attempt(`${type}.batchRead`, () =>
          apis[type].batchApi.read({
            inputs: ids.map((id) => ({ id })),
            properties,
            propertiesWithHistory: [],
          }),
        );
        return value.results.map(plain);
      }),
    );
  }

  /** Fills company ids and names on the rows of one page (cached; one association call per unknown deal). */
  private async nameCompanies(rows: DealRow[], t: FreshnessTracker): Promise<void> {
    await Promise.all(
      rows.map(async (r) => {
        const companyId = r.accountId || (await this.associated("deals", r.id, "companies", t))[0];
        if (!companyId) return;
        let name = this.companyNames.get(companyId);
        if (name === undefined) {
          const [c] = await this.batchRead("companies", [companyId], ["name"], t);
          name = str(c?.properties.name);
          this.companyNames.set(companyId, name);
        }
        this.dealCompany.set(r.id, companyId);
        r.accountId = companyId;
        r.accountName = name;
      }),
    );
  }
}

/** The stages of one pipeline as VendorStages (won = closed with probability 1). */
function stagesOf(pipelines: HubSpotPipeline[], pipelineId: string | null | undefined): VendorStage[] {
  const p = pipelines.find((x) => x.id === (pipelineId || "default"));
  return (p?.stages ?? []).map((st) => {
    const probability = Number(st.metadata.probability ?? Number.NaN);
    const isClosed = st.metadata.isClosed === "true";
    return {
      id: st.id,
      label: st.label,
      isClosed,
      isWon: isClosed && probability >= 1,
      ...(Number.isFinite(probability) && { probability: Math.round(probability * 100) }),
    };
  });
}

/** HubSpot lifecyclestage → the sandbox's lifecycle. */
function lifecycleOf(stage: string): string {
  if (stage === "customer" || stage === "evangelist") return "customer";
  if (stage === "other") return "churned";
  return "prospect";
}
