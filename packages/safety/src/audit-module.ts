import { type AuditLog, type AuditRecord, queryAudit } from "@revops/audit";
import {
  annotations,
  defineResource,
  defineServer,
  defineTool,
  IsoDateTimeSchema,
  ToolError,
} from "@revops/kit";
import { z } from "zod";
import { auditLogFor } from "./audit-log";

interface AuditPorts {
  log: AuditLog;
}

const RecordSchema = z.object({
  seq: z.number(),
  id: z.string(),
  at: z.string(),
  principal: z.string(),
  server: z.string(),
  tool: z.string(),
  outcome: z.string(),
  summary: z.string().optional(),
  plan_hash: z.string().optional(),
});

const compact = (r: AuditRecord): z.output<typeof RecordSchema> => ({
  seq: r.seq,
  id: r.id,
  at: r.at,
  principal: r.principal,
  server: r.server,
  tool: r.tool,
  outcome: r.outcome,
  ...(r.summary !== undefined && { summary: r.summary }),
  ...(r.planHash !== undefined && { plan_hash: r.planHash }),
});

const OUTCOMES = ["ok", "error", "denied", "previewed", "confirmed", "rejected", "expired"] as const;

const QueryInput = z.object({
  principal: z.string().min(1).optional(),
  tool: z.string().min(1).optional(),
  outcome: z.enum(OUTCOMES).optional(),
  since: IsoDateTimeSchema.optional(),
  until: IsoDateTimeSchema.optional().describe("Exclusive"),
  id: z.string().min(1).optional().describe("One record"),
  limit: z.number().int().min(1).max(100).default(12),
  cursor: z.string().min(1).optional(),
});
const QueryOutput = z.object({ records: z.array(RecordSchema), next_cursor: z.string().nullable() });

const auditQuery = defineTool<z.output<typeof QueryInput>, z.output<typeof QueryOutput>, AuditPorts>({
  name: "audit_query",
  title: "Query the audit log",
  description: "Who called which tool with what outcome, newest first, from the tamper-evident audit log.",
  toolset: "audit",
  scopes: ["audit:read"],
  annotations: annotations.readLocal,
  input: QueryInput,
  output: QueryOutput,
  handler: async ({ input, ctx }) => {
    // read-your-writes: group-committed records of calls that already answered are included
    await ctx.ports.log.flush();
    const page = await queryAudit(ctx.ports.log, input).catch((err: unknown) => {
      throw new ToolError("user", err instanceof Error ? err.message : String(err), {
        hint: "Check the filters (ISO 8601 times, a cursor from the previous page) and call again.",
      });
    });
    return { records: page.records.map(compact), next_cursor: page.nextCursor ?? null };
  },
  example: { outcome: "ok", limit: 3 },
});

const recentResource = defineResource<AuditPorts>({
  name: "audit_recent",
  title: "Recent audit records",
  description: "The 50 most recent audit records of this server, newest first.",
  mimeType: "application/json",
  scopes: ["audit:read"],
  uri: "audit://recent",
  read: async ({ uri, ctx }) => {
    await ctx.ports.log.flush();
    const page = await queryAudit(ctx.ports.log, { limit: 50 });
    return [{ uri, mimeType: "application/json", text: JSON.stringify(page.records.map(compact)) }];
  },
});

/** The audit log as a tool and a resource, served by every server under the same names. */
export const auditModule = defineServer<AuditPorts>({
  name: "audit",
  shared: true,
  title: "Audit",
  version: "1.0.0",
  instructions: "audit_query answers who did what through this server, from a hash-chained, signed log.",
  // off by default: most users never ask, and every listed tool costs context on every turn
  toolsets: [{ name: "audit", description: "The tamper-evident record of every call", default: false }],
  tools: [auditQuery],
  resources: [recentResource],
  prompts: [],
  ports: async (rt) => ({ log: await auditLogFor(rt) }),
});
