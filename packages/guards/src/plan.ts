import { renderCompact } from "@revops/kit";
import { z } from "zod";

/** What previews state; only these fields are read by the rules, the whole plan is hashed and shown. */
export const planFactsSchema = z.looseObject({
  summary: z.string().optional(),
  /** Verb of the confirmation phrase, e.g. "delete", "update", "merge" (default "delete"). */
  action: z.string().optional(),
  /** Singular noun, e.g. "deal" → "delete 3 deals". */
  record_type: z.string().optional(),
  records: z.array(z.looseObject({ id: z.string(), name: z.string().optional() })).optional(),
  /** Number of records when they are too many to list. */
  count: z.number().int().min(0).optional(),
  recipients: z
    .array(
      z.looseObject({
        email: z.string(),
        name: z.string().optional(),
        time_zone: z.string().optional(),
        /** A scheduled send: quiet hours are judged at this instant (ISO date-time). */
        send_at: z.iso.datetime({ offset: true }).optional(),
      }),
    )
    .optional(),
  amount: z.number().finite().min(0).optional(),
  currency: z.string().optional(),
  campaign_id: z.string().optional(),
  /** false for plans that move a limit rather than money (caps_update). */
  counts_toward_caps: z.boolean().optional(),
  side_effects: z.array(z.string()).optional(),
  /** true when people outside the company will see it (a public reply): high risk. */
  public: z.boolean().optional(),
  /**
   * "simulated": the sandbox records the message and delivers nothing, so its recipient allowlist (which keeps a
   * trial from mailing real people) does not apply; suppression, caps and quiet hours still do.
   */
  delivery: z.enum(["vendor", "simulated"]).optional(),
});

export type PlanFacts = z.output<typeof planFactsSchema>;
export type GuardKind = "destructive" | "outbound" | "spend";

/** Reads the known fields of a plan; a plan that is not an object has none. */
export function planFacts(plan: unknown): PlanFacts {
  const parsed = planFactsSchema.safeParse(plan);
  return parsed.success ? parsed.data : {};
}

export function recordCount(facts: PlanFacts): number {
  return facts.count ?? facts.records?.length ?? facts.recipients?.length ?? 0;
}

export function formatMoney(amount: number, currency = "USD"): string {
  return new Intl.NumberFormat("en-US", {
    style: "currency",
    currency,
    minimumFractionDigits: 0,
    maximumFractionDigits: 2,
  }).format(amount);
}

/** The phrase the human types: derived from the plan, so confirming means reading it. */
export function confirmationPhrase(kind: GuardKind, facts: PlanFacts, currency = "USD"): string {
  if (kind === "spend" && facts.amount !== undefined)
    return formatMoney(facts.amount, facts.currency ?? currency);
  if (kind === "outbound" && facts.recipients) return `send to ${facts.recipients.length}`;
  const verb = facts.action ?? (kind === "outbound" ? "send" : "delete");
  const only = facts.records?.length === 1 ? facts.records[0] : undefined;
  if (only?.name && facts.count === undefined) return `${verb} ${only.name}`;
  const n = recordCount(facts);
  const noun = facts.record_type ?? "record";
  return `${verb} ${n} ${n === 1 ? noun : `${noun}s`}`;
}

/** Whitespace and case do not matter; every word does. */
export const samePhrase = (typed: unknown, phrase: string): boolean =>
  typeof typed === "string" && normalise(typed) === normalise(phrase);

const normalise = (s: string) => s.trim().replace(/\s+/g, " ").toLowerCase();

/** The plan as a human reads it (elicitation message, approval listing, model-facing notice). */
export function describePlan(tool: string, plan: unknown, max = 2000): string {
  const facts = planFacts(plan);
  const head = facts.summary ? `${tool}: ${facts.summary}` : tool;
  const body = renderCompact(plan);
  const text = `${head}\n${body}`;
  return text.length > max ? `${text.slice(0, max)}\n… (plan truncated)` : text;
}
