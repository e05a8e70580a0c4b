/** Who made a write and under which confirmed plan. */
export interface WriteOrigin {
  principal: string;
  planHash?: string;
  /**
   * Makes a vendor write happen once; the sandbox journals it with the write (one transaction), so a resumed
   * execution finds a write that committed before its process died (`landedWrite`).
   */
  idempotencyKey?: string;
  /** An earlier execution under this key may have landed: vendor writes look it up before writing. */
  resumed?: boolean;
}

/** A write that must happen once: the idempotency key is required. */
export type KeyedOrigin = WriteOrigin & { idempotencyKey: string };

/** One field of one record changed by a tool on the sandbox company. */
export interface SandboxChange {
  entity: string;
  recordId: string;
  field: string;
  before: unknown;
  after: unknown;
}
