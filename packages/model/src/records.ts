import type { Stage } from "./crm.js";

export type RecordType = "deal" | "contact" | "lead" | "account";

export type BulkType = "deal" | "contact";

/** Values a bulk update sets; owner is the CRM's user id, next_step null clears it. */
export interface RecordFields {
  owner?: string;
  stage?: Stage;
  next_step?: string | null;
  title?: string;
}

/** Which records: these ids (unknown ones left out), or every record matching the filter. */
export interface RecordSelection {
  ids?: string[];
  /** Owner's CRM user id. */
  owner?: string;
  /** Deals only. */
  stage?: Stage;
}

/** One selected record with the bulk-editable fields as the CRM holds them now (owner: user id). */
export interface RecordRow {
  id: string;
  name: string;
  fields: Record<string, string | null>;
}

/** What a bulk update or delete did; `recovered`: an earlier attempt of the same plan had done it. */
export interface RecordsWrite {
  system: string;
  /** Records changed or deleted. */
  count: number;
  recovered: boolean;
  /** Where deleted records went and how long they can be restored from there. */
  bin?: string;
}
