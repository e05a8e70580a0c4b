import type { KbArticle } from "@revops/model";
import type { SqlDb } from "@revops/store";

const SNIPPET_CHARS = 160;
const ARTICLE_URL = "https://help.northwind-analytics.example/articles/";

/** Plain text without tags or runs of spaces, cut to a snippet. */
export function snippetOf(text: string): string {
  const plain = text
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return plain.length > SNIPPET_CHARS ? `${plain.slice(0, SNIPPET_CHARS - 1)}…` : plain;
}

const splitLabels = (v: unknown) =>
  String(v ?? "")
    .split(",")
    .map((l) => l.trim())
    .filter(Boolean);

function toArticle(r: Record<string, unknown>): KbArticle {
  return {
    id: String(r.id),
    title: String(r.title),
    section: String(r.section),
    labels: splitLabels(r.labels),
    snippet: snippetOf(String(r.body)),
    url: `${ARTICLE_URL}${String(r.id)}`,
    updatedAt: String(r.updated_at),
  };
}

/** Every article, oldest id first (a few dozen at most: Help Centers are small next to ticket volumes). */
export async function sandboxArticles(db: SqlDb): Promise<KbArticle[]> {
  const rows = await db.query<Record<string, unknown>>(
    "SELECT id, title, section, body, labels, updated_at FROM sb_kb_articles ORDER BY id",
  );
  return rows.map(toArticle);
}

/**
 * Articles containing every word of the query (any case) in the title, body or labels, like Help Center search:
 * title matches first, then the newest update. At most `limit`, with how many matched.
 */
export async function sandboxSearchArticles(
  db: SqlDb,
  q: { query: string; limit: number },
): Promise<{ rows: KbArticle[]; total: number }> {
  const words = q.query.toLowerCase().split(/\s+/).filter(Boolean).slice(0, 8);
  const all = await db.query<Record<string, unknown>>(
    "SELECT id, title, section, body, labels, updated_at FROM sb_kb_articles",
  );
  const scored = all
    .map((r) => {
      const title = String(r.title).toLowerCase();
      const text = `${title} ${String(r.body).toLowerCase()} ${String(r.labels).toLowerCase()}`;
      return {
        r,
        hit: words.every((w) => text.includes(w)),
        inTitle: words.filter((w) => title.includes(w)).length,
      };
    })
    .filter((x) => x.hit)
    .sort(
      (a, b) =>
        b.inTitle - a.inTitle ||
        String(b.r.updated_at).localeCompare(String(a.r.updated_at)) ||
        String(a.r.id).localeCompare(String(b.r.id)),
    );
  return { rows: scored.slice(0, q.limit).map((x) => toArticle(x.r)), total: scored.length };
}
