import {
  type ConfiguredConnections,
  type DoctorVendor,
  type ServerName,
  scrubSecrets,
  VENDOR_LABELS,
} from "./connections";
import { type ProbeOptions, probeConnection } from "./probe";

/** ok, or why the servers cannot use the connection. */
export type IntegrationStatus = "ok" | "misconfigured" | "unreachable" | "auth_failed";

/** One vendor connection as the servers see it: the doctor's check, reduced to a status and a fix. */
export interface IntegrationHealth {
  /** The connection's id: the vendor's name, `-<name>` for a named connection (hubspot-eu), or the bad variable. */
  connection: string;
  /** The vendor, or undefined when the selector names none we know (SALES_CRM=pipedrive). */
  vendor: DoctorVendor | undefined;
  label: string;
  status: IntegrationStatus;
  /** Time the check took (none when it was not called: settings incomplete). */
  latencyMs?: number;
  /** The servers that select it (empty: configured but no server uses it). */
  servers: ServerName[];
  /** What to do (every status but ok), or a note (ok). Never a secret. */
  fix?: string;
}

export interface IntegrationsReport {
  /** No vendor is configured: every server runs on the sandbox, which needs no connection. */
  sandbox: boolean;
  integrations: IntegrationHealth[];
}

const serversOf = (usedBy: readonly { server: ServerName }[]): ServerName[] => [
  ...new Set(usedBy.map((u) => u.server)),
];

/**
 * The doctor's vendor checks (`revops doctor`) as data: each configured connection probed with one read-only call,
 * each half-configured one reported as misconfigured with the variables to set (one entry per vendor and
 * connection name). `sets` are the default connections followed by each named connection's own
 * (`namedConnectionsOf`). With `server`, only the connections that server selects (and the broken selectors) count.
 */
export async function checkIntegrations(
  sets: readonly ConfiguredConnections[],
  opts: ProbeOptions & { server?: ServerName } = {},
): Promise<IntegrationsReport> {
  const connections = sets.flatMap((s) => s.connections);
  const problems = sets.flatMap((s) => s.problems);
  const secrets = sets.flatMap((s) => s.secrets);
  const sandbox = connections.length === 0 && problems.length === 0;
  const forServer = (usedBy: readonly { server: ServerName }[]) =>
    !opts.server || usedBy.length === 0 || usedBy.some((u) => u.server === opts.server);

  const probed = await Promise.all(
    connections.filter((c) => forServer(c.usedBy)).map((c) => probeConnection(c, opts)),
  );
  const out: IntegrationHealth[] = probed.map((r) => ({
    connection: r.id,
    vendor: r.vendor,
    label: r.label,
    status: r.status === "problem" ? (r.failure ?? "misconfigured") : "ok",
    ...(r.latencyMs === undefined ? {} : { latencyMs: r.latencyMs }),
    servers: serversOf(r.usedBy),
    ...(r.message ? { fix: r.message } : {}),
  }));

  // a vendor with two missing variables is one connection to fix
  const grouped = new Map<string, IntegrationHealth>();
  for (const p of problems.filter((q) => forServer(q.usedBy))) {
    // HUBSPOT_ACCESS_TOKEN__EU belongs to connection hubspot-eu, as the doctor names the probed ones
    const named = /__([A-Za-z0-9_-]+)$/.exec(p.variable)?.[1]?.toLowerCase();
    const id = p.vendor ? (named ? `${p.vendor}-${named}` : p.vendor) : p.variable;
    const key = id;
    const seen = grouped.get(key);
    if (seen) {
      seen.fix = `${seen.fix} ${p.message}`;
      seen.servers = [...new Set([...seen.servers, ...serversOf(p.usedBy)])];
      continue;
    }
    grouped.set(key, {
      connection: id,
      vendor: p.vendor,
      label: p.vendor ? VENDOR_LABELS[p.vendor] : p.variable,
      status: "misconfigured",
      servers: serversOf(p.usedBy),
      fix: p.message,
    });
  }
  out.push(...grouped.values());
  for (const r of out) if (r.fix) r.fix = scrubSecrets(r.fix, secrets);
  return { sandbox, integrations: out };
}
