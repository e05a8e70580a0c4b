import { type MaybeStale, writeOnce } from "@revops/resilience";
import {
  createSalesforceSdk,
  type SalesforceConnection,
  type SalesforceSdk,
  type SalesforceSetup,
} from "./client";

export type SObject = Record<string, unknown> & { Id: string };

export interface QueryResult<T> {
  records: T[];
  totalSize: number;
  /** False when the cap stopped paging before Salesforce ran out of rows. */
  complete: boolean;
}

export interface OpportunityFilter {
  stageName?: string;
  closeDateFrom?: string;
  closeDateTo?: string;
  minAmount?: number;
  limit?: number;
}

export const OPPORTUNITY_FIELDS = ["Id", "Name", "StageName", "Amount", "CloseDate", "AccountId"];
export const ACCOUNT_FIELDS = ["Id", "Name", "Industry", "Website"];
const DEFAULT_CAP = 2000;

export interface SalesforceConnector {
  readonly sdk: SalesforceSdk;
  /** SOQL with automatic queryMore, stopping at `maxRecords`. */
  query<T extends SObject = SObject>(soql: string, opts?: { maxRecords?: number }): Promise<QueryResult<T>>;
  listOpportunities(filter?: OpportunityFilter): Promise<MaybeStale<QueryResult<SObject>>>;
  getAccount(id: string): Promise<MaybeStale<SObject>>;
  updateOpportunity(id: string, fields: Record<string, unknown>): Promise<void>;
  /**
   * Updates an opportunity once: after an ambiguous failure (reset, timeout, 5xx) it re-reads the record and
   * retries only when the record does not already hold every target value. `recovered`: found already applied.
   */
  updateOpportunityOnce(id: string, fields: Record<string, unknown>): Promise<{ recovered: boolean }>;
  /**
   * Creates an opportunity at most once per key: the key is stamped in the external id field
   * `RevOps_Idempotency_Key__c`; after an ambiguous failure the opportunity is looked up by it before one retry.
   */
  createOpportunityOnce(
    fields: Record<string, unknown>,
    idempotencyKey: string,
  ): Promise<{ id: string; recovered: boolean }>;
  /** Creates a Task at most once per key, the same way (the key in the Task's `RevOps_Idempotency_Key__c`). */
  createTaskOnce(
    fields: Record<string, unknown>,
    idempotencyKey: string,
  ): Promise<{ id: string; recovered: boolean }>;
}

/** Custom text field (External ID, unique) holding the idempotency key of the create that made an opportunity. */
export const SALESFORCE_IDEMPOTENCY_FIELD = "RevOps_Idempotency_Key__c";

/** Salesforce ids are 15 characters case-sensitive or 18 with a checksum suffix: the first 15 identify. */
const sameValue = (field: string, now: unknown, want: unknown): boolean => {
  if (want === null || want === undefined) return now === null || now === undefined || now === "";
  if (typeof want === "number") return Number(now) === want;
  if (field.endsWith("Id") && typeof now === "string" && typeof want === "string")
    return now.slice(0, 15) === want.slice(0, 15);
  if (field === "CloseDate") return String(now).slice(0, 10) === String(want);
  return now === want;
};

