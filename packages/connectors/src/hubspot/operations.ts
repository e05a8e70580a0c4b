import type { MaybeStale } from "@revops/resilience";
import { isAmbiguousWriteFailure, isVendorError, sleep, writeOnce } from "@revops/resilience";
import { createHubSpotSdk, type HubSpotConnection, type HubSpotSdk, type HubSpotSetup } from "./client";

export interface HubSpotObject {
  id: string;
  properties: Record<string, string | null>;
  updatedAt: string;
}

export interface Page<T> {
  results: T[];
  nextCursor?: string;
}

export type SearchOperator = "EQ" | "GTE" | "LTE";
export interface DealFilter {
  property: string;
  operator: SearchOperator;
  value: string | number;
}

export interface SearchDealsInput {
  filters: DealFilter[];
  sort?: { property: string; direction: "ASCENDING" | "DESCENDING" };
  after?: string;
  limit?: number;
}

export interface CreateDealResult {
  deal: HubSpotObject;
  /** True when an earlier, interrupted attempt had already created it. */
  recovered: boolean;
}

/** Custom deal property holding the idempotency key of the create that made the deal. */
export const IDEMPOTENCY_PROPERTY = "revops_idempotency_key";
/** Waits between searches for a possibly created deal (~7.5 s in all: HubSpot's index usually lags seconds). */
const SEARCH_LAG_WAITS_MS = [0, 500, 1000, 2000, 4000];
export const DEAL_PROPERTIES = [
  "dealname",
  "amount",
  "dealstage",
  "pipeline",
  "closedate",
  "hs_lastmodifieddate",
];

interface SdkObject {
  id: string;
  properties: Record<string, string | null>;
  updatedAt: Date;
}
interface SdkPage {
  results: SdkObject[];
  paging?: { next?: { after: string } };
}

const toObject = (o: SdkObject): HubSpotObject => ({
  id: o.id,
  properties: o.properties,
  updatedAt: o.updatedAt.toISOString(),
});

function toPage(p: SdkPage): Page<HubSpotObject> {
  const next = p.paging?.next?.after;
  return { results: p.results.map(toObject), ...(next ? { nextCursor: next } : {}) };
}

/** A deal pipeline stage; metadata as HubSpot sends it (isClosed "true"/"false", probability "0.0"–"1.0"). */
export interface HubSpotPipelineStage {
  id: string;
  label: string;
  displayOrder: number;
  metadata: { isClosed?: string; probability?: string };
}
export interface HubSpotPipeline {
  id: string;
  label: string;
  stages: HubSpotPipelineStage[];
}
export interface HubSpotOwner {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  /** The owner's HubSpot user id (goals name users, not owners); absent for an owner without a user. */
  userId?: string;
}

export interface HubSpotConnector {
  readonly sdk: HubSpotSdk;
  listDeals(input: {
    after?: string;
    limit?: number;
    stage?: string;
  }): Promise<MaybeStale<Page<HubSpotObject>>>;
  searchDeals(input: SearchDealsInput): Promise<MaybeStale<Page<HubSpotObject> & { total: number }>>;
  getCompany(id: string): Promise<MaybeStale<HubSpotObject>>;
  listAssociations(
    from: "deals" | "companies" | "contacts",
    id: string,
    to: "deals" | "companies" | "contacts",
  ): Promise<string[]>;
  /** One deal read now, without the stale cache; undefined when HubSpot has no such deal. */
  getDeal(id: string, properties: string[]): Promise<HubSpotObject | undefined>;
  /**
   * Updates a deal once: after an ambiguous failure (reset, timeout, 5xx) it reads the deal by id (not search,
   * which lags behind writes) and retries only when the deal does not already hold every target value.
   */
  updateDealOnce(id: string, properties: Record<string, string | null>): Promise<{ recovered: boolean }>;
  /** Deal pipelines with their stages (ids are numeric for custom stages). */
  dealPipelines(): Promise<HubSpotPipeline[]>;
  /** The portal's users who can own records (hubspot_owner_id). */
  listOwners(): Promise<HubSpotOwner[]>;
  /** Creates a deal at most once per key, even when a reset hides whether the first try landed. */
  createDeal(
    properties: Record<string, string>,
    opts: { idempotencyKey: string; companyId?: string },
  ): Promise<CreateDealResult>;
  /**
   * Creates a task at most once per key (stamped in the task's `revops_idempotency_key`, searched before the write
   * and after an ambiguous failure), associated with the deal and/or the company.
   */
  createTask(
    properties: Record<string, string>,
    opts: { idempotencyKey: string; dealId?: string; companyId?: string },
  ): Promise<{ task: HubSpotObject; recovered: boolean }>;
  /** A meeting engagement, at most once per key like `createTask`, associated with the deal and/or the company. */
  createMeeting(
    properties: Record<string, string>,
    opts: { idempotencyKey: string; dealId?: string; companyId?: string },
  ): Promise<{ meeting: HubSpotObject; recovered: boolean }>;
}

