import { z } from "zod";
import type { ToolAnnotations } from "./define";

/** The annotation sets tools use, named by what the tool does, so no tool spells out the four hints. */
export const annotations = {
  /** Reads a system of record (a CRM, a help desk, the sandbox). */
  read: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  /** Reads the server's own records (audit, usage). */
  readLocal: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  /** Sets fields or memberships in a system of record: repeating the same call changes nothing more. */
  update: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  /** Sends or appends something (a reply, an email): each call adds one more. */
  send: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  /** Adds a record beside the others (a draft, a note) and changes none: each call adds one more. */
  create: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  /** Changes one of the server's own settings. */
  setting: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
} as const satisfies Record<string, ToolAnnotations>;

/** How every analytics result says what it computed, from what, as of when, and what to keep in mind. */
export const AnalyticsMetaSchema = z.object({
  method: z.string().describe("Method and version used to compute the figures"),
  as_of: z.string().describe("Date the figures are relative to"),
  source: z.string().describe("Where the data came from (sandbox or a vendor connection)"),
  inputs: z.record(z.string(), z.union([z.number(), z.string()])).describe("What went into the computation"),
  caveats: z.array(z.string()),
});

/** Money as whole units of the account's currency (the sandbox and most CRMs store whole dollars). */
export const MoneySchema = z.number().describe("Whole units of the account's currency");
