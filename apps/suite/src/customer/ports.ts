import type { CsPorts } from "@revops/cs-mcp";
import { ConfigError, type Runtime, toolsFor } from "@revops/kit";
import type { MarketingPorts } from "@revops/marketing-mcp";
import type { SalesPorts } from "@revops/sales-mcp";
import { sandboxCrmCompanies, sandboxDatabase, sandboxSystemCompanies } from "@revops/sandbox";
import { migrate, type SqlDb } from "@revops/store";
import { DEFAULT_LINK_THRESHOLD, type RebuildStats, rebuildIdentityGraph } from "../identity/graph";
import { IdentityStore, identityMigrations } from "../identity/store";

/** What the suite's own tools read: the three servers' ports and the identity graph in our database. */
export interface CustomerPorts {
  sales: () => Promise<SalesPorts>;
  cs: () => Promise<CsPorts>;
  marketing: () => Promise<MarketingPorts>;
  /** The graph, brought up to date at most once a minute (and after every review). */
  identity: (o?: {
    fresh?: boolean;
  }) => Promise<{ store: IdentityStore; stats?: RebuildStats; threshold: number }>;
  today: () => Promise<string>;
}

export const customerTool = toolsFor<CustomerPorts>();

/** IDENTITY_LINK_THRESHOLD: links at or above it are used without a human's review. */
function linkThreshold(raw: string | undefined): number {
  if (!raw?.trim()) return DEFAULT_LINK_THRESHOLD;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0.5 || n > 1)
    throw new ConfigError(
      `IDENTITY_LINK_THRESHOLD (got "${raw}"): a confidence between 0.5 and 1, e.g. ${DEFAULT_LINK_THRESHOLD}. Fix it in the environment or .env.`,
    );
  return n;
}

/** How long a rebuilt graph is trusted before the systems are read again. */
const REBUILD_EVERY_MS = 60_000;

export function customerPorts(
  rt: Runtime,
  servers: {
    sales: (rt: Runtime) => Promise<SalesPorts>;
    cs: (rt: Runtime) => Promise<CsPorts>;
    marketing: (rt: Runtime) => Promise<MarketingPorts>;
  },
): Promise<CustomerPorts> {
  const once = <T>(make: () => Promise<T>) => {
    let p: Promise<T> | undefined;
    return () => {
      p ??= make();
      return p;
    };
  };
  const sales = once(() => servers.sales(rt));
  const cs = once(() => servers.cs(rt));
  const marketing = once(() => servers.marketing(rt));
  const threshold = linkThreshold(rt.environment.IDENTITY_LINK_THRESHOLD);
  let built = 0;
  let building: Promise<RebuildStats> | undefined;
  const db = once(async (): Promise<SqlDb> => {
    const sql = await rt.sql();
    await migrate(sql, identityMigrations);
    return sql;
  });
  /** The CRM's accounts and the other systems' companies: the sandbox's planted ones, or what the vendors hold. */
  const sources = async () => {
    const s = await sales();
    if (s.source === "sandbox") {
      const sandbox = await sandboxDatabase(rt);
      return { accounts: await sandboxCrmCompanies(sandbox), records: await sandboxSystemCompanies(sandbox) };
    }
    const { support } = await cs();
    const records = [
      ...((await support.identityCompanies?.()) ?? []),
      ...((await support.usageCompanies?.()) ?? []),
    ];
    return { accounts: await s.crm.identityAccounts(), records };
  };
  const rebuild = async (): Promise<RebuildStats> => {
    const { accounts, records } = await sources();
    return rebuildIdentityGraph(await db(), accounts, records, {
      threshold,
      at: `${await (await sales()).today()}T12:00:00Z`,
    });
  };
  return Promise.resolve({
    sales,
    cs,
    marketing,
    today: async () => (await sales()).today(),
    identity: async (o = {}) => {
      let stats: RebuildStats | undefined;
      if (o.fresh || Date.now() - built > REBUILD_EVERY_MS) {
        // one rebuild at a time per process; concurrent callers wait for it
        building ??= rebuild().finally(() => {
          building = undefined;
        });
        stats = await building;
        built = Date.now();
      }
      return { store: new IdentityStore(await db()), ...(stats && { stats }), threshold };
    },
  });
}
