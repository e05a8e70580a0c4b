import { join } from "node:path";
import type { ServerModule } from "@revops/kit";
import { defineServer, nameConnection, portsWithConnections, type Runtime } from "@revops/kit";
import {
  budgetMigrations,
  contentCalendarMigrations,
  leadScoringMigrations,
  marketingSettingsMigrations,
  sandboxDatabase,
  sandboxLeadFacts,
  sandboxNow,
  sandboxToday,
} from "@revops/sandbox";
import { migrate } from "@revops/store";
import pkg from "../package.json" with { type: "json" };
import { FileBackups } from "./integrations/backups";
import { loadBrandGuide } from "./integrations/brand-config";
import { checkMarketingSettings } from "./integrations/check-settings";
import {
  loadEmailSourceConfig,
  loadMarketingSourceConfig,
  marketingIntegrationEnv,
} from "./integrations/config";
import { marketingConnections } from "./integrations/connections";
import { loadApprovedClaims, loadPersonas } from "./integrations/content-config";
import { emailUnavailable } from "./integrations/email-unavailable";
import { SqlBudgetLedger } from "./integrations/sandbox/budgets";
import { SqlContentCalendar } from "./integrations/sandbox/content-calendar";
import { SandboxEmail } from "./integrations/sandbox/email";
import { SqlLeadScoringModels } from "./integrations/sandbox/lead-scoring-models";
import { SandboxMarketing } from "./integrations/sandbox/marketing";
import { SandboxWeb } from "./integrations/sandbox/web";
import { SqlMarketingSettings } from "./integrations/settings-store";
import { loadWebSourceConfig } from "./integrations/web-config";
import type { MarketingPorts } from "./ports";
import { budgetPlanPrompt } from "./prompts";
import { brandGuideResource, campaignResource } from "./resources";
import { claimsResource, personasResource } from "./resources-content";

export const MARKETING_INSTRUCTIONS =
  "Marketing data for campaign planning and attribution. attribution credits pipeline and revenue to campaigns with a chosen model " +
  "(first/last touch, linear, time decay, U, W, data-driven); campaign_performance ranks campaigns by ROI, pipeline or cost per lead " +
  "with the same model; leads_by_source gives lead→opportunity and lead→won rates per source and cohort month; funnel_report " +
  "(analytics toolset) the stage-by-stage funnel; experiment_significance tests an A/B result; campaigns_list finds campaigns; web_analytics and forms_list (web toolset) report " +
  "site traffic and form conversion. Money is USD.";

type Env = Record<string, string | undefined>;

/** Sandbox by default; MARKETING_SOURCE=hubspot with HUBSPOT_ACCESS_TOKEN serves every marketing read from HubSpot. */
async function portsOf(rt: Runtime, env: Env, name?: string): Promise<Omit<MarketingPorts, "using">> {
  const config = nameConnection(loadMarketingSourceConfig(env), name);
  const brandGuide = loadBrandGuide(env);
  const content = {
    personas: loadPersonas(env),
    claims: loadApprovedClaims(env, brandGuide, config.source === "sandbox"),
  };
  const emailConfig = nameConnection(loadEmailSourceConfig(env), name);
  // loaded on demand so the sandbox-only start never pulls in a vendor SDK
  const vendorEmail = async () =>
    emailConfig && (await import("./integrations/vendor-ports")).vendorEmail(rt, emailConfig);
  const webConfig = nameConnection(loadWebSourceConfig(env), name);
  const vendorWeb = async () =>
    webConfig && (await import("./integrations/web-ports")).vendorWeb(rt, webConfig);
  if (config.source !== "sandbox") {
    // loaded on demand so the sandbox-only start never pulls in the vendor SDK
    const { realNow, realToday, vendorMarketing } = await import("./integrations/vendor-ports");
    const { dailyLeadFacts, HUBSPOT_LEAD_HISTORY_NOTE } = await import("./integrations/hubspot/lead-history");
    const own = await ownDatabase(rt);
    const { vendorForms, webUnavailable } = await import("./integrations/web-ports");
    const marketing = await vendorMarketing(rt, config);
    return {
      marketing,
      email: (await vendorEmail()) ?? emailUnavailable(),
      web: (await vendorWeb()) ?? webUnavailable(),
      forms: await vendorForms(rt, config),
      brandGuide,
      ...content,
      budgets: new SqlBudgetLedger(own, async () => new Date().toISOString(), false),
      calendar: new SqlContentCalendar(own, realNow, false),
      leadScoring: {
        leads: dailyLeadFacts(marketing, realToday),
        models: new SqlLeadScoringModels(own, realNow, false),
        note: HUBSPOT_LEAD_HISTORY_NOTE,
      },
      settings: new SqlMarketingSettings(own, brandGuide, realNow, false),
      backups: new FileBackups(own, backupDir(rt), realNow, false),
      today: realToday,
      now: realNow,
      source: config.source,
    };
  }
  const db = await sandboxDatabase(rt);
  return {
    marketing: new SandboxMarketing(db),
    email: (await vendorEmail()) ?? new SandboxEmail(db, () => sandboxNow(db)),
    web: (await vendorWeb()) ?? new SandboxWeb(db),
    forms: new SandboxWeb(db),
    brandGuide,
    ...content,
    budgets: new SqlBudgetLedger(db, () => sandboxNow(db)),
    calendar: new SqlContentCalendar(db, () => sandboxNow(db)),
    leadScoring: {
      leads: () => sandboxLeadFacts(db),
      models: new SqlLeadScoringModels(db, () => sandboxNow(db)),
    },
    settings: new SqlMarketingSettings(db, brandGuide, () => sandboxNow(db)),
    backups: new FileBackups(db, backupDir(rt), () => sandboxNow(db)),
    today: () => sandboxToday(db),
    now: () => sandboxNow(db),
    source: "sandbox",
  };
}

/** Beside a vendor, planned spend, the content calendar and lead scoring models still live in our database: only their tables. */
function ownDatabase(rt: Runtime) {
  return rt.shared("marketing-budgets-db", async () => {
    const db = await rt.sql();
    await migrate(db, [
      ...budgetMigrations,
      ...contentCalendarMigrations,
      ...leadScoringMigrations,
      ...marketingSettingsMigrations,
    ]);
    return db;
  });
}

/** Backups of our own tables live beside the SQLite file, whichever engine holds the tables. */
const backupDir = (rt: Runtime) => join(rt.config.REVOPS_DATA_DIR, "backups");

/** The default connection's ports, and on demand those of each named one (`<VARIABLE>__<NAME>`). */
function marketingPorts(rt: Runtime): Promise<MarketingPorts> {
  return portsWithConnections<MarketingPorts>(
    Object.keys(marketingIntegrationEnv.shape),
    (env, name) => portsOf(rt, env, name),
    checkMarketingSettings,
  );
}

/** The marketing server with its tools: loaded at once (`createMarketingServer`) or on first call (`createLazyMarketingServer`). */
export function marketingModule(
  tools: ServerModule<MarketingPorts>["tools"],
  toolsets: ServerModule["toolsets"],
) {
  return defineServer<MarketingPorts>({
    name: "marketing",
    title: "RevOps Marketing",
    version: pkg.version,
    instructions: MARKETING_INSTRUCTIONS,
    toolsets,
    tools,
    resources: [campaignResource, brandGuideResource, personasResource, claimsResource],
    prompts: [budgetPlanPrompt],
    ports: marketingPorts,
    connections: marketingConnections,
  });
}
