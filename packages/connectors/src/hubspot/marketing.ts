import { isVendorError, type MaybeStale } from "@revops/resilience";
import { createHubSpotSdk, type HubSpotConnection, type HubSpotSdk, type HubSpotSetup } from "./client";
import { createHubSpotForms, type HubSpotFormsConnector } from "./forms";
import { createHubSpotLists, type HubSpotListsConnector } from "./lists";
import type { HubSpotObject, Page } from "./operations";

/**
 * Reads for the marketing server: Marketing Campaigns v3 (no API in @hubspot/api-client 14, so through
 * `sdk.get`), contact search, contact → deal associations and batch reads (through the SDK). Every read
 * is one resilient attempt per HTTP exchange and goes through the stale cache when the connection has one.
 */

export type CampaignContactType = "contactFirstTouch" | "contactLastTouch" | "influencedContacts";
export type AttributionModel =
  | "LINEAR"
  | "FIRST_INTERACTION"
  | "LAST_INTERACTION"
  | "FULL_PATH"
  | "U_SHAPED"
  | "W_SHAPED"
  | "TIME_DECAY"
  | "J_SHAPED"
  | "INVERSE_J_SHAPED";

/** A campaign as HubSpot returns it (properties are strings, or null when unset). */
export interface HubSpotCampaign {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
}

export interface CampaignRevenue {
  contactsNumber: number;
  dealsNumber: number;
  dealAmount: number;
  revenueAmount: number;
  currencyCode: string;
}

export interface CampaignBudget {
  budgetTotal: number;
  spendTotal: number;
  remainingBudget: number;
  currencyCode: string;
}

/** One budget or spend item of a campaign. */
export interface CampaignMoneyItem {
  id: string;
  name: string;
  amount: number;
  order: number;
  description: string | null;
}

export interface CampaignBudgetItems extends CampaignBudget {
  budgetItems: CampaignMoneyItem[];
  spendItems: CampaignMoneyItem[];
}

/** Asset types campaign_get reads (HubSpot's Campaigns v3 asset types). */
export const CAMPAIGN_ASSET_TYPES = [
  "EMAIL",
  "FORM",
  "OBJECT_LIST",
  "LANDING_PAGE",
  "SOCIAL_BROADCAST",
] as const;

/** YYYY-MM-DD bounds of a report; HubSpot's own default when omitted. */
export interface ReportRange {
  startDate?: string;
  endDate?: string;
}

export interface ContactFilter {
  property: string;
  operator: "EQ" | "GTE" | "LTE" | "LT" | "IN" | "HAS_PROPERTY" | "NOT_HAS_PROPERTY";
  value?: string;
  values?: string[];
}

/** Campaign properties the marketing server reads (the *_sum_amount ones are HubSpot's budget/spend totals). */
export const CAMPAIGN_PROPERTIES = [
  "hs_name",
  "hs_campaign_status",
  "hs_start_date",
  "hs_end_date",
  "hs_currency_code",
  "hs_budget_items_sum_amount",
  "hs_spend_items_sum_amount",
];
/** A HubSpot user who can own records, with the teams that make its territory. */
export interface HubSpotSeller {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  teams: { name: string; primary: boolean }[];
}

/** HubSpot's batch endpoints take at most 100 object ids (associations: 1000; we keep 100 for both). */
export const HUBSPOT_BATCH = 100;

