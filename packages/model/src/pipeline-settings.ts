/** The ideal customer profile: which accounts sales should pursue. Empty list = any. */
export interface Icp {
  industries: string[];
  sizeBands: string[];
  regions: string[];
}

export interface QuotaRow {
  ownerId: string;
  /** YYYY-Qn */
  quarter: string;
  /** Whole dollars of new business plus expansion. */
  amount: number;
  updatedAt: string;
  /** Who set it (`seed` for the sandbox's generated quotas). */
  principal: string;
}

export interface PipelineSettings {
  /** Open stage → percent. */
  probabilities: Record<string, number>;
  icp: Icp;
  /** When and by whom probabilities or the ICP last changed (null: defaults). */
  updatedAt: string | null;
  updatedBy: string | null;
}

/** One changed field, as the confirmed plan showed it. */
export interface SettingsChange {
  field: string;
  before: unknown;
  after: unknown;
}

export interface SettingsUpdate {
  probabilities?: Record<string, number>;
  icp?: Icp;
  quotas?: { ownerId: string; quarter: string; amount: number }[];
}
