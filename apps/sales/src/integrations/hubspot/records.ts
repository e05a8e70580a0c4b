import type { HubSpotConnector } from "@revops/connectors";
import type {
  BulkType,
  RecordFields,
  RecordRow,
  RecordSelection,
  RecordsWrite,
  RecordType,
  Stage,
  WriteOrigin,
} from "@revops/model";
import { isVendorError, writeOnce } from "@revops/resilience";
import { RECYCLE_BIN } from "@revops/sandbox";
import { chunked, holdsAll } from "../records";

type HsType = "deals" | "contacts" | "companies";
/** HubSpot keeps leads as contacts in the funnel and accounts as companies. */
const OBJECT: Record<RecordType, HsType> = {
  deal: "deals",
  contact: "contacts",
  lead: "contacts",
  account: "companies",
};
/** Tool field → HubSpot property, per record type. */
const FIELDS: Record<RecordType, [string, string][]> = {
  deal: [
    ["owner", "hubspot_owner_id"],
    ["stage", "dealstage"],
    ["next_step", "hs_next_step"],
  ],
  contact: [
    ["owner", "hubspot_owner_id"],
    ["title", "jobtitle"],
  ],
  lead: [["owner", "hubspot_owner_id"]],
  account: [["owner", "hubspot_owner_id"]],
};
const NAME: Record<HsType, string[]> = {
  deals: ["dealname", "pipeline"],
  contacts: ["firstname", "lastname", "email"],
  companies: ["name"],
};
/** HubSpot's batch endpoints take at most 100 inputs; search pages hold at most 200. */
const BATCH_MAX = 100;
const SEARCH_PAGE = 200;
const HS_ID = /^\d{1,20}$/;
const SYSTEM = "hubspot";

interface HsObject {
  id: string;
  properties: Record<string, string | null>;
}

/** Suite stage ↔ a pipeline's dealstage id, as the CRM adapter maps them. */
export interface PipelineStages {
  toSuite(dealstage: string, pipeline: string | null): Promise<Stage>;
  toVendor(stage: Stage, pipeline: string | null): Promise<string | undefined>;
}

// the SDK's per-object APIs share these shapes; one signature for all three objects
interface BatchApis {
  batchApi: {
    read(b: { inputs: { id: string }[]; properties: string[]; propertiesWithHistory: string[] }): Promise<{
      results: HsObject[];
    }>;
    update(b: { inputs: { id: string; properties: Record<string, string> }[] }): Promise<unknown>;
    archive(b: { inputs: { id: string }[] }): Promise<unknown>;
  };
  searchApi: {
    doSearch(b: unknown): Promise<{ results: HsObject[]; paging?: { next?: { after?: string } } }>;
  };
}

/**
 * Bulk updates and archives through @hubspot/api-client's batch APIs, split into requests of 100 as HubSpot allows;
 * after an ambiguous failure a batch is read back (values held, or records gone) before it is sent again.
 */
export class HubSpotRecords {
  constructor(
    private readonly hs: HubSpotConnector,
    private readonly stages: PipelineStages,
  ) {}

  private api(type: RecordType): BatchApis {
    return this.hs.sdk.apis[OBJECT[type]] as unknown as BatchApis;
  }

  private props(type: RecordType): string[] {
    return [...NAME[OBJECT[type]], ...FIELDS[type].map(([, p]) => p)];
  }

  /** The raw objects: by ids (batch read, unknown and archived ones left out) or by owner (search, id order). */
  private async read(type: RecordType, sel: RecordSelection): Promise<HsObject[]> {
    const { runtime } = this.hs.sdk;
    const api = this.api(type);
    const properties = this.props(type);
    const out: HsObject[] = [];
    if (sel.ids) {
      for (const part of chunked(
        sel.ids.filter((id) => HS_ID.test(id)),
        BATCH_MAX,
      )) {
        const { value } = await runtime.attempt("records.read", () =>
          api.batchApi.read({ inputs: part.map((id) => ({ id })), properties, propertiesWithHistory: [] }),
        );
        out.push(
          ...value.results.filter(
            (r) => sel.owner === undefined || r.properties.hubspot_owner_id === sel.owner,
          ),
        );
      }
      return out;
    }
    let after: string | undefined;
    do {
      const { value } = await runtime.attempt("records.search", () =>
        api.searchApi.doSearch({
          filterGroups: sel.owner
            ? [{ filters: [{ propertyName: "hubspot_owner_id", operator: "EQ", value: sel.owner }] }]
            : [],
          sorts: [{ propertyName: "hs_object_id", direction: "ASCENDING" }],
          properties,
          limit: SEARCH_PAGE,
          ...(after && { after }),
        }),
      );
      out.push(...value.results);
      after = value.paging?.next?.after;
    } while (after);
    return out;
  }

