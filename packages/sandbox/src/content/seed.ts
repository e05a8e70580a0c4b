import type { ContentStatus, ContentType } from "@revops/model";
import type { SqlDb } from "@revops/store";
import { dayOf, isoDay } from "../dates.js";
import { Rng } from "../random.js";
import { everyOf } from "../vocabulary.js";

/** Campaigns whose dates overlap this many days either side of today get seeded calendar items. */
export const CONTENT_WINDOW_DAYS = 90;
/** The marketing team who own seeded calendar items (the sandbox has no marketing users). */
export const CONTENT_OWNERS = ["Nina Patel", "Leo Martins", "Chloe Dubois", "Ethan Walsh"] as const;
/** Items each campaign gets, by its channel, in this order. */
export const CONTENT_MIX: Record<string, readonly ContentType[]> = {
  email: ["email", "email", "blog"],
  paid_search: ["blog", "email"],
  paid_social: ["social", "social", "social", "blog"],
  webinar: ["webinar", "email", "social"],
  event: ["email", "social", "blog"],
  content: ["blog", "blog", "social", "email"],
};

export const CONTENT_TYPES = everyOf<ContentType>()(["email", "blog", "social", "webinar"]);
export const CONTENT_STATUSES = everyOf<ContentStatus>()([
  "idea",
  "draft",
  "review",
  "scheduled",
  "published",
]);
export const SOCIAL_CHANNELS = ["linkedin", "x", "facebook", "instagram"] as const;

const LABEL: Record<ContentType, string> = {
  email: "email",
  blog: "blog post",
  social: "social post",
  webinar: "webinar session",
};

/** Status of a seeded item by how far its day is from today: past mostly published, near scheduled or in review. */
function statusFor(r: Rng, ahead: number): ContentStatus {
  if (ahead < 0) return r.chance(0.9) ? "published" : "review";
  if (ahead <= 7)
    return r.weighted([
      ["scheduled", 6],
      ["review", 4],
    ]);
  if (ahead <= 30)
    return r.weighted([
      ["scheduled", 3],
      ["review", 3],
      ["draft", 4],
    ]);
  return r.weighted([
    ["draft", 4],
    ["idea", 6],
  ]);
}

/**
 * The content calendar of the sandbox company, inside the load's transaction: for each campaign overlapping
 * today ± CONTENT_WINDOW_DAYS (by id), the CONTENT_MIX of its channel, each on a day drawn within the campaign's
 * dates (clamped to the window) from `Rng(seed, "content:<campaign id>")`, owned by one of CONTENT_OWNERS.
 */
export async function seedContentCalendar(tx: SqlDb, seed: number, today: string): Promise<number> {
  const t = dayOf(today);
  const [lo, hi] = [t - CONTENT_WINDOW_DAYS, t + CONTENT_WINDOW_DAYS];
  const campaigns = await tx.query<{
    id: string;
    name: string;
    channel: string;
    start_date: string;
    end_date: string;
  }>(
    "SELECT id, name, channel, start_date, end_date FROM sb_campaigns WHERE end_date >= ? AND start_date <= ? ORDER BY id",
    [isoDay(lo), isoDay(hi)],
  );
  const rows: unknown[][] = [];
  const at = `${today}T00:00:00Z`;
  for (const c of campaigns) {
    const r = new Rng(seed, `content:${c.id}`);
    const first = Math.max(dayOf(c.start_date), lo);
    const last = Math.max(first, Math.min(dayOf(c.end_date), hi));
    for (const type of CONTENT_MIX[c.channel] ?? ["blog"]) {
      const day = r.int(first, last);
      const status = statusFor(r, day - t);
      const channel = type === "social" ? r.pick(SOCIAL_CHANNELS) : type;
      const id = `cnt_${String(rows.length + 1).padStart(4, "0")}`;
      const title = `${c.name}: ${LABEL[type]}`;
      rows.push([
        id,
        title,
        type,
        channel,
        status,
        isoDay(day),
        null,
        r.pick(CONTENT_OWNERS),
        c.id,
        null,
        "seed",
        at,
        at,
      ]);
    }
  }
  await tx.insertMany("sb_content_items", CONTENT_ITEM_COLUMNS, rows);
  return rows.length;
}

export const CONTENT_ITEM_COLUMNS = [
  "id",
  "title",
  "type",
  "channel",
  "status",
  "day",
  "publish_at",
  "owner",
  "campaign_id",
  "body",
  "principal",
  "created_at",
  "updated_at",
];
