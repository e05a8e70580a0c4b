import { type GuardConfig, guardStateOf, inQuietHours, localHour } from "@revops/guards";
import { type ToolContext, userError } from "@revops/kit";
import { z } from "zod";
import type { MessageContact } from "../../ports";

export const EXCERPT = 200;
export const SAMPLE = 10;
const HOUR_MS = 3_600_000;

export const excerptOf = (body: string) => (body.length > EXCERPT ? `${body.slice(0, EXCERPT)}…` : body);

/** The sandbox records sends and delivers nothing: the guard then skips its recipient-domain allowlist. */
export const deliveryOf = (system: string) => (system === "sandbox" ? "simulated" : "vendor");

/** The guard's send settings (defaults when no guard is attached, as in unit tests). */
export function sendSettings(
  ctx: ToolContext<unknown>,
): Pick<GuardConfig, "GUARD_QUIET_HOURS" | "GUARD_DEFAULT_TIME_ZONE"> {
  const cfg = guardStateOf(ctx as ToolContext)?.config;
  return {
    GUARD_QUIET_HOURS: cfg?.GUARD_QUIET_HOURS ?? "20-8",
    GUARD_DEFAULT_TIME_ZONE: cfg?.GUARD_DEFAULT_TIME_ZONE ?? "UTC",
  };
}

/**
 * When to send so it arrives outside quiet hours where the recipient is: undefined for now, else the first whole
 * hour after it (so a plan made and confirmed within the hour stays the same plan).
 */
export function sendTimeOf(
  now: Date,
  zone: string | null,
  cfg: Pick<GuardConfig, "GUARD_QUIET_HOURS" | "GUARD_DEFAULT_TIME_ZONE">,
): string | undefined {
  const quiet = (at: Date) =>
    inQuietHours(
      localHour(at, zone ?? cfg.GUARD_DEFAULT_TIME_ZONE, cfg.GUARD_DEFAULT_TIME_ZONE),
      cfg.GUARD_QUIET_HOURS,
    );
  if (!quiet(now)) return undefined;
  const hour = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  for (let h = 1; h <= 24; h++) {
    const at = new Date(hour + h * HOUR_MS);
    if (!quiet(at)) return at.toISOString();
  }
  return undefined; // quiet all day: the guard's send rules refuse it
}

/** A recipient as the guard's send rules read it (quiet hours judged in its zone, at its send time). */
export const recipientOf = (c: MessageContact, sendAt?: string) => ({
  email: c.email.toLowerCase(),
  name: c.name,
  ...(c.timeZone ? { time_zone: c.timeZone } : {}),
  ...(sendAt ? { send_at: sendAt } : {}),
});

/** The confirmed plan's key: guarded tools always run with one. */
export function writeKeyOf(ctx: ToolContext<unknown>) {
  if (!ctx.write)
    throw userError("This send runs only on a confirmed plan.", { hint: "Call it through the guard." });
  return {
    principal: ctx.principal.id,
    planHash: ctx.write.planHash,
    idempotencyKey: ctx.write.idempotencyKey,
  };
}

/** An email address checked in code, so the schema carries no format keyword (every token counts). */
export const isAddress = (s: string) => z.email().safeParse(s).success;
