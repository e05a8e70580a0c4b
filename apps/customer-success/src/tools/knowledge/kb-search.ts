import { annotations, untrustedText } from "@revops/kit";
import { fromVendor } from "@revops/safety/vendor-errors";
import { z } from "zod";
import { csTool } from "../../ports";
import { knowledgeToolset } from "./toolset";

export const kbSearch = csTool({
  name: "kb_search",
  title: "Search Help Center articles",
  description: "Help Center articles matching every word of the query, best first.",
  toolset: knowledgeToolset.name,
  scopes: ["cs:read"],
  ports: ["support"],
  annotations: annotations.read,
  input: z
    .object({
      query: z.string().trim().min(1).max(200),
      limit: z.number().int().min(1).max(25).default(5),
    })
    .strict(),
  output: z.object({
    articles: z.array(
      z.object({
        id: z.string(),
        title: untrustedText(z.string(), "article title", 160),
        section: z.string(),
        labels: z.array(z.string()),
        snippet: untrustedText(z.string(), "article text", 200),
        url: z.string(),
        updated_at: z.string(),
      }),
    ),
    total: z.number().describe("Articles matching, of which the first `limit` are shown"),
    source: z.string(),
    note: z.string().nullable(),
  }),
  example: { query: "single sign-on" },
  handler: async ({ input, ctx }) => {
    const ports = ctx.ports;
    const r = await fromVendor(() =>
      ports.support.searchArticles({ query: input.query, limit: input.limit }),
    );
    return {
      articles: r.rows.map((a) => ({
        id: a.id,
        title: a.title,
        section: a.section,
        labels: a.labels,
        snippet: a.snippet,
        url: a.url,
        updated_at: a.updatedAt,
      })),
      total: r.total,
      source: ports.source,
      note:
        r.total > r.rows.length
          ? `Showing ${r.rows.length} of ${r.total}; add words to narrow.`
          : r.total === 0
            ? "No article has every word; try fewer or other words."
            : null,
    };
  },
  render: (o) =>
    [
      `${o.total} article(s) match${o.note ? ` (${o.note})` : ""}:`,
      ...o.articles.map((a) => `- ${a.id} ${a.title} [${a.labels.join(", ")}] ${a.url}`),
    ].join("\n"),
});
