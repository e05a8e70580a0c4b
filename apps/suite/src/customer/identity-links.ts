import { annotations, CursorSchema, LimitSchema, userError } from "@revops/kit";
import { z } from "zod";
import { customerTool } from "./ports";
import { GraphSchema, LinkSchema, linkRow, SystemSchema } from "./schemas";
import { identityToolset } from "./toolsets";

const STATUSES = ["auto", "review", "unmatched", "confirmed", "rejected"] as const;

export const identityLinks = customerTool({
  name: "identity_links",
  title: "Identity links",
  description:
    "How other systems' companies link to CRM accounts (or people to contacts), with confidence and evidence; default: awaiting review.",
  toolset: identityToolset.name,
  scopes: ["sales:read"],
  annotations: annotations.readLocal,
  input: z
    .object({
      of: GraphSchema,
      status: z.enum(STATUSES).default("review"),
      system: SystemSchema.optional(),
      cursor: CursorSchema.optional(),
      limit: LimitSchema,
    })
    .strict(),
  output: z.object({
    summary: z.string(),
    links: z.array(LinkSchema),
    counts: z.record(z.string(), z.number()),
    threshold: z.number(),
    next_cursor: z.string().nullable(),
  }),
  example: {},
  handler: async ({ input, ctx }) => {
    const offset = input.cursor === undefined ? 0 : Number(input.cursor);
    if (!Number.isInteger(offset) || offset < 0)
      throw userError("cursor: not a cursor this tool gave out.", {
        fields: ["cursor"],
        hint: "Pass next_cursor from the last page, or leave it out for the first page.",
      });
    const graph = await ctx.ports.identity();
    const { threshold } = graph;
    const store = input.of === "people" ? graph.people : graph.store;
    const page = await store.list({
      status: [input.status],
      ...(input.system && { system: input.system }),
      limit: input.limit,
      offset,
    });
    const counts = await store.counts();
    const next = offset + page.links.length < page.total ? String(offset + page.links.length) : null;
    return {
      summary: `${page.total} ${input.status} ${input.of === "people" ? "person " : ""}link${page.total === 1 ? "" : "s"}${input.system ? ` in ${input.system}` : ""}; links below ${threshold} confidence are used only once a human confirms them (identity_review).`,
      links: page.links.map(linkRow),
      counts,
      threshold,
      next_cursor: next,
    };
  },
});
