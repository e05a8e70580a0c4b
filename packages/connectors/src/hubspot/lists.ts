import { isVendorError } from "@revops/resilience";
import { guardedClient, type HubSpotConnection, type HubSpotSdk } from "./client";
import type { HubSpotObject, Page } from "./operations";

/**
 * HubSpot Lists v3 (ILS lists) through the SDK's `crm.lists`: a list, its members, and membership changes,
 * which HubSpot accepts only on MANUAL and SNAPSHOT lists (DYNAMIC ones answer 400). Every read here is fresh
 * (no stale cache): a write's plan must show what is in HubSpot now, or nothing.
 */

/** Lists hold one object type; contacts are "0-1". */
export const HUBSPOT_CONTACT_OBJECT = "0-1";
/** Members per page of GET /crm/v3/lists/{id}/memberships (HubSpot's maximum). */
export const HUBSPOT_MEMBERS_PAGE = 250;
/** Ids per contact batch read or search (HubSpot's batch limit, and the search's IN-filter limit). */
const CONTACT_BATCH = 100;

export type HubSpotProcessingType = "MANUAL" | "SNAPSHOT" | "DYNAMIC" | string;

export interface HubSpotList {
  listId: string;
  name: string;
  processingType: HubSpotProcessingType;
  objectTypeId: string;
  size: number;
}

/** HubSpot's answer to a membership change (its `recordsIdsAdded` spelling, renamed). */
export interface HubSpotMembershipChange {
  added: string[];
  removed: string[];
  /** Ids HubSpot ignored: records that do not exist. */
  missing: string[];
}

export interface HubSpotListsConnector {
  /** The list, or undefined when HubSpot has none with this id. */
  getList(listId: string): Promise<HubSpotList | undefined>;
  /** One page of member record ids (at most 250), in record-id order; `total` when HubSpot states it. */
  membersPage(
    listId: string,
    input?: { after?: string; limit?: number },
  ): Promise<Page<string> & { total?: number }>;
  /** Ids of the lists a record is in (one request per record, for checks on very large lists). */
  listsOfRecord(recordId: string, objectTypeId?: string): Promise<string[]>;
  /** One PUT …/memberships/add-and-remove; unknown ids come back in `missing`, no-ops in neither list. */
  changeMembers(listId: string, add: string[], remove: string[]): Promise<HubSpotMembershipChange>;
  /** The list of this object type and name (HubSpot matches names case-insensitively), or undefined. */
  listByName(name: string, objectTypeId?: string): Promise<HubSpotList | undefined>;
  /** Creates a MANUAL (static) list; a write, never retried but on a 429. */
  createList(name: string, objectTypeId?: string): Promise<HubSpotList>;
  /** Contacts by record id (at most 100); unknown ids are left out. */
  contactsById(ids: string[], properties: string[]): Promise<HubSpotObject[]>;
  /** Contacts by email (at most 100), through the search API. */
  contactsByEmail(emails: string[], properties: string[]): Promise<HubSpotObject[]>;
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

function atMost(ids: string[], n: number): void {
  if (ids.length > n) throw new RangeError(`at most ${n} ids per request`);
}

/**
 * The lists surface of a HubSpot connection. Its SDK client is built and its lists API taken in one
 * synchronous step, as in createHubSpotSdk: the SDK's decorators are process-wide and captured on first use.
 */
export function createHubSpotLists(sdk: HubSpotSdk, connection: HubSpotConnection): HubSpotListsConnector {
  const { runtime, apis } = sdk;
  const lists = guardedClient(sdk, connection).crm.lists;

  const toList = (l: {
    listId: string;
    name: string;
    processingType: string;
    objectTypeId: string;
    size?: number;
  }): HubSpotList => ({
    listId: String(l.listId),
    name: l.name,
    processingType: l.processingType as HubSpotProcessingType,
    objectTypeId: l.objectTypeId,
    size: Number(l.size ?? 0),
  });

  return {
    async listByName(name, objectTypeId = HUBSPOT_CONTACT_OBJECT) {
      try {
        const { value } = await runtime.attempt("lists.byName", () =>
          lists.listsApi.getByName(name, objectTypeId, false),
        );
        return toList(value.list);
      } catch (err) {
        if (isVendorError(err) && err.kind === "not_found") return undefined;
        throw err;
      }
    },
    async createList(name, objectTypeId = HUBSPOT_CONTACT_OBJECT) {
      const { value } = await runtime.attempt(
        "lists.create",
        () => lists.listsApi.create({ name, objectTypeId, processingType: "MANUAL" }),
        { idempotent: false },
      );
      return toList(value.list);
    },
    async getList(listId) {
      try {
        const { value } = await runtime.attempt("lists.get", () => lists.listsApi.getById(listId, false));
        const l = value.list;
        return {
          listId: String(l.listId),
          name: l.name,
          processingType: l.processingType,
          objectTypeId: l.objectTypeId,
          size: Number(l.size ?? 0),
        };
      } catch (err) {
        if (isVendorError(err) && err.kind === "not_found") return undefined;
        throw err;
      }
    },
    async membersPage(listId, { after, limit = HUBSPOT_MEMBERS_PAGE } = {}) {
      const { value } = await runtime.attempt("lists.memberships", () =>
        lists.membershipsApi.getPage(listId, after, undefined, limit),
      );
      const next = value.paging?.next?.after;
      return {
        results: value.results.map((r) => String(r.recordId)),
        ...(next ? { nextCursor: next } : {}),
        ...(typeof value.total === "number" ? { total: value.total } : {}),
      };
    },
    async listsOfRecord(recordId, objectTypeId = HUBSPOT_CONTACT_OBJECT) {
      const { value } = await runtime.attempt("lists.ofRecord", () =>
        lists.membershipsApi.getLists(objectTypeId, recordId),
      );
      return value.results.map((r) => String(r.listId));
    },
    async changeMembers(listId, add, remove) {
      // a write: never retried by the policy (only a 429 is); the caller looks it up after an ambiguous failure
      const { value } = await runtime.attempt(
        "lists.memberships.update",
        () => lists.membershipsApi.addAndRemove(listId, { recordIdsToAdd: add, recordIdsToRemove: remove }),
        { idempotent: false },
      );
      return {
        added: (value.recordsIdsAdded ?? []).map(String),
        removed: (value.recordIdsRemoved ?? []).map(String),
        missing: (value.recordIdsMissing ?? []).map(String),
      };
    },
    async contactsById(ids, properties) {
      atMost(ids, CONTACT_BATCH);
      if (ids.length === 0) return [];
      const { value } = await runtime.attempt("contacts.batchRead", () =>
        apis.contacts.batchApi.read({
          inputs: ids.map((id) => ({ id })),
          properties,
          propertiesWithHistory: [],
        }),
      );
      return value.results.map((o) => toObject(o as SdkObject));
    },
    async contactsByEmail(emails, properties) {
      atMost(emails, CONTACT_BATCH);
      if (emails.length === 0) return [];
      const { value } = await runtime.attempt("contacts.search", () =>
        apis.contacts.searchApi.doSearch({
          filterGroups: [{ filters: [{ propertyName: "email", operator: "IN" as never, values: emails }] }],
          properties,
          limit: CONTACT_BATCH,
        }),
      );
      return value.results.map((o) => toObject(o as SdkObject));
    },
  };
}
