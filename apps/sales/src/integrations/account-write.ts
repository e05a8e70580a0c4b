import type { WriteOrigin } from "@revops/model";
import { writeOnce } from "@revops/resilience";
import type { AccountFirmographics, AccountWritePort } from "../ports-prospecting";

const FIELDS = ["industry", "employees", "country"] as const;
type Field = (typeof FIELDS)[number];

/** How one vendor reads an account's firmographics fresh (undefined: no such account) and writes some of them. */
export interface FirmographicsIo {
  system: string;
  read(accountId: string): Promise<AccountFirmographics | undefined>;
  write(accountId: string, changes: AccountFirmographics): Promise<void>;
  /** The vendor's own value for a directory industry (null: none fits); absent: taken as is. */
  industryValue?(industry: string): string | null;
}

const same = (a: unknown, b: unknown) =>
  typeof a === "string" && typeof b === "string" ? a.toLowerCase() === b.toLowerCase() : a === b;

/**
 * Enriched fields written onto a vendor account: the plan's "before" checked on a fresh read (the vendor has no
 * compare-and-set), only the fields that still differ sent, and after an ambiguous failure the account read back
 * before one retry. The same plan run again finds its values in place and writes nothing.
 */
export class VendorAccountWrite implements AccountWritePort {
  readonly industryValue?: (industry: string) => string | null;
  constructor(private readonly io: FirmographicsIo) {
    if (io.industryValue) this.industryValue = (v) => io.industryValue?.(v) ?? null;
  }

  async updateFirmographics(
    accountId: string,
    changes: AccountFirmographics,
    _origin: WriteOrigin,
    expected: AccountFirmographics,
  ): Promise<{ system: string; id: string } | undefined> {
    const { system } = this.io;
    const cur = await this.io.read(accountId);
    if (!cur) return undefined;
    const pending = FIELDS.filter((k) => changes[k] !== undefined && !same(cur[k], changes[k]));
    const done = { system, id: accountId };
    if (pending.length === 0) return done;
    const stale = FIELDS.filter((k) => expected[k] !== undefined && !same(cur[k], expected[k]));
    if (stale.length > 0)
      throw new RangeError(
        `conflict: account ${accountId} changed meanwhile (${stale.map((k) => `${k} is now ${JSON.stringify(cur[k] ?? null)}`).join("; ")}).`,
      );
    const update = Object.fromEntries(pending.map((k: Field) => [k, changes[k]])) as AccountFirmographics;
    await writeOnce({
      write: async () => {
        await this.io.write(accountId, update);
        return true;
      },
      lookup: async () => {
        const now = await this.io.read(accountId);
        return now && pending.every((k) => same(now[k], update[k])) ? true : undefined;
      },
    });
    return done;
  }
}
