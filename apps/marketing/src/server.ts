import { capsToolset } from "@revops/guards";
import { defineServer, type Runtime } from "@revops/kit";
import { SandboxMarketing, sandboxDatabase, sandboxToday } from "@revops/sandbox";
import pkg from "../package.json" with { type: "json" };
import type { MarketingPorts } from "./ports";
import { budgetPlanPrompt } from "./prompts";
import { campaignResource } from "./resources";
import { tools } from "./tools";

export const MARKETING_INSTRUCTIONS =
  "Marketing data for campaign planning and attribution. campaign_performance ranks campaigns by ROI, pipeline or cost per lead; " +
  "leads_by_source shows the funnel per lead source; campaigns_list finds campaigns. Money is USD.";

async function marketingPorts(rt: Runtime): Promise<MarketingPorts> {
  const db = await sandboxDatabase(rt);
  return { marketing: new SandboxMarketing(db), today: () => sandboxToday(db), source: "sandbox" };
}

export function createMarketingServer() {
  return defineServer<MarketingPorts>({
    name: "marketing",
    title: "RevOps Marketing",
    version: pkg.version,
    instructions: MARKETING_INSTRUCTIONS,
    toolsets: [
      { name: "campaigns", description: "Campaigns, spend and ROI", default: true },
      { name: "leads", description: "Lead sources and funnel", default: true },
      capsToolset,
    ],
    tools,
    resources: [campaignResource],
    prompts: [budgetPlanPrompt],
    ports: marketingPorts,
  });
}
