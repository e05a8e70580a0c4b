import { createHash } from "node:crypto";

/** How many records a bulk plan names; the rest are counted (`count`) and described. */
export const BULK_SAMPLE = 5;

/**
 * The selection a bulk plan was made on, hashed into the plan: the guard recomputes the plan before running it, so
 * a selection that changed since the preview (other ids, or other values in `state`) is a different plan, refused.
 */
export function selectionHash(ids: readonly string[], state?: unknown): string {
  const h = createHash("sha256").update([...ids].sort().join("\n"));
  if (state !== undefined) h.update(`\n${JSON.stringify(state)}`);
  return h.digest("hex").slice(0, 16);
}