/** HubSpot-defined association types from an engagement to a company and to a deal. */
const LINK_TYPES = {
  tasks: { companies: 192, deals: 216 },
  meetings: { companies: 188, deals: 212 },
} as const;
type Engagement = keyof typeof LINK_TYPES;
const SUBJECT = { tasks: "hs_task_subject", meetings: "hs_meeting_title" } as const;

export async function createHubSpotConnector(
  connection: HubSpotConnection,
  setup: HubSpotSetup = {},
): Promise<HubSpotConnector> {
  const sdk = await createHubSpotSdk(connection, setup);
  const { runtime, apis } = sdk;

  async function search(input: SearchDealsInput, properties = DEAL_PROPERTIES) {
    const { value } = await runtime.attempt("deals.search", () =>
      apis.deals.searchApi.doSearch({
        filterGroups: [
          {
            filters: input.filters.map((f) => ({
              propertyName: f.property,
              operator: f.operator as never,
              value: String(f.value),
            })),
          },
        ],
        sorts: input.sort
          ? [`${input.sort.direction === "DESCENDING" ? "-" : ""}${input.sort.property}`]
          : [],
        properties,
        limit: input.limit ?? 10,
        ...(input.after ? { after: input.after } : {}),
      }),
    );
    return { ...toPage(value as SdkPage), total: value.total };
  }

  /**
   * The deal a create stamped with `key`. Read by `idProperty` when the portal's property requires unique values
   * (no index lag); otherwise search, polled, since search sees a new deal only seconds later (HS7).
   */
  async function findByKey(key: string, poll = true): Promise<HubSpotObject | undefined> {
    const properties = [...DEAL_PROPERTIES, IDEMPOTENCY_PROPERTY];
    try {
      return await getDeal(key, properties, IDEMPOTENCY_PROPERTY);
    } catch (err) {
      // 400: the property is not unique in this portal, so it cannot serve as an idProperty
      if (!(isVendorError(err) && err.kind === "invalid")) throw err;
    }
    for (const waitMs of poll ? SEARCH_LAG_WAITS_MS : [0]) {
      await sleep(waitMs);
      const filters = [{ property: IDEMPOTENCY_PROPERTY, operator: "EQ" as const, value: key }];
      const found = (await search({ filters, limit: 1 }, properties)).results[0];
      if (found) return found;
    }
    return undefined;
  }

  async function createOnce(
    properties: Record<string, string>,
    key: string,
    companyId?: string,
  ): Promise<HubSpotObject> {
    // deal → company is HubSpot-defined association type 5
    const associations = companyId
      ? [
          {
            to: { id: companyId },
            types: [{ associationCategory: "HUBSPOT_DEFINED" as never, associationTypeId: 5 }],
          },
        ]
      : [];
    const { value } = await runtime.attempt(
      "deals.create",
      () =>
        apis.deals.basicApi.create({
          properties: { ...properties, [IDEMPOTENCY_PROPERTY]: key },
          associations,
        }),
      { idempotent: false },
    );
    return toObject(value);
  }

  async function getDeal(
    id: string,
    properties: string[],
    idProperty?: string,
  ): Promise<HubSpotObject | undefined> {
    try {
      const { value } = await runtime.attempt("deals.get", () =>
        apis.deals.basicApi.getById(id, properties, undefined, undefined, undefined, idProperty),
      );
      return toObject(value as SdkObject);
    } catch (err) {
      if (isVendorError(err) && err.kind === "not_found") return undefined;
      throw err;
    }
  }

  /** HubSpot stores closedate as a datetime and numbers as text: compare what the value means. */
  const sameValue = (name: string, now: string | null | undefined, want: string | null) => {
    if (want === null || want === "") return now === null || now === undefined || now === "";
    if (name === "closedate") return String(now ?? "").slice(0, 10) === want.slice(0, 10);
    if (name === "amount") return Number(now) === Number(want);
    return now === want;
  };

  async function findEngagement(
    type: Engagement,
    key: string,
    poll: boolean,
  ): Promise<HubSpotObject | undefined> {
    for (const waitMs of poll ? SEARCH_LAG_WAITS_MS : [0]) {
      await sleep(waitMs);
      const { value } = await runtime.attempt(`${type}.search`, () =>
        apis.objects[type].searchApi.doSearch({
          filterGroups: [
            { filters: [{ propertyName: IDEMPOTENCY_PROPERTY, operator: "EQ" as never, value: key }] },
          ],
          properties: [SUBJECT[type], IDEMPOTENCY_PROPERTY],
          sorts: [],
          limit: 1,
        }),
      );
      const found = (value as SdkPage).results[0];
      if (found) return toObject(found);
    }
    return undefined;
  }

  async function createNow(
    type: Engagement,
    properties: Record<string, string>,
    key: string,
    links: { dealId?: string; companyId?: string },
  ): Promise<HubSpotObject> {
    const to = (id: string, typeId: number) => ({
      to: { id },
      types: [{ associationCategory: "HUBSPOT_DEFINED" as never, associationTypeId: typeId }],
    });
    const associations = [
      ...(links.dealId ? [to(links.dealId, LINK_TYPES[type].deals)] : []),
      ...(links.companyId ? [to(links.companyId, LINK_TYPES[type].companies)] : []),
    ];
    const { value } = await runtime.attempt(
      `${type}.create`,
      () =>
        apis.objects[type].basicApi.create({
          properties: { ...properties, [IDEMPOTENCY_PROPERTY]: key },
          associations,
        }),
      { idempotent: false },
    );
    return toObject(value as SdkObject);
  }

  /** One engagement per key: the same plan run again finds it; an ambiguous failure is looked up before one more try. */
  async function engagementOnce(
    type: Engagement,
    properties: Record<string, string>,
    { idempotencyKey, ...links }: { idempotencyKey: string; dealId?: string; companyId?: string },
  ): Promise<{ made: HubSpotObject; recovered: boolean }> {
    const earlier = await findEngagement(type, idempotencyKey, false);
    if (earlier) return { made: earlier, recovered: true };
    try {
      return { made: await createNow(type, properties, idempotencyKey, links), recovered: false };
    } catch (err) {
      if (!isAmbiguousWriteFailure(err)) throw err;
      const existing = await findEngagement(type, idempotencyKey, true);
      if (existing) return { made: existing, recovered: true };
      return { made: await createNow(type, properties, idempotencyKey, links), recovered: false };
    }
  }

  return {
    sdk,
    async createTask(properties, opts) {
      const { made, recovered } = await engagementOnce("tasks", properties, opts);
      return { task: made, recovered };
    },
    async createMeeting(properties, opts) {
      const { made, recovered } = await engagementOnce("meetings", properties, opts);
      return { meeting: made, recovered };
    },
    getDeal,
    async updateDealOnce(id, properties) {
      const names = Object.keys(properties);
      const { recovered } = await writeOnce({
        write: async () => {
          await runtime.attempt(
            "deals.update",
            () => apis.deals.basicApi.update(id, { properties: properties as Record<string, string> }),
            { idempotent: false },
          );
          return true;
        },
        lookup: async () => {
          const now = await getDeal(id, names);
          return now && names.every((n) => sameValue(n, now.properties[n], properties[n] ?? null))
            ? true
            : undefined;
        },
      });
      return { recovered };
    },
    async dealPipelines() {
      const { value } = await runtime.attempt("pipelines.list", () =>
        sdk.get<{ results: HubSpotPipeline[] }>("/crm/v3/pipelines/deals"),
      );
      return value.results.map((p) => ({
        id: String(p.id),
        label: String(p.label),
        stages: p.stages.map((st) => ({
          id: String(st.id),
          label: String(st.label),
          displayOrder: Number(st.displayOrder),
          metadata: st.metadata ?? {},
        })),
      }));
    },
    async listOwners() {
      const out: HubSpotOwner[] = [];
      let after: string | undefined;
      do {
        const { value } = await runtime.attempt("owners.list", () =>
          sdk.get<{ results: HubSpotOwner[]; paging?: { next?: { after: string } } }>("/crm/v3/owners", {
            limit: "500",
            after,
          }),
        );
        out.push(
          ...value.results.map((o) => ({
            id: String(o.id),
            email: String(o.email ?? ""),
            firstName: String(o.firstName ?? ""),
            lastName: String(o.lastName ?? ""),
            ...(o.userId === undefined || o.userId === null ? {} : { userId: String(o.userId) }),
          })),
        );
        after = value.paging?.next?.after;
      } while (after && out.length < 10_000);
      return out;
    },
    listDeals: ({ after, limit = 20, stage }) =>
      runtime.read(`deals:${stage ?? "*"}:${after ?? ""}:${limit}`, async () => {
        if (stage) {
          const { total: _total, ...page } = await search({
            filters: [{ property: "dealstage", operator: "EQ", value: stage }],
            limit,
            ...(after ? { after } : {}),
          });
          return page;
        }
        const { value } = await runtime.attempt("deals.list", () =>
          apis.deals.basicApi.getPage(limit, after, DEAL_PROPERTIES),
        );
        return toPage(value as SdkPage);
      }),
    searchDeals: (input) => runtime.read(`deals.search:${JSON.stringify(input)}`, () => search(input)),
    getCompany: (id) =>
      runtime.read(`company:${id}`, async () => {
        const { value } = await runtime.attempt("companies.get", () =>
          apis.companies.basicApi.getById(id, ["name", "domain", "industry", "numberofemployees"]),
        );
        return toObject(value);
      }),
    async listAssociations(from, id, to) {
      const { value } = await runtime.attempt("associations.list", () =>
        apis.associations.basicApi.getPage(from, id, to),
      );
      return value.results.map((r) => String(r.toObjectId));
    },
    async createDeal(properties, { idempotencyKey, companyId }) {
      // the same plan run again (a replica's retry) finds its deal: exact by unique property, else one search
      const earlier = await findByKey(idempotencyKey, false);
      if (earlier) return { deal: earlier, recovered: true };
      try {
        return { deal: await createOnce(properties, idempotencyKey, companyId), recovered: false };
      } catch (err) {
        // a reset, timeout or 5xx leaves it unknown whether HubSpot stored the deal: look before trying again
        if (!isAmbiguousWriteFailure(err)) throw err;
        const existing = await findByKey(idempotencyKey);
        if (existing) return { deal: existing, recovered: true };
        return { deal: await createOnce(properties, idempotencyKey, companyId), recovered: false };
      }
    },
  };
}
