import { fileURLToPath } from "node:url";
import { servedModules } from "@revops/safety/serve";
import {
  describeRegistryContract,
  describeServerE2E,
  describeServerModernE2E,
  describeToolDocs,
  toolsOf,
} from "@revops/testing";
import { createMarketingServer } from "../src/server";

const server = createMarketingServer();
// what the bin serves: the server plus the audit module every server carries
const modules = servedModules([server]);
const tools = toolsOf(modules);

describeRegistryContract(modules, fileURLToPath(new URL("../__toolsnaps__", import.meta.url)));
const e2e = {
  bin: fileURLToPath(new URL("../dist/bin.js", import.meta.url)),
  serverName: "marketing",
  tools,
  toolset: "leads",
  resourceUri: "marketing://campaigns/cmp_0001",
  prompt: { name: "campaign_budget_plan", args: { budget: "50000" } },
  badCall: { tool: "campaign_performance", args: { rank_by: "vibes" }, field: "rank_by" },
};
describeServerE2E(e2e);
describeServerModernE2E(e2e);
describeToolDocs({
  bin: fileURLToPath(new URL("../dist/bin.js", import.meta.url)),
  title: "Marketing server",
  file: fileURLToPath(new URL("../../../docs/tools/marketing.md", import.meta.url)),
  tools,
});