export interface HubSpotMarketingConnector {
  readonly sdk: HubSpotSdk;
  /** Lists v3: lists, members and membership changes, read fresh (./lists). */
  readonly lists: HubSpotListsConnector;
  /** Forms v3 and their submissions (./forms). */
  readonly forms: HubSpotFormsConnector;
  /** One page of campaigns (at most 100), sorted by HubSpot (`sort`: hs_name, createdAt, updatedAt, "-" for descending). */
  listCampaigns(input: {
    after?: string;
    limit?: number;
    name?: string;
    sort?: string;
    properties?: string[];
  }): Promise<MaybeStale<Page<HubSpotCampaign> & { total: number }>>;
  campaignBudget(id: string): Promise<MaybeStale<CampaignBudget>>;
  campaignRevenue(
    id: string,
    model: AttributionModel,
    range?: ReportRange,
  ): Promise<MaybeStale<CampaignRevenue>>;
  /** One page (at most 100) of the ids of contacts HubSpot attributes to the campaign. */
  campaignContacts(
    id: string,
    type: CampaignContactType,
    input?: ReportRange & { after?: string; limit?: number },
  ): Promise<MaybeStale<Page<string>>>;
  /** One campaign read fresh (never the stale cache); undefined when HubSpot has none. */
  campaignFresh(id: string, properties?: string[]): Promise<HubSpotCampaign | undefined>;
  /** Budget and spend items with their totals, read fresh. */
  campaignBudgetItems(id: string): Promise<CampaignBudgetItems>;
  /** The campaign's assets of one type (first 100), read fresh. */
  campaignAssets(id: string, assetType: string): Promise<{ id: string; name: string }[]>;
  /** Creates a campaign; a write, never retried but on a 429. */
  createCampaign(properties: Record<string, string>): Promise<HubSpotCampaign>;
  /** Sets campaign properties; a write, never retried but on a 429. */
  updateCampaign(id: string, properties: Record<string, string>): Promise<HubSpotCampaign>;
  /** Adds one budget item; a write, never retried but on a 429. */
  addBudgetItem(
    id: string,
    item: { amount: number; name: string; order: number; description?: string },
  ): Promise<CampaignMoneyItem>;
  /** One page (at most 200) of a contact search, all filters ANDed. */
  searchContacts(input: {
    filters: ContactFilter[];
    properties: string[];
    after?: string;
    limit?: number;
  }): Promise<MaybeStale<Page<HubSpotObject> & { total: number }>>;
  /** One page (at most 200) of a contact search read fresh, never from the stale cache: for a write's preview. */
  searchContactsFresh(input: {
    filters: ContactFilter[];
    properties: string[];
    /** Ascending by this property. */
    sort: string;
    after?: string;
    limit?: number;
  }): Promise<Page<HubSpotObject> & { total: number }>;
  /** Every owner with its teams, read fresh. */
  owners(): Promise<HubSpotSeller[]>;
  /** Sets properties on at most HUBSPOT_BATCH contacts in one request; a write, never retried but on a 429. */
  updateContacts(inputs: { id: string; properties: Record<string, string> }[]): Promise<HubSpotObject[]>;
  /** Ids associated per input id (at most HUBSPOT_BATCH inputs); inputs without any are absent. */
  associatedIds(
    from: "contacts" | "deals",
    to: "contacts" | "deals" | "companies",
    ids: string[],
  ): Promise<MaybeStale<Record<string, string[]>>>;
  /** Objects by id (at most HUBSPOT_BATCH); unknown ids are left out. */
  batchRead(
    type: "contacts" | "deals" | "companies",
    ids: string[],
    properties: string[],
  ): Promise<MaybeStale<HubSpotObject[]>>;
}

interface SdkObject {
  id: string;
  properties: Record<string, string | null>;
  updatedAt: Date;
}
const toObject = (o: SdkObject): HubSpotObject => ({
  id: o.id,
  properties: o.properties,
  updatedAt: o.updatedAt.toISOString(),
});
const amount = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : Number(v) || 0);

const toItem = (r: Record<string, unknown>): CampaignMoneyItem => ({
  id: String(r.id),
  name: String(r.name ?? ""),
  amount: amount(r.amount),
  order: amount(r.order),
  description: r.description == null ? null : String(r.description),
});
const toCampaign = (c: HubSpotCampaign): HubSpotCampaign => ({
  id: String(c.id),
  properties: c.properties ?? {},
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
});

function tooMany(ids: string[]): void {
  if (ids.length > HUBSPOT_BATCH) throw new RangeError(`at most ${HUBSPOT_BATCH} ids per batch`);
}

