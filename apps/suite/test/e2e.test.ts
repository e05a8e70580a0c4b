import { fileURLToPath } from "node:url";
import { servedModules } from "@revops/safety/serve";
import {
  describeRegistryContract,
  describeServerE2E,
  describeServerModernE2E,
  describeToolDocs,
  toolsOf,
} from "@revops/testing";
import { createSuiteModules } from "../src/server";

// what the bin serves: the three servers plus the audit module every server carries
const modules = servedModules(createSuiteModules());
const tools = toolsOf(modules, true);

describeRegistryContract(modules, fileURLToPath(new URL("../__toolsnaps__", import.meta.url)), true);
const e2e = {
  bin: fileURLToPath(new URL("../dist/bin.js", import.meta.url)),
  serverName: "revops-suite",
  tools,
  toolset: "sales_forecasting",
  resourceUri: "cs://accounts/acc_0064/health",
  prompt: { name: "sales_quarter_review", args: { quarter: "2026-Q4" } },
  badCall: { tool: "sales_deals_list", args: { limit: 0 }, field: "limit" },
};
describeServerE2E(e2e);
describeServerModernE2E(e2e);
describeToolDocs({
  bin: fileURLToPath(new URL("../dist/bin.js", import.meta.url)),
  title: "Suite",
  file: fileURLToPath(new URL("../../../docs/tools/suite.md", import.meta.url)),
  tools: tools,
});
