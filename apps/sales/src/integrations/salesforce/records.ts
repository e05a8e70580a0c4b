import { type SalesforceConnector, type SObject, soqlString } from "@revops/connectors";
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
import { writeOnce } from "@revops/resilience";
import { RECYCLE_BIN } from "@revops/sandbox";
import { chunked, holdsAll } from "../records";

const OBJECT: Record<RecordType, string> = {
  deal: "Opportunity",
  contact: "Contact",
  lead: "Lead",
  account: "Account",
};
/** Tool field → Salesforce field, per object (what selectRecords reads and updateRecords writes). */
const FIELDS: Record<RecordType, [string, string][]> = {
  deal: [
    ["owner", "OwnerId"],
    ["stage", "StageName"],
    ["next_step", "NextStep"],
  ],
  contact: [
    ["owner", "OwnerId"],
    ["title", "Title"],
  ],
  lead: [["owner", "OwnerId"]],
  account: [["owner", "OwnerId"]],
};
/** sObject Collections take at most 200 records per request; ids per SOQL read are kept shorter for the URL. */
const COLLECTION_MAX = 200;
const READ_IDS = 100;
const SF_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;
const SYSTEM = "salesforce";

interface SaveResult {
  id: string | null;
  success: boolean;
  errors: { statusCode: string; message: string }[];
}

/** Suite stage ↔ the org's StageName, as the CRM adapter maps them. */
export interface StageTranslation {
  toSuite(stageName: string): Promise<Stage>;
  toVendor(stage: Stage): Promise<string | undefined>;
}

/**
 * Bulk updates and deletes through jsforce's sObject Collections (PATCH / DELETE /composite/sobjects, allOrNone):
 * each request of up to 200 records lands whole or not at all, so after an ambiguous failure reading the request's
 * records back says whether it landed.
 */
export class SalesforceRecords {
  constructor(
    private readonly sf: SalesforceConnector,
    private readonly stages: StageTranslation,
  ) {}

  async select(type: RecordType, sel: RecordSelection, limit: number): Promise<RecordRow[]> {
    const where = sel.owner ? [`OwnerId = ${soqlString(sel.owner)}`] : [];
    const groups = sel.ids
      ? chunked(
          sel.ids.filter((id) => SF_ID.test(id)),
          READ_IDS,
        ).map((ids) => [...where, `(${ids.map((id) => `Id = ${soqlString(id)}`).join(" OR ")})`])
      : [where];
    const rows: RecordRow[] = [];
    for (const w of groups) {
      const fields = ["Id", "Name", ...FIELDS[type].map(([, f]) => f)].join(", ");
      const soql = `SELECT ${fields} FROM ${OBJECT[type]}${w.length ? ` WHERE ${w.join(" AND ")}` : ""} ORDER BY Id`;
      const got = await this.sf.sdk.runtime.named("records.select", true, () => this.sf.query(soql));
      for (const r of got.records) rows.push(await this.row(type, r));
    }
    return rows
      .filter((r) => !sel.stage || r.fields.stage === sel.stage)
      .sort((a, b) => a.id.localeCompare(b.id))
      .slice(0, limit);
  }

  private async row(type: RecordType, r: SObject): Promise<RecordRow> {
    const fields: Record<string, string | null> = {};
    for (const [tool, sf] of FIELDS[type]) {
      const v = r[sf] == null || r[sf] === "" ? null : String(r[sf]);
      fields[tool] = tool === "stage" && v ? await this.stages.toSuite(v) : v;
    }
    return { id: r.Id, name: String(r.Name ?? r.Id), fields };
  }

