import { z } from "zod";

/** Arguments the guard reads and removes before the handler runs; spread into every guarded tool's input. */
export const guardInputs = {
  dry_run: z
    .boolean()
    .optional()
    .describe("true: return the exact plan (records, recipients, amounts) without changing anything"),
  approval_id: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe("Id of an approval a human granted for exactly these arguments (from an earlier call)"),
  confirmation_token: z
    .string()
    .min(1)
    .max(2048)
    .optional()
    .describe("Token from an earlier call, after the user confirmed that plan; same arguments only"),
};

export const GUARD_INPUT_KEYS = Object.keys(guardInputs) as (keyof typeof guardInputs)[];

export interface GuardControl {
  dry_run?: boolean;
  approval_id?: string;
  confirmation_token?: string;
}

/** Separates the guard's own arguments from the tool's arguments (which are what gets hashed and approved). */
export function splitControl(input: unknown): { control: GuardControl; args: Record<string, unknown> } {
  const all = (typeof input === "object" && input !== null ? input : {}) as Record<string, unknown>;
  const args: Record<string, unknown> = {};
  const control: GuardControl = {};
  for (const [key, value] of Object.entries(all)) {
    if ((GUARD_INPUT_KEYS as string[]).includes(key)) Object.assign(control, { [key]: value });
    else args[key] = value;
  }
  return { control, args };
}
