/** Knowledge-base gaps: ticket tags (topics) with many tickets and no article labelled or titled with them. */
import { normaliseText } from "./feedback-themes";

export const KB_GAPS_METHOD = "kb-gaps-v1";
/** Tags about how a ticket is handled, not what it is about: never a topic. */
export const HANDLING_TAGS: ReadonlySet<string> = new Set(["escalation", "vip"]);
const EXAMPLES = 3;

export interface GapTicket {
  id: string;
  createdAt: string;
  accountId: string;
  subject: string;
  tags: readonly string[];
}

export interface GapArticle {
  title: string;
  labels: readonly string[];
}

export interface KbGap {
  topic: string;
  tickets: number;
  accounts: number;
  /** ARR of the distinct accounts with a ticket on the topic (accounts without a known ARR add 0). */
  arr: number;
  /** The newest tickets' subjects. */
  examples: string[];
}

export interface KbGaps {
  gaps: KbGap[];
  /** Topics with at least the minimum tickets that an article covers. */
  covered: { topic: string; tickets: number; articles: number }[];
}

/** An article covers a topic when it is labelled with it, or its title holds the topic's words (data-sync: "data sync"). */
export function covers(article: GapArticle, topic: string): boolean {
  if (article.labels.some((l) => l.toLowerCase() === topic)) return true;
  return ` ${normaliseText(article.title)} `.includes(` ${normaliseText(topic)} `);
}

const newestFirst = (a: GapTicket, b: GapTicket) =>
  a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1;

/** Each ticket counts once under every topic tag it carries; topics below `minTickets` are left out. */
export function kbGaps(
  tickets: readonly GapTicket[],
  articles: readonly GapArticle[],
  arrByAccount: ReadonlyMap<string, number>,
  minTickets: number,
): KbGaps {
  const byTopic = new Map<string, GapTicket[]>();
  for (const t of [...tickets].sort(newestFirst))
    for (const tag of new Set(t.tags.map((x) => x.toLowerCase())))
      if (!HANDLING_TAGS.has(tag)) byTopic.set(tag, [...(byTopic.get(tag) ?? []), t]);
  const gaps: KbGap[] = [];
  const covered: KbGaps["covered"] = [];
  for (const [topic, its] of byTopic) {
    if (its.length < minTickets) continue;
    const n = articles.filter((a) => covers(a, topic)).length;
    if (n > 0) {
      covered.push({ topic, tickets: its.length, articles: n });
      continue;
    }
    const accounts = new Set(its.map((t) => t.accountId));
    gaps.push({
      topic,
      tickets: its.length,
      accounts: accounts.size,
      arr: [...accounts].reduce((s, id) => s + (arrByAccount.get(id) ?? 0), 0),
      examples: its.slice(0, EXAMPLES).map((t) => t.subject),
    });
  }
  const order = (a: { tickets: number; topic: string }, b: { tickets: number; topic: string }) =>
    b.tickets - a.tickets || a.topic.localeCompare(b.topic);
  return { gaps: gaps.sort(order), covered: covered.sort(order) };
}