  /** The Salesforce fields a change writes; RangeError "owner: …" / "stage: …" for what the org cannot take. */
  private async body(f: RecordFields): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    if (f.owner !== undefined) {
      if (!SF_ID.test(f.owner)) throw new RangeError(`owner: ${f.owner} is not a Salesforce user id.`);
      out.OwnerId = f.owner;
    }
    if (f.stage !== undefined) {
      const name = await this.stages.toVendor(f.stage);
      if (!name)
        throw new RangeError(
          `stage: Salesforce has no active opportunity stage for ${f.stage}; map one with SALES_STAGE_MAP.`,
        );
      out.StageName = name;
    }
    if (f.next_step !== undefined) out.NextStep = f.next_step;
    if (f.title !== undefined) out.Title = f.title;
    return out;
  }

  async update(type: BulkType, ids: string[], f: RecordFields, origin: WriteOrigin): Promise<RecordsWrite> {
    const body = await this.body(f);
    const object = OBJECT[type];
    let count = 0;
    let recovered = false;
    for (const part of chunked(ids, COLLECTION_MAX)) {
      const landed = async () =>
        holdsAll(await this.select(type, { ids: part }, part.length), part, f) ? part.length : undefined;
      const w = await writeOnce({
        ...(origin.resumed && { lookupFirst: true }),
        write: async () => {
          const results = (await this.sf.sdk.runtime.named("records.update", false, () =>
            this.sf.sdk.withSession((conn) =>
              conn.sobject(object).update(
                part.map((Id) => ({ Id, ...body })),
                { allOrNone: true },
              ),
            ),
          )) as unknown as SaveResult[];
          refuseFailed(results);
          return part.length;
        },
        lookup: landed,
      });
      count += w.value;
      recovered ||= w.recovered;
    }
    return { system: SYSTEM, count, recovered };
  }

  async remove(type: RecordType, ids: string[], origin: WriteOrigin): Promise<RecordsWrite> {
    if (type === "account") await this.refuseParents(ids);
    const object = OBJECT[type];
    let count = 0;
    let recovered = false;
    for (const part of chunked(ids, COLLECTION_MAX)) {
      // what is already gone (an earlier attempt of this plan) is not deleted again: allOrNone would refuse it
      const present = (await this.select(type, { ids: part }, part.length)).map((r) => r.id);
      if (present.length === 0) {
        recovered ||= origin.resumed === true;
        continue;
      }
      const w = await writeOnce({
        write: async () => {
          const results = (await this.sf.sdk.runtime.named("records.delete", false, () =>
            this.sf.sdk.withSession((conn) => conn.sobject(object).destroy(present, { allOrNone: true })),
          )) as unknown as SaveResult[];
          refuseFailed(results);
          return present.length;
        },
        lookup: async () =>
          (await this.select(type, { ids: present }, present.length)).length === 0
            ? present.length
            : undefined,
      });
      count += w.value;
      recovered ||= w.recovered;
    }
    return { system: SYSTEM, count, recovered, bin: RECYCLE_BIN.salesforce };
  }

  /** Salesforce deletes an account's contacts and opportunities with it: an account still holding any is refused. */
  private async refuseParents(ids: string[]): Promise<void> {
    for (const part of chunked(ids, READ_IDS)) {
      const or = part.map((id) => `AccountId = ${soqlString(id)}`).join(" OR ");
      for (const object of ["Opportunity", "Contact"]) {
        const soql = `SELECT Id, AccountId FROM ${object} WHERE (${or}) LIMIT 5`;
        const held = (await this.sf.sdk.runtime.named("records.children", true, () => this.sf.query(soql)))
          .records;
        if (held.length)
          throw new RangeError(
            `ids: account(s) still have deals or contacts (${[...new Set(held.map((h) => String(h.AccountId)))].join(", ")}); delete or move those first.`,
          );
      }
    }
  }
}

/** allOrNone answers 200 with every record failed when one is refused: that refusal, named by field. */
function refuseFailed(results: SaveResult[]): void {
  const bad = results.find(
    (r) => !r.success && r.errors[0]?.statusCode !== "ALL_OR_NONE_OPERATION_ROLLED_BACK",
  );
  if (!bad) return;
  const e = bad.errors[0];
  const field =
    e?.statusCode === "INVALID_CROSS_REFERENCE_KEY"
      ? "owner"
      : /PICKLIST/.test(e?.statusCode ?? "")
        ? "stage"
        : "ids";
  throw new RangeError(
    `${field}: Salesforce refused ${bad.id ?? "a record"} (${e?.statusCode}: ${e?.message}).`,
  );
}
