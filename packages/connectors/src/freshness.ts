import { type MaybeStale, noteForCall } from "@revops/resilience";

/**
 * How fresh and how complete an answer from a vendor is; present only when some of it came from the stale cache,
 * a cap stopped a read before the end (the answer then covers less than everything), or a caveat applies.
 */
export interface Freshness {
  stale: boolean;
  /** When the oldest cached part was fetched (ISO 8601); only when stale. */
  fetchedAt?: string;
  /** What was left unread, one line per cap that was hit. */
  partial?: string[];
  /** How to read the figures, e.g. the currency amounts were converted into. */
  caveats?: string[];
  /** One line a tool can show next to the answer. */
  note: string;
}

/** A port result that may carry a freshness note (tools that ignore it see the plain result). */
export type WithFreshness<T> = T & { freshness?: Freshness };

/** Collects the stale parts of one answer while it is assembled from several vendor reads. */
export class FreshnessTracker {
  private oldest: { fetchedAt: string; vendor: string; reason: string } | undefined;
  private readonly caps: string[] = [];
  private readonly caveats: string[] = [];

  constructor(private readonly vendor: string) {}

  /** Unwraps a read, remembering it when it was served from the cache. */
  take<T>(read: MaybeStale<T>): T {
    if (read.stale && (!this.oldest || read.fetchedAt < this.oldest.fetchedAt)) {
      this.oldest = { fetchedAt: read.fetchedAt, vendor: this.vendor, reason: read.error.message };
    }
    return read.value;
  }

  /** Records that a cap stopped a read early, e.g. "only the newest 3,000 conversations were read". */
  partial(note: string): void {
    if (!this.caps.includes(note)) this.caps.push(note);
  }

  /** Records how the figures must be read (shown with the answer, whether fresh or not). */
  caveat(note: string): void {
    if (!this.caveats.includes(note)) this.caveats.push(note);
  }

  get freshness(): Freshness | undefined {
    if (!this.oldest && this.caps.length === 0 && this.caveats.length === 0) return undefined;
    const extra = {
      ...(this.caps.length ? { partial: [...this.caps] } : {}),
      ...(this.caveats.length ? { caveats: [...this.caveats] } : {}),
    };
    const notes = [...this.caps, ...this.caveats];
    if (!this.oldest) return { stale: false, ...extra, note: notes.join(" ") };
    const { fetchedAt, vendor, reason } = this.oldest;
    const staleNote = `${vendor} is unavailable (${reason}); showing cached data from ${fetchedAt}.`;
    return { stale: true, fetchedAt, ...extra, note: [staleNote, ...notes].join(" ") };
  }

  /** The value with `freshness` attached when any part was stale; the note joins the tool call's result. */
  mark<T extends object>(value: T): WithFreshness<T> {
    const f = this.freshness;
    if (!f) return value;
    noteForCall(f.note);
    return Object.assign(value, { freshness: f });
  }
}

/** The freshness of a port result, if it has one (arrays included); tools need not look: the kit shows its note. */
export function freshnessOf(result: unknown): Freshness | undefined {
  if (typeof result !== "object" || result === null) return undefined;
  return (result as { freshness?: Freshness }).freshness;
}