  private async row(type: RecordType, r: HsObject): Promise<RecordRow> {
    const p = r.properties;
    const fields: Record<string, string | null> = {};
    for (const [tool, prop] of FIELDS[type]) {
      const v = p[prop] == null || p[prop] === "" ? null : String(p[prop]);
      fields[tool] = tool === "stage" && v ? await this.stages.toSuite(v, p.pipeline ?? null) : v;
    }
    const name = p.dealname ?? p.name ?? ([p.firstname, p.lastname].filter(Boolean).join(" ") || p.email);
    return { id: r.id, name: name || r.id, fields };
  }

  async select(type: RecordType, sel: RecordSelection, limit: number): Promise<RecordRow[]> {
    const rows: RecordRow[] = [];
    for (const r of await this.read(type, sel)) rows.push(await this.row(type, r));
    return rows
      .filter((r) => !sel.stage || r.fields.stage === sel.stage)
      .sort((a, b) => Number(a.id) - Number(b.id))
      .slice(0, limit);
  }

  /** One record's properties for the change (the stage in its own pipeline); RangeError "owner: …" / "stage: …". */
  private async properties(type: RecordType, r: HsObject, f: RecordFields): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    if (f.owner !== undefined) {
      if (!HS_ID.test(f.owner)) throw new RangeError(`owner: ${f.owner} is not a HubSpot owner id.`);
      out.hubspot_owner_id = f.owner;
    }
    if (f.stage !== undefined && type === "deal") {
      const pipeline = r.properties.pipeline ?? null;
      const id = await this.stages.toVendor(f.stage, pipeline);
      if (!id) throw new RangeError(`stage: pipeline ${pipeline ?? "default"} has no stage for ${f.stage}.`);
      out.dealstage = id;
    }
    if (f.next_step !== undefined) out.hs_next_step = f.next_step ?? "";
    if (f.title !== undefined) out.jobtitle = f.title;
    return out;
  }

  async update(type: BulkType, ids: string[], f: RecordFields, origin: WriteOrigin): Promise<RecordsWrite> {
    const api = this.api(type);
    let count = 0;
    let recovered = false;
    for (const part of chunked(ids, BATCH_MAX)) {
      const current = await this.read(type, { ids: part });
      const inputs = await Promise.all(
        current.map(async (r) => ({ id: r.id, properties: await this.properties(type, r, f) })),
      );
      const w = await writeOnce({
        ...(origin.resumed && { lookupFirst: true }),
        write: async () => {
          try {
            await this.hs.sdk.runtime.attempt("records.update", () => api.batchApi.update({ inputs }), {
              idempotent: false,
            });
          } catch (err) {
            if (isVendorError(err) && err.kind === "invalid") throw new RangeError(`owner: ${err.message}`);
            throw err;
          }
          return part.length;
        },
        lookup: async () =>
          holdsAll(await this.select(type, { ids: part }, part.length), part, f) ? part.length : undefined,
      });
      count += w.value;
      recovered ||= w.recovered;
    }
    return { system: SYSTEM, count, recovered };
  }

  async remove(type: RecordType, ids: string[], origin: WriteOrigin): Promise<RecordsWrite> {
    if (type === "account") await this.refuseParents(ids);
    const api = this.api(type);
    let count = 0;
    let recovered = false;
    for (const part of chunked(ids, BATCH_MAX)) {
      // archived ones (an earlier attempt of this plan) are not counted again
      const present = (await this.read(type, { ids: part })).map((r) => r.id);
      if (present.length === 0) {
        recovered ||= origin.resumed === true;
        continue;
      }
      const w = await writeOnce({
        write: async () => {
          await this.hs.sdk.runtime.attempt(
            "records.archive",
            () => api.batchApi.archive({ inputs: present.map((id) => ({ id })) }),
            { idempotent: false },
          );
          return present.length;
        },
        lookup: async () =>
          (await this.read(type, { ids: present })).length === 0 ? present.length : undefined,
      });
      count += w.value;
      recovered ||= w.recovered;
    }
    return { system: SYSTEM, count, recovered, bin: RECYCLE_BIN.hubspot };
  }

  /** A company still associated with deals or contacts is refused, as on the other CRMs. */
  private async refuseParents(ids: string[]): Promise<void> {
    const { runtime, apis } = this.hs.sdk;
    for (const to of ["deals", "contacts"] as const)
      for (const part of chunked(ids, BATCH_MAX)) {
        const { value } = await runtime.attempt("records.children", () =>
          apis.associations.batchApi.getPage("companies", to, { inputs: part.map((id) => ({ id })) }),
        );
        const held = value.results.filter((r) => r.to.length > 0).map((r) => r._from.id);
        if (held.length)
          throw new RangeError(
            `ids: account(s) still have deals or contacts (${held.slice(0, 5).join(", ")}); delete or move those first.`,
          );
      }
  }
}