export async function createHubSpotMarketingConnector(
  connection: HubSpotConnection,
  setup: HubSpotSetup = {},
): Promise<HubSpotMarketingConnector> {
  const sdk = await createHubSpotSdk(connection, setup);
  const { runtime, apis, get, send } = sdk;
  const campaignPath = (id: string, sub: string) =>
    `/marketing/v3/campaigns/${encodeURIComponent(id)}/${sub}`;

  return {
    sdk,
    lists: createHubSpotLists(sdk, connection),
    forms: createHubSpotForms(sdk, connection),
    listCampaigns: ({ after, limit = 100, name, sort, properties = CAMPAIGN_PROPERTIES }) =>
      runtime.read(`campaigns:${JSON.stringify([after, limit, name, sort, properties])}`, async () => {
        const { value } = await runtime.attempt("campaigns.list", () =>
          get<{ total: number; results: HubSpotCampaign[]; paging?: { next?: { after?: string } } }>(
            "/marketing/v3/campaigns",
            { limit: String(limit), after, name, sort, properties: properties.join(",") },
          ),
        );
        const next = value.paging?.next?.after;
        const results = value.results.map((c) => ({
          id: c.id,
          properties: c.properties ?? {},
          createdAt: c.createdAt,
          updatedAt: c.updatedAt,
        }));
        return { total: value.total, results, ...(next ? { nextCursor: next } : {}) };
      }),
    campaignBudget: (id) =>
      runtime.read(`campaign.budget:${id}`, async () => {
        const { value } = await runtime.attempt("campaigns.budget", () =>
          get<Record<string, unknown>>(campaignPath(id, "budget/totals")),
        );
        return {
          budgetTotal: amount(value.budgetTotal),
          spendTotal: amount(value.spendTotal),
          remainingBudget: amount(value.remainingBudget),
          currencyCode: String(value.currencyCode ?? ""),
        };
      }),
    campaignRevenue: (id, model, range = {}) =>
      runtime.read(
        `campaign.revenue:${id}:${model}:${range.startDate ?? ""}:${range.endDate ?? ""}`,
        async () => {
          const { value } = await runtime.attempt("campaigns.revenue", () =>
            get<Record<string, unknown>>(campaignPath(id, "reports/revenue"), {
              attributionModel: model,
              ...range,
            }),
          );
          return {
            contactsNumber: amount(value.contactsNumber),
            dealsNumber: amount(value.dealsNumber),
            dealAmount: amount(value.dealAmount),
            revenueAmount: amount(value.revenueAmount),
            currencyCode: String(value.currencyCode ?? ""),
          };
        },
      ),
    campaignContacts: (id, type, { after, limit = 100, ...range } = {}) =>
      runtime.read(
        `campaign.contacts:${id}:${type}:${range.startDate ?? ""}:${range.endDate ?? ""}:${after ?? ""}:${limit}`,
        async () => {
          const { value } = await runtime.attempt("campaigns.contacts", () =>
            get<{ results: { id: string }[]; paging?: { next?: { after?: string } } }>(
              campaignPath(id, `reports/contacts/${type}`),
              { limit: String(limit), after, ...range },
            ),
          );
          const next = value.paging?.next?.after;
          return { results: value.results.map((r) => String(r.id)), ...(next ? { nextCursor: next } : {}) };
        },
      ),
    async campaignFresh(id, properties = CAMPAIGN_PROPERTIES) {
      try {
        const { value } = await runtime.attempt("campaigns.get", () =>
          get<HubSpotCampaign>(`/marketing/v3/campaigns/${encodeURIComponent(id)}`, {
            properties: properties.join(","),
          }),
        );
        return toCampaign(value);
      } catch (err) {
        if (isVendorError(err) && err.kind === "not_found") return undefined;
        throw err;
      }
    },
    async campaignBudgetItems(id) {
      const { value } = await runtime.attempt("campaigns.budget", () =>
        get<Record<string, unknown>>(campaignPath(id, "budget/totals")),
      );
      const items = (v: unknown) => ((v ?? []) as Record<string, unknown>[]).map(toItem);
      return {
        budgetTotal: amount(value.budgetTotal),
        spendTotal: amount(value.spendTotal),
        remainingBudget: amount(value.remainingBudget),
        currencyCode: String(value.currencyCode ?? ""),
        budgetItems: items(value.budgetItems),
        spendItems: items(value.spendItems),
      };
    },
    async campaignAssets(id, assetType) {
      const { value } = await runtime.attempt("campaigns.assets", () =>
        get<{ results: { id: string; name?: string }[] }>(campaignPath(id, `assets/${assetType}`), {
          limit: "100",
        }),
      );
      return value.results.map((r) => ({ id: String(r.id), name: String(r.name ?? "") }));
    },
    async createCampaign(properties) {
      const { value } = await runtime.attempt(
        "campaigns.create",
        () => send<HubSpotCampaign>("POST", "/marketing/v3/campaigns", { properties }),
        { idempotent: false },
      );
      return toCampaign(value);
    },
    async updateCampaign(id, properties) {
      const { value } = await runtime.attempt(
        "campaigns.update",
        () =>
          send<HubSpotCampaign>("PATCH", `/marketing/v3/campaigns/${encodeURIComponent(id)}`, { properties }),
        { idempotent: false },
      );
      return toCampaign(value);
    },
    async addBudgetItem(id, item) {
      const { value } = await runtime.attempt(
        "campaigns.budget.add",
        () => send<Record<string, unknown>>("POST", campaignPath(id, "budget"), item),
        { idempotent: false },
      );
      return toItem(value);
    },
    searchContacts: ({ filters, properties, after, limit = 200 }) =>
      runtime.read(`contacts.search:${JSON.stringify([filters, properties, after, limit])}`, async () => {
        const { value } = await runtime.attempt("contacts.search", () =>
          apis.contacts.searchApi.doSearch({
            filterGroups: filters.length
              ? [
                  {
                    filters: filters.map((f) => ({
                      propertyName: f.property,
                      operator: f.operator as never,
                      ...(f.value === undefined ? {} : { value: f.value }),
                      ...(f.values === undefined ? {} : { values: f.values }),
                    })),
                  },
                ]
              : [],
            sorts: ["createdate"],
            properties,
            limit,
            ...(after ? { after } : {}),
          }),
        );
        const next = value.paging?.next?.after;
        return {
          total: value.total,
          results: value.results.map((o) => toObject(o as SdkObject)),
          ...(next ? { nextCursor: next } : {}),
        };
      }),
    async searchContactsFresh({ filters, properties, sort, after, limit = 200 }) {
      const { value } = await runtime.attempt("contacts.search", () =>
        apis.contacts.searchApi.doSearch({
          filterGroups: [
            {
              filters: filters.map((f) => ({
                propertyName: f.property,
                operator: f.operator as never,
                ...(f.value === undefined ? {} : { value: f.value }),
                ...(f.values === undefined ? {} : { values: f.values }),
              })),
            },
          ],
          sorts: [sort],
          properties,
          limit,
          ...(after ? { after } : {}),
        }),
      );
      const next = value.paging?.next?.after;
      return {
        total: value.total,
        results: value.results.map((o) => toObject(o as SdkObject)),
        ...(next ? { nextCursor: next } : {}),
      };
    },
    async owners() {
      const out: HubSpotSeller[] = [];
      let after: string | undefined;
      do {
        const { value } = await runtime.attempt("owners.list", () =>
          get<{ results: Record<string, unknown>[]; paging?: { next?: { after?: string } } }>(
            "/crm/v3/owners",
            { limit: "500", after },
          ),
        );
        for (const o of value.results)
          out.push({
            id: String(o.id),
            email: String(o.email ?? ""),
            firstName: String(o.firstName ?? ""),
            lastName: String(o.lastName ?? ""),
            teams: ((o.teams ?? []) as { name?: string; primary?: boolean }[]).map((t) => ({
              name: String(t.name ?? ""),
              primary: t.primary === true,
            })),
          });
        after = value.paging?.next?.after;
      } while (after && out.length < 10_000);
      return out;
    },
    async updateContacts(inputs) {
      tooMany(inputs.map((i) => i.id));
      if (inputs.length === 0) return [];
      const { value } = await runtime.attempt(
        "contacts.batchUpdate",
        () => apis.contacts.batchApi.update({ inputs }),
        { idempotent: false },
      );
      return value.results.map((o) => toObject(o as SdkObject));
    },
    async associatedIds(from, to, ids) {
      tooMany(ids);
      return runtime.read(`assoc.batch:${from}:${to}:${ids.join(",")}`, async () => {
        if (ids.length === 0) return {};
        const { value } = await runtime.attempt("associations.batchRead", () =>
          apis.associations.batchApi.getPage(from, to, { inputs: ids.map((id) => ({ id })) }),
        );
        const out: Record<string, string[]> = {};
        for (const r of value.results) out[r._from.id] = r.to.map((t) => String(t.toObjectId));
        return out;
      });
    },
    async batchRead(type, ids, properties) {
      tooMany(ids);
      return runtime.read(`${type}.batch:${properties.join(",")}:${ids.join(",")}`, async () => {
        if (ids.length === 0) return [];
        const { value } = await runtime.attempt(`${type}.batchRead`, () =>
          apis[type].batchApi.read({
            inputs: ids.map((id) => ({ id })),
            properties,
            propertiesWithHistory: [],
          }),
        );
        return value.results.map((o) => toObject(o as SdkObject));
      });
    },
  };
}
