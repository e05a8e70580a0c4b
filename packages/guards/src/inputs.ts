import { GUARD_CONTROL_KEYS } from "@revops/kit";

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
    if ((GUARD_CONTROL_KEYS as string[]).includes(key)) Object.assign(control, { [key]: value });
    else args[key] = value;
  }
  return { control, args };
}
