import { z } from "zod";

const count = (fallback: number) => z.coerce.number().int().min(0).default(fallback);
const money = (fallback: number) => z.coerce.number().min(0).default(fallback);
const csv = (fallback: string[]) =>
  z
    .string()
    .optional()
    .transform((v) =>
      v === undefined
        ? fallback
        : v
            .split(",")
            .map((s) => s.trim().toLowerCase())
            .filter(Boolean),
    );

/** Every variable the guards read; apps merge it into their config schema (`base.extend(guardConfigSchema.shape)`). */
export const guardConfigSchema = z.object({
  /**
   * How a human confirms. inband: low-risk plans in the client (elicitation), else the approval queue; token: as
   * inband, with a sealed token where the client cannot elicit; approval: every plan through the queue; deny:
   * nothing guarded runs. High-risk plans go to the queue in every mode (deny refuses them).
   */
  CONFIRMATION_MODE: z.enum(["inband", "approval", "token", "deny"]).default("inband"),
  /** Low-risk plans change at most this many records and message at most this many people. */
  GUARD_INBAND_MAX_RECORDS: count(1),
  GUARD_INBAND_MAX_RECIPIENTS: count(3),
  /** Tools whose every plan is high risk, comma-separated public names. */
  GUARD_HIGH_RISK_TOOLS: csv([]),
  /** HMAC key of plan tokens (and, derived, of 2026-07-28 confirmation state); required in token mode. */
  GUARD_TOKEN_SECRET: z.string().min(32, "use at least 32 random characters").optional(),
  GUARD_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(300),
  GUARD_APPROVAL_TTL_MINUTES: z.coerce.number().int().min(1).default(1440),
  /** How long an approved plan's execution holds its approval; a retry after that resumes a crashed one. */
  GUARD_EXECUTION_LEASE_SECONDS: z.coerce.number().int().min(5).max(3600).default(120),
  /**
   * The admin console's public address (e.g. https://revops.example.com/console): a queued plan then carries a link
   * to its confirmation page, opened by URL-mode elicitation where the client supports it.
   */
  CONSOLE_URL: z
    .url({
      protocol: /^https?$/,
      error: "use the console's address, e.g. https://revops.example.com/console",
    })
    .optional(),
  /** Plans touching more records than this always go to the approval queue. */
  GUARD_BULK_APPROVAL_OVER: count(50),
  /** Sends to more recipients than this always go to the approval queue. */
  GUARD_OUTBOUND_APPROVAL_OVER: count(25),
  GUARD_SEND_MAX_PER_RECIPIENT_PER_DAY: count(3),
  /** Local hours "start-end" (24h, may wrap midnight) when nobody is emailed; "off" disables. */
  GUARD_QUIET_HOURS: z
    .string()
    .regex(/^(off|([01]?\d|2[0-3])-([01]?\d|2[0-3]))$/, 'use "20-8" (start-end hours) or "off"')
    .default("20-8"),
  GUARD_DEFAULT_TIME_ZONE: z.string().default("UTC"),
  /** The customer's own email domains: recipients there need no approval. */
  GUARD_OWN_DOMAINS: csv([]),
  /** Against the sandbox, only these recipient domains may be sent to. */
  GUARD_SANDBOX_ALLOWED_DOMAINS: csv(["example.com", "example.org", "example.net"]),
  SPEND_CAP_PER_CALL: money(500),
  SPEND_CAP_PER_CAMPAIGN: money(5000),
  SPEND_CAP_PER_DAY: money(1000),
  SPEND_CAP_PER_MONTH: money(10000),
  SPEND_CURRENCY: z.string().length(3).default("USD"),
});

export type GuardConfig = z.output<typeof guardConfigSchema>;

/** Defaults for every variable, e.g. for tests: `guardConfig({ CONFIRMATION_MODE: "token" })`. */
export function guardConfig(overrides: Partial<GuardConfig> = {}): GuardConfig {
  return { ...guardConfigSchema.parse({}), ...overrides };
}
