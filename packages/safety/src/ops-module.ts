import type { IntegrationsReport, ServerName, VaultAccess } from "@revops/connectors/doctor";
import { annotations, defineTool, namedEnvironments, type Runtime, untrustedText } from "@revops/kit";
import { z } from "zod";

/** What the ops tools read: the doctor's checks over the server's own settings. */
export interface OpsPorts {
  integrations: (server?: ServerName) => Promise<IntegrationsReport>;
}

/** The ops toolset: off by default like audit and usage (it answers operators, and every tool costs context). */
export const opsToolset = {
  name: "ops",
  description: "Operations: the health of every vendor connection",
  default: false,
} as const;

/** Deadline of each vendor check, as `revops doctor`'s default. */
const CHECK_TIMEOUT_MS = 10_000;
const SERVERS = ["sales", "marketing", "customer-success"] as const;
const STATUSES = ["ok", "misconfigured", "unreachable", "auth_failed"] as const;

const HealthInput = z
  .object({ server: z.enum(SERVERS).optional().describe("Only this server's connections") })
  .strict();

const ConnectionHealthSchema = z.object({
  connection: z.string(),
  vendor: z.string(),
  status: z.enum(STATUSES),
  latency_ms: z.number().optional(),
  servers: z.array(z.string()),
  // built from the vendor's error message in a few cases, so capped and fenced like outside text
  fix: untrustedText(z.string(), "integration check", 400).optional(),
});

const HealthOutput = z.object({
  sandbox: z.boolean(),
  connections: z.array(ConnectionHealthSchema),
  note: z.string(),
});

type Health = z.output<typeof HealthOutput>;

const SANDBOX_NOTE =
  "No vendor is configured: the servers run on the sandbox (the demo company), which needs no connection. To connect one, set a selector and its credentials, e.g. SALES_CRM=hubspot with HUBSPOT_ACCESS_TOKEN (docs/integrations.md).";

/** Compact text: one line per connection. */
function render(out: Health): string {
  const lines = out.connections.map((c) => {
    const latency = c.latency_ms === undefined ? "" : ` · ${c.latency_ms} ms`;
    const servers = c.servers.length ? ` · ${c.servers.join(", ")}` : "";
    return `${c.status === "ok" ? "✓" : "✗"} ${c.connection} (${c.vendor}) ${c.status}${servers}${latency}${c.fix ? ` — ${c.fix}` : ""}`;
  });
  return [...lines, out.note].join("\n");
}

export const integrationsHealth = defineTool<z.output<typeof HealthInput>, Health, OpsPorts>({
  name: "integrations_health",
  title: "Vendor connection health",
  description: "Checks each configured vendor connection: status, latency and what to fix.",
  toolset: opsToolset.name,
  scopes: ["audit:read"],
  annotations: annotations.read,
  input: HealthInput,
  output: HealthOutput,
  example: {},
  render,
  handler: async ({ input, ctx }) => {
    const report = await ctx.ports.integrations(input.server);
    const connections = report.integrations.map((i) => ({
      connection: i.connection,
      vendor: i.vendor ?? "unknown",
      status: i.status,
      ...(i.latencyMs === undefined ? {} : { latency_ms: i.latencyMs }),
      servers: i.servers,
      ...(i.fix ? { fix: i.fix } : {}),
    }));
    const working = connections.filter((c) => c.status === "ok").length;
    const note = report.sandbox
      ? SANDBOX_NOTE
      : connections.length === 0
        ? `No vendor connection is configured for ${input.server}: it runs on the sandbox.`
        : `${working} of ${connections.length} connection${connections.length === 1 ? "" : "s"} working${working < connections.length ? "; fix the others as each line says (docs/integrations.md)" : ""}.`;
    return { sandbox: report.sandbox, connections, note };
  },
});

/**
 * The doctor's vendor checks over the variables the server was started with (`.env` included): the default
 * connections and each named one (`HUBSPOT_ACCESS_TOKEN__EU`). The vendor SDKs load on the first check only.
 */
export async function integrationsReport(
  environment: Readonly<Record<string, string | undefined>>,
  server?: ServerName,
  timeoutMs = CHECK_TIMEOUT_MS,
  vault?: VaultAccess,
): Promise<IntegrationsReport> {
  const doctor = await import("@revops/connectors/doctor");
  // the environment already holds .env; blank values count as unset, as the doctor reads them
  const env = { ...environment };
  const defaults = doctor.configuredConnections(env);
  const named = namedEnvironments(env, doctor.DOCTOR_VARIABLES);
  const sets = [
    defaults,
    ...named.names.map((name) =>
      doctor.namedConnectionsOf(name, doctor.configuredConnections(named.env(name)), defaults),
    ),
  ];
  return doctor.checkIntegrations(sets, {
    timeoutMs,
    ...(server ? { server } : {}),
    ...(vault ? { vault } : {}),
  });
}

/** The server's own vault (its database and key-value store) for connections the OAuth consent stored. */
const runtimeVault =
  (rt: Runtime): VaultAccess =>
  async (fn) => {
    const { openCredentialVault } = await import("@revops/connectors/oauth-consent");
    return fn({ vault: await openCredentialVault(await rt.sql(), rt.environment), kv: await rt.kv() });
  };

export const opsPorts = (rt: Runtime): OpsPorts => ({
  integrations: (server) => integrationsReport(rt.environment, server, CHECK_TIMEOUT_MS, runtimeVault(rt)),
});
