import { mkdtempSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { type AuditLog, auditMiddleware, openAuditLog, recordDecision } from "@revops/audit";
import { ApiKeyStore, authMigrations, createHttpAuthenticator } from "@revops/auth";
import {
  approvalsAdmin,
  capsToolset,
  capsUpdateTool,
  createGuard,
  type GuardConfig,
  type GuardDecision,
  guardConfigSchema,
} from "@revops/guards";
import { baseConfigSchema, defineServer, type KitRuntime, type RunningServer, runServer } from "@revops/kit";
import { type CostLedger, openCostLedger } from "@revops/resilience";
import { migrate } from "@revops/store";
import { AdminConsole, type OidcSettings, type SignInLimits } from "../src/index";

/** Cheap scrypt for tests only: the strong default costs ~0.3 s per hash. */
export const TEST_SCRYPT = { logN: 12, r: 8, p: 1 };
export const PASSWORD = "correct horse battery staple";

const spendModule = defineServer({
  name: "spend",
  title: "Spend",
  version: "1",
  instructions: "",
  toolsets: [{ ...capsToolset, default: true }],
  tools: [capsUpdateTool],
  resources: [],
  prompts: [],
  ports: async () => ({}),
});

const schema = baseConfigSchema.extend(guardConfigSchema.shape);

/** A free loopback port, so the console's address (CONSOLE_URL) is known before the server starts. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export interface Harness {
  base: string;
  mcpUrl: string;
  console: AdminConsole;
  apiKeys: ApiKeyStore;
  audit: () => Promise<AuditLog>;
  adminKey: string;
  /** The cost ledger the usage page reads: tests record vendor calls into it. */
  ledger: () => Promise<CostLedger>;
  stop: () => Promise<void>;
}

/** A kit server over HTTP with the guards, an audit log, API keys and the console wired as safety wires them. */
export async function startHarness(
  limits: Partial<SignInLimits> = {},
  signIn: { oidc?: (consoleBase: () => string) => OidcSettings; localSignIn?: boolean } = {},
): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), "console-"));
  const port = await freePort();
  let log: Promise<AuditLog> | undefined;
  let rtRef: KitRuntime | undefined;
  const audit = () => {
    const rt = rtRef as KitRuntime;
    log ??= rt
      .sql()
      .then((db) => openAuditLog({ db, checkpointDir: join(dataDir, "cp"), keyDir: join(dataDir, "keys") }));
    return log;
  };
  const record = (server: string) => async (d: GuardDecision) => {
    const entry = { principal: d.principal, server, tool: d.tool, planHash: d.planHash };
    const summary = d.detail;
    if (d.outcome === "denied") await (await audit()).append({ ...entry, outcome: "denied", summary });
    else await recordDecision(await audit(), { ...entry, outcome: d.outcome, summary });
  };
  let ledger: Promise<CostLedger> | undefined;
  const ledgerOf = () => {
    ledger ??= (rtRef as KitRuntime)
      .sql()
      .then((db) => openCostLedger({ db, prices: { hubspot: { "*": 0.001 }, apollo: { "*": 0.5 } } }));
    return ledger;
  };
  let adminConsole: AdminConsole | undefined;
  let apiKeys: ApiKeyStore | undefined;
  const running: RunningServer = await runServer(
    {
      modules: [spendModule],
      defaultPort: 0,
      argv: ["--http", "--port", String(port), "--data-dir", dataDir, "--log-level", "silent"],
      // queued plans link to their console page
      env: { CONSOLE_URL: `http://127.0.0.1:${port}/console` },
      hooks: async (rt) => {
        rtRef = rt;
        return {
          audit: async (call, next) => auditMiddleware(await audit(), { server: "spend" })(call, next),
          guard: createGuard({
            config: rt.config as unknown as GuardConfig,
            sql: rt.sql,
            kv: rt.kv,
            record: record("spend"),
          }),
        };
      },
      httpAuth: async (rt, where) => {
        rtRef = rt;
        const db = await rt.sql();
        await migrate(db, authMigrations);
        apiKeys = new ApiKeyStore(db, { lastUseThrottleMs: 0 });
        adminConsole = new AdminConsole({
          db,
          kv: rt.kv,
          apiKeys,
          audit,
          approvals: approvalsAdmin({
            sql: rt.sql,
            config: rt.config as unknown as GuardConfig,
            record: record("revops-console"),
          }),
          secureCookies: false,
          scrypt: TEST_SCRYPT,
          limits,
          // the port is known once the server listens
          ...(signIn.oidc && { oidc: signIn.oidc(() => `${running.url?.replace(/\/mcp$/, "")}/console`) }),
          ...(signIn.localSignIn !== undefined && { localSignIn: signIn.localSignIn }),
          usage: ledgerOf,
          connections: async () => [
            {
              vendor: "HubSpot",
              connection: "default",
              status: "ok",
              latencyMs: 42,
              detail: "GET /account-info",
            },
            {
              vendor: "Zendesk",
              connection: "EU",
              status: "problem",
              detail: "the API token was refused (HTTP 401): create a new one and set ZENDESK_API_TOKEN__EU",
            },
          ],
        });
        return {
          authenticate: createHttpAuthenticator({
            resource: `http://127.0.0.1:${where.port}/mcp`,
            apiKeys,
            bindHost: "127.0.0.1",
          }),
          routes: adminConsole.route,
        };
      },
    },
    schema,
  );
  const mcpUrl = running.url as string;
  const keys = apiKeys as ApiKeyStore;
  const adminKey = (await keys.create({ name: "assistant", role: "admin" })).key;
  return {
    base: mcpUrl.replace(/\/mcp$/, ""),
    mcpUrl,
    console: adminConsole as AdminConsole,
    apiKeys: keys,
    audit,
    adminKey,
    ledger: ledgerOf,
    stop: () => running.stop("test done"),
  };
}

/** An MCP client over Streamable HTTP with an API key. */
export async function mcpClient(url: string, key: string): Promise<Client> {
  const client = new Client({ name: "console-test", version: "1" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { authorization: `Bearer ${key}` } },
    }),
  );
  return client;
}

export const textOf = (r: unknown): string =>
  ((r as { content?: { type: string; text?: string }[] }).content ?? []).map((c) => c.text ?? "").join("\n");
