import { defineServer, nameConnection, portsWithConnections, type Runtime } from "@revops/kit";
import {
  SandboxCrm,
  SandboxMeetings,
  sandboxDatabase,
  sandboxNow,
  sandboxToday,
  settingsMigrations,
} from "@revops/sandbox";
import { migrate } from "@revops/store";
import pkg from "../package.json" with { type: "json" };
import { parseQuarter, quarterOf } from "./domain/period";
import {
  checkSalesSettings,
  loadCreditConfirmAbove,
  loadSalesCalendarConfig,
  loadSalesCrmConfig,
  loadSalesEnrichmentConfig,
  salesIntegrationEnv,
} from "./integrations/config";
import { salesConnections } from "./integrations/connections";
import { SqlPipelineSettings } from "./integrations/sandbox/pipeline-settings";
import { SandboxAccountWrite, SandboxProspecting } from "./integrations/sandbox/prospecting";
import type { EnrichmentPort, SalesPorts } from "./ports";
import type { ProspectingPort } from "./ports-prospecting";
import { quarterReviewPrompt } from "./prompts";
import { accountResource, ownersResource } from "./resources";
import { tools, toolsets } from "./tools";
import { forecastOf } from "./tools/forecasting/forecast-get";
import { weeklyPipeline } from "./tools/pipeline/pipeline-summary";

export const SALES_INSTRUCTIONS =
  "Sales data for pipeline reviews, forecasts and account research. Start with pipeline_summary for a quarter's shape, " +
  "deals_list to find deals (pass next_cursor to page), deals_at_risk for deals needing attention, " +
  "accounts_search to find an account by name, account_get for one account. Amounts are USD. " +
  "Lists are paginated and compact; narrow with filters rather than paging through everything.";

type Env = Record<string, string | undefined>;

/** SALES_ENRICHMENT=apollo with APOLLO_API_KEY adds firmographics to account_get; none by default. */
async function salesEnrichment(
  rt: Runtime,
  env: Env,
  name?: string,
): Promise<{ enrichment?: EnrichmentPort; prospecting?: ProspectingPort; creditConfirmAbove: number }> {
  const config = nameConnection(loadSalesEnrichmentConfig(env), name);
  const creditConfirmAbove = loadCreditConfirmAbove(env);
  if (config.enrichment === "none") return { creditConfirmAbove };
  const { vendorEnrichment } = await import("./integrations/vendor-ports");
  return { ...(await vendorEnrichment(rt, config)), creditConfirmAbove };
}

type Meetings = Pick<SalesPorts, "calendar" | "mail" | "emailDailyCap">;

/** SALES_CALENDAR=google with GOOGLE_ACCESS_TOKEN books on Google Calendar and sends with Gmail; sandbox by default. */
async function salesMeetings(rt: Runtime, env: Env, name?: string): Promise<Meetings> {
  const config = nameConnection(loadSalesCalendarConfig(env), name);
  if (config.calendar === "sandbox") {
    const own = new SandboxMeetings(await sandboxDatabase(rt));
    return { calendar: own, mail: own, emailDailyCap: config.dailyCap };
  }
  const { vendorCalendar } = await import("./integrations/vendor-ports");
  const google = await vendorCalendar(rt, config);
  return { calendar: google, mail: google, emailDailyCap: config.dailyCap };
}

/** Sandbox by default; SALES_CRM=salesforce|hubspot with that vendor's credentials switches the CRM port. */
async function portsOf(rt: Runtime, env: Env, name?: string): Promise<Omit<SalesPorts, "using">> {
  const config = nameConnection(loadSalesCrmConfig(env), name);
  const enrichment = await salesEnrichment(rt, env, name);
  const meetings = await salesMeetings(rt, env, name);
  if (config.crm !== "sandbox") {
    // loaded on demand so the sandbox-only start never pulls in the vendor SDKs
    const { realToday, vendorCrm } = await import("./integrations/vendor-ports");
    const now = async () => new Date().toISOString();
    const { crm, accountWrite } = await vendorCrm(rt, config);
    const settings = new SqlPipelineSettings(await settingsDatabase(rt), now, false);
    return {
      crm,
      accountWrite,
      settings,
      today: realToday,
      now,
      source: config.crm,
      ...enrichment,
      ...meetings,
    };
  }
  const db = await sandboxDatabase(rt);
  return {
    prospecting: new SandboxProspecting(db),
    accountWrite: new SandboxAccountWrite(db),
    crm: new SandboxCrm(db),
    settings: new SqlPipelineSettings(db, () => sandboxNow(db)),
    today: () => sandboxToday(db),
    now: () => sandboxNow(db),
    source: "sandbox",
    ...enrichment,
    ...meetings,
  };
}

/** Beside a vendor CRM, quotas and pipeline settings still live in our database: only their tables. */
function settingsDatabase(rt: Runtime) {
  return rt.shared("sales-settings-db", async () => {
    const db = await rt.sql();
    await migrate(db, settingsMigrations);
    return db;
  });
}

/** The default connection's ports, and on demand those of each named one (`<VARIABLE>__<NAME>`). */
function salesPorts(rt: Runtime): Promise<SalesPorts> {
  return portsWithConnections<SalesPorts>(
    Object.keys(salesIntegrationEnv.shape),
    (env, name) => portsOf(rt, env, name),
    checkSalesSettings,
  );
}

export function createSalesServer() {
  return defineServer<SalesPorts>({
    name: "sales",
    title: "RevOps Sales",
    version: pkg.version,
    instructions: SALES_INSTRUCTIONS,
    toolsets,
    tools,
    resources: [accountResource, ownersResource],
    prompts: [quarterReviewPrompt],
    ports: salesPorts,
    connections: salesConnections,
    // this quarter's forecast and weekly pipeline read the whole stage history: done before the first call asks,
    // on the sandbox only
    warm: async (ports) => {
      if (ports.source !== "sandbox") return;
      await forecastOf(ports);
      const today = await ports.today();
      await weeklyPipeline(ports, parseQuarter(quarterOf(today)), today);
    },
  });
}
