import type { VaultAccess } from "@revops/connectors/doctor";
import { openKv, openSql } from "@revops/store";
import type { Command } from "commander";
import type { SafetyConfig } from "../config";
import { vendorConnectionSets } from "./vendor-connections";

export interface DoctorCliDeps {
  env: Record<string, string | undefined>;
  /** The servers' own configuration (DATABASE_URL, REVOPS_DATA_DIR, REDIS_URL). */
  config: () => SafetyConfig;
  print: (line: string) => void;
  /** The credential vault, for connections whose tokens the OAuth consent stored. */
  vault?: VaultAccess;
  /** Where the exit status goes; the process's exit code by default. */
  exit?: (code: 0 | 1) => void;
}

export interface StorageCheck {
  name: "database" | "redis";
  status: "ok" | "problem" | "not_configured";
  /** What was checked (no password). */
  target: string;
  latencyMs?: number;
  message?: string;
}

const DOCS = "docs/integrations.md";
const STORAGE_TIMEOUT_MS = 10_000;

/** postgres://user:pw@host:5432/db → postgres://host:5432/db */
function showUrl(raw: string): string {
  try {
    const u = new URL(raw);
    return `${u.protocol}//${u.host}${u.pathname === "/" ? "" : u.pathname}`;
  } catch {
    return "(unparsable URL)";
  }
}

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not answer within ${STORAGE_TIMEOUT_MS / 1000} s`)),
      STORAGE_TIMEOUT_MS,
    );
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

async function checkDatabase(cfg: SafetyConfig): Promise<StorageCheck> {
  const target = cfg.DATABASE_URL
    ? `PostgreSQL ${showUrl(cfg.DATABASE_URL)} (DATABASE_URL)`
    : `embedded SQLite in ${cfg.REVOPS_DATA_DIR} (REVOPS_DATA_DIR)`;
  const started = performance.now();
  try {
    const db = await withTimeout(
      openSql({ databaseUrl: cfg.DATABASE_URL, dataDir: cfg.REVOPS_DATA_DIR }),
      "the database",
    );
    try {
      await withTimeout(db.one("SELECT 1 AS ok"), "the database");
    } finally {
      await db.close();
    }
    return { name: "database", status: "ok", target, latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    const fix = cfg.DATABASE_URL
      ? "check DATABASE_URL (host, port, user, password, database) and that PostgreSQL is running"
      : "make REVOPS_DATA_DIR a writable directory, or set DATABASE_URL";
    return {
      name: "database",
      status: "problem",
      target,
      latencyMs: Math.round(performance.now() - started),
      message: `${errorText(err)} — ${fix}.`,
    };
  }
}

async function checkRedis(cfg: SafetyConfig): Promise<StorageCheck> {
  if (!cfg.REDIS_URL) {
    return {
      name: "redis",
      status: "not_configured",
      target: "REDIS_URL not set",
      message:
        "rate limits and the stale cache stay in each server process (fine for one replica; set REDIS_URL to share them).",
    };
  }
  const target = `${showUrl(cfg.REDIS_URL)} (REDIS_URL)`;
  const started = performance.now();
  try {
    const kv = await withTimeout(openKv({ redisUrl: cfg.REDIS_URL }), "Redis");
    await kv.close();
    return { name: "redis", status: "ok", target, latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    return {
      name: "redis",
      status: "problem",
      target,
      latencyMs: Math.round(performance.now() - started),
      message: `${errorText(err)} — check REDIS_URL and that Redis is running.`,
    };
  }
}

/** `revops doctor [--json]`: checks every configured vendor connection, the database and Redis. */
export function registerDoctorCommand(program: Command, deps: DoctorCliDeps): Command {
  return program
    .command("doctor")
    .description("Check every configured vendor connection, the database and Redis; say what to fix")
    .option("--json", "print JSON")
    .option("--timeout <seconds>", "deadline of each vendor check", "10")
    .action(async (opts: { json?: boolean; timeout: string }) => {
      const timeoutMs = Math.round(Number(opts.timeout) * 1000);
      if (!Number.isFinite(timeoutMs) || timeoutMs < 100)
        throw new Error("--timeout must be a number of seconds.");
      const { doctor, connections, problems, secrets } = await vendorConnectionSets(deps.env);

      let cfg: SafetyConfig | undefined;
      let configError: string | undefined;
      try {
        cfg = deps.config();
      } catch (err) {
        configError = errorText(err);
      }
      const [results, storage] = await Promise.all([
        Promise.all(
          connections.map((c) =>
            doctor.probeConnection(c, { timeoutMs, ...(deps.vault ? { vault: deps.vault } : {}) }),
          ),
        ),
        cfg
          ? Promise.all([checkDatabase(cfg), checkRedis(cfg)])
          : Promise.resolve<StorageCheck[]>([
              {
                name: "database",
                status: "problem",
                target: "DATABASE_URL / REVOPS_DATA_DIR",
                message: configError ?? "invalid configuration",
              },
            ]),
      ]);

      const brokenVendors = results.filter((r) => r.status === "problem").length + problems.length;
      const brokenStorage = storage.filter((s) => s.status === "problem").length;
      const ok = brokenVendors + brokenStorage === 0;
      const sandbox = connections.length === 0 && problems.length === 0;
      const out = (line: string) => deps.print(doctor.scrubSecrets(line, secrets));

      if (opts.json) {
        out(JSON.stringify({ ok, sandbox, connections: results, problems, storage }, null, 2));
      } else {
        out("Vendor connections");
        if (sandbox) {
          out(
            `  No vendor is configured: every server runs on the sandbox (the demo company). To connect one, set a selector and its credentials, e.g. SALES_CRM=hubspot with HUBSPOT_ACCESS_TOKEN — see ${DOCS}.`,
          );
        }
        for (const r of results) {
          const mark = r.status === "ok" ? "✓" : r.status === "problem" ? "✗" : "–";
          const servers = r.usedBy.length
            ? r.usedBy.map((u) => `${u.connectionId} (${u.selector})`).join(", ")
            : `${r.id} (unused)`;
          const quota = r.quota
            ? ` · ${r.quota.remaining ?? "?"}${r.quota.limit === undefined ? "" : `/${r.quota.limit}`} ${r.quota.unit} left`
            : "";
          const latency = r.latencyMs === undefined ? "" : ` · ${r.latencyMs} ms`;
          out(`${mark} ${r.label} · ${servers}${latency}${quota}${r.message ? ` — ${r.message}` : ""}`);
        }
        for (const p of problems) {
          const servers = p.usedBy.map((u) => `${u.connectionId} (${u.selector})`).join(", ");
          const who = p.vendor ? doctor.VENDOR_LABELS[p.vendor] : p.variable;
          out(`✗ ${who}${servers ? ` · ${servers}` : ""} — ${p.message}`);
        }
        out("Storage the servers use");
        for (const s of storage) {
          const mark = s.status === "ok" ? "✓" : s.status === "problem" ? "✗" : "–";
          const name = s.name === "database" ? "Database" : "Redis";
          const latency = s.latencyMs === undefined ? "" : ` · ${s.latencyMs} ms`;
          out(`${mark} ${name} ${s.target}${latency}${s.message ? ` — ${s.message}` : ""}`);
        }
        const working = results.filter((r) => r.status === "ok").length;
        // a vendor with two missing variables is one connection; a bad selector counts as one too
        const total = results.length + new Set(problems.map((p) => p.vendor ?? p.variable)).size;
        const vendors = sandbox
          ? "no vendor connection (sandbox)"
          : `${working} of ${total} vendor connection${total === 1 ? "" : "s"} working`;
        const store = brokenStorage
          ? `${brokenStorage} storage problem${brokenStorage === 1 ? "" : "s"}`
          : "storage ok";
        out(
          ok
            ? `Summary: ${vendors}, ${store}.`
            : `Summary: ${vendors}, ${store}: ${brokenVendors + brokenStorage} to fix (${DOCS}).`,
        );
      }
      if (deps.exit) deps.exit(ok ? 0 : 1);
      else process.exitCode = ok ? 0 : 1;
    });
}
