import type { KeyValue, SqlDb } from "@revops/store";
import type { GuardConfig } from "./config";

export interface Recipient {
  email: string;
  name?: string;
  time_zone?: string;
  /** When a scheduled send reaches them (ISO); quiet hours are judged then, not now. */
  send_at?: string;
}

export interface SendVerdict {
  /** Reasons the send may not happen at all (the model must change the plan). */
  refusals: string[];
  /** Reasons a human must approve it through the queue even when the client can elicit. */
  approvalReasons: string[];
}

export interface SendRuleDeps {
  db: () => Promise<SqlDb>;
  kv: () => Promise<KeyValue>;
  config: () => GuardConfig;
  now: () => Date;
  sandbox: boolean;
  /** True when the address belongs to a contact the CRM knows. */
  isKnownContact?: (email: string) => Promise<boolean>;
}

export const domainOf = (email: string) => email.slice(email.lastIndexOf("@") + 1).toLowerCase();
const dayKey = (d: Date) => d.toISOString().slice(0, 10);
const freqKey = (email: string, now: Date) => `guards:freq:${dayKey(now)}:${email.toLowerCase()}`;
const DAY_MS = 86_400_000;

/** The hour (0-23) it is now where the recipient is; an unknown zone falls back to the default. */
export function localHour(now: Date, timeZone: string, fallback: string): number {
  const fmt = (tz: string) =>
    Number(new Intl.DateTimeFormat("en-US", { hour: "numeric", hourCycle: "h23", timeZone: tz }).format(now));
  try {
    return fmt(timeZone);
  } catch {
    return fmt(fallback);
  }
}

/** Quiet hours "20-8" wrap midnight; "9-17" do not; "off" never applies. */
export function inQuietHours(hour: number, spec: string): boolean {
  if (spec === "off") return false;
  const [start, end] = spec.split("-").map(Number) as [number, number];
  if (start === end) return false;
  return start > end ? hour >= start || hour < end : hour >= start && hour < end;
}

const list = (emails: string[], max = 5) =>
  emails.length > max
    ? `${emails.slice(0, max).join(", ")} and ${emails.length - max} more`
    : emails.join(", ");

/** Suppression list, frequency caps, quiet hours, sandbox allowlist, unknown-recipient and size rules. */
export class SendRules {
  constructor(private readonly deps: SendRuleDeps) {}

  async check(recipients: Recipient[]): Promise<SendVerdict> {
    const cfg = this.deps.config();
    const now = this.deps.now();
    const emails = recipients.map((r) => r.email.trim().toLowerCase());
    const refusals: string[] = [];
    const approvalReasons: string[] = [];

    if (this.deps.sandbox) {
      const outside = emails.filter((e) => !cfg.GUARD_SANDBOX_ALLOWED_DOMAINS.includes(domainOf(e)));
      if (outside.length > 0)
        refusals.push(
          `Against the sandbox only ${cfg.GUARD_SANDBOX_ALLOWED_DOMAINS.join(", ")} may receive mail; not ${list(outside)}.`,
        );
    }
    const suppressed = await this.suppressed(emails);
    if (suppressed.length > 0)
      refusals.push(`${list(suppressed)} unsubscribed or are suppressed; remove them from the recipients.`);

    const kv = await this.deps.kv();
    const max = cfg.GUARD_SEND_MAX_PER_RECIPIENT_PER_DAY;
    const counts = await Promise.all(emails.map(async (e) => Number((await kv.get(freqKey(e, now))) ?? 0)));
    const tooOften = emails.filter((_, i) => (counts[i] ?? 0) >= max);
    if (tooOften.length > 0)
      refusals.push(`${list(tooOften)} already got ${max} messages today (UTC); send tomorrow or drop them.`);

    const quiet = recipients.filter((r) =>
      inQuietHours(
        localHour(
          r.send_at ? new Date(r.send_at) : now,
          r.time_zone ?? cfg.GUARD_DEFAULT_TIME_ZONE,
          cfg.GUARD_DEFAULT_TIME_ZONE,
        ),
        cfg.GUARD_QUIET_HOURS,
      ),
    );
    if (quiet.length > 0)
      refusals.push(
        `It is within quiet hours (${cfg.GUARD_QUIET_HOURS} local time) for ${list(quiet.map((r) => r.email))}; schedule the send for their morning.`,
      );

    if (recipients.length > cfg.GUARD_OUTBOUND_APPROVAL_OVER)
      approvalReasons.push(
        `${recipients.length} recipients is over the ${cfg.GUARD_OUTBOUND_APPROVAL_OVER} that may be confirmed in chat`,
      );
    const unknown = await this.unknownRecipients(emails, cfg.GUARD_OWN_DOMAINS);
    if (unknown.length > 0)
      approvalReasons.push(`${list(unknown)} are neither in your own domains nor known contacts`);
    return { refusals, approvalReasons };
  }

  private async unknownRecipients(emails: string[], own: string[]): Promise<string[]> {
    const unknown: string[] = [];
    for (const e of emails) {
      if (own.includes(domainOf(e))) continue;
      if (this.deps.isKnownContact && (await this.deps.isKnownContact(e))) continue;
      unknown.push(e);
    }
    return unknown;
  }

  private async suppressed(emails: string[]): Promise<string[]> {
    if (emails.length === 0) return [];
    const db = await this.deps.db();
    const found: string[] = [];
    for (let i = 0; i < emails.length; i += 500) {
      const chunk = emails.slice(i, i + 500);
      const rows = await db.query<{ email: string }>(
        `SELECT email FROM guard_suppressions WHERE email IN (${chunk.map(() => "?").join(", ")})`,
        chunk,
      );
      found.push(...rows.map((r) => r.email));
    }
    return found;
  }
}

/** The suppression (unsubscribe) list: one row per address, lower-cased. */
export class SuppressionList {
  constructor(
    private readonly db: () => Promise<SqlDb>,
    private readonly now: () => Date,
  ) {}

  async add(email: string, reason: string): Promise<void> {
    await (await this.db()).run(
      "INSERT INTO guard_suppressions (email, reason, created_at) VALUES (?, ?, ?) ON CONFLICT (email) DO NOTHING",
      [email.trim().toLowerCase(), reason, this.now().toISOString()],
    );
  }

  async remove(email: string): Promise<void> {
    await (await this.db()).run("DELETE FROM guard_suppressions WHERE email = ?", [
      email.trim().toLowerCase(),
    ]);
  }

  async has(email: string): Promise<boolean> {
    const row = await (await this.db()).one("SELECT email FROM guard_suppressions WHERE email = ?", [
      email.trim().toLowerCase(),
    ]);
    return row !== undefined;
  }
}

/** Counted only after a successful send, per recipient and UTC day. */
export async function recordSends(kv: KeyValue, now: Date, recipients: Recipient[]): Promise<void> {
  for (const r of recipients) await kv.incr(freqKey(r.email, now), 1, { ttlMs: DAY_MS + 3_600_000 });
}