/** Quotes a SOQL string literal. */
export function soqlString(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

const SF_DATE = /^\d{4}-\d{2}-\d{2}$/;
const SF_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

export function opportunitySoql(f: OpportunityFilter = {}): string {
  const where: string[] = [];
  if (f.stageName) where.push(`StageName = ${soqlString(f.stageName)}`);
  for (const [field, op, value] of [
    ["CloseDate", ">=", f.closeDateFrom],
    ["CloseDate", "<=", f.closeDateTo],
  ] as const) {
    if (value === undefined) continue;
    if (!SF_DATE.test(value)) throw new RangeError(`${field} must be YYYY-MM-DD, got ${value}`);
    where.push(`${field} ${op} ${value}`);
  }
  if (f.minAmount !== undefined) where.push(`Amount >= ${Number(f.minAmount)}`);
  const limit = Math.min(Math.max(1, f.limit ?? 200), DEFAULT_CAP);
  return `SELECT ${OPPORTUNITY_FIELDS.join(", ")} FROM Opportunity${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY CloseDate ASC LIMIT ${limit}`;
}

export async function createSalesforceConnector(
  connection: SalesforceConnection,
  setup: SalesforceSetup = {},
): Promise<SalesforceConnector> {
  const sdk = await createSalesforceSdk(connection, setup);
  const { runtime, withSession } = sdk;

  async function query<T extends SObject>(
    soql: string,
    opts: { maxRecords?: number } = {},
  ): Promise<QueryResult<T>> {
    const cap = opts.maxRecords ?? DEFAULT_CAP;
    return runtime.named("query", true, () =>
      withSession(async (conn) => {
        const result = await conn.query<T>(soql, { autoFetch: true, maxFetch: cap });
        const records = result.records.slice(0, cap);
        return { records, totalSize: result.totalSize, complete: records.length >= result.totalSize };
      }),
    );
  }

  const updateOpportunity = (id: string, fields: Record<string, unknown>) =>
    runtime.named("opportunities.update", false, () =>
      withSession(async (conn) => {
        await conn.sobject("Opportunity").update({ Id: id, ...fields });
      }),
    );

  /** One create per key: the key is stamped on the record and looked up before the write and after an ambiguous failure. */
  async function createOnce(
    type: "Opportunity" | "Task",
    op: string,
    fields: Record<string, unknown>,
    key: string,
  ): Promise<{ id: string; recovered: boolean }> {
    const soql = `SELECT Id FROM ${type} WHERE ${SALESFORCE_IDEMPOTENCY_FIELD} = ${soqlString(key)}`;
    const find = async () => (await runtime.named(`${op}.lookup`, true, () => query(soql))).records[0]?.Id;
    // the same plan run again (a replica's retry) finds its record instead of making a second one
    const earlier = await find();
    if (earlier) return { id: earlier, recovered: true };
    const { value, recovered } = await writeOnce({
      write: () =>
        runtime.named(`${op}.create`, false, () =>
          withSession(async (conn) => {
            const r = await conn.sobject(type).create({ ...fields, [SALESFORCE_IDEMPOTENCY_FIELD]: key });
            return String((r as { id: string }).id);
          }),
        ),
      lookup: find,
    });
    return { id: value, recovered };
  }

  return {
    sdk,
    query,
    listOpportunities: (filter) => {
      const soql = opportunitySoql(filter);
      return runtime.read(`opps:${soql}`, () => runtime.named("opportunities.list", true, () => query(soql)));
    },
    getAccount: (id) => {
      if (!SF_ID.test(id)) throw new RangeError(`Not a Salesforce record id: ${id}`);
      return runtime.read(`account:${id}`, () =>
        runtime.named("accounts.get", true, () =>
          withSession(async (conn) => (await conn.sobject("Account").retrieve(id)) as unknown as SObject),
        ),
      );
    },
    updateOpportunity,
    createOpportunityOnce: (fields, key) => createOnce("Opportunity", "opportunities", fields, key),
    createTaskOnce: (fields, key) => createOnce("Task", "tasks", fields, key),
    async updateOpportunityOnce(id, fields) {
      if (!SF_ID.test(id)) throw new RangeError(`Not a Salesforce record id: ${id}`);
      const names = Object.keys(fields);
      const { recovered } = await writeOnce({
        write: async () => {
          await updateOpportunity(id, fields);
          return true;
        },
        lookup: async () => {
          const soql = `SELECT Id, ${names.join(", ")} FROM Opportunity WHERE Id = ${soqlString(id)}`;
          const [now] = (await runtime.named("opportunities.lookup", true, () => query(soql))).records;
          return now && names.every((f) => sameValue(f, now[f], fields[f])) ? true : undefined;
        },
      });
      return { recovered };
    },
  };
}
