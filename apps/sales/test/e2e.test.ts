import { fileURLToPath } from "node:url";
import { servedModules } from "@revops/safety/serve";
import {
  describeRegistryContract,
  describeServerE2E,
  describeServerModernE2E,
  describeToolDocs,
  toolsOf,
} from "@revops/testing";
import { createSalesServer } from "../src/server";

const server = createSalesServer();
// what the bin serves: the server plus the audit module every server carries
const modules = servedModules([server]);
const tools = toolsOf(modules);

describeRegistryContract(modules, fileURLToPath(new URL("../__toolsnaps__", import.meta.url)));
const e2e = {
  bin: fileURLToPath(new URL("../dist/bin.js", import.meta.url)),
  serverName: "sales",
  tools,
  toolset: "forecasting",
  resourceUri: "sales://accounts/acc_0001",
  prompt: { name: "quarter_review", args: { quarter: "2026-Q4" } },
  badCall: { tool: "deals_list", args: { limit: 500 }, field: "limit" },
};
describeServerE2E(e2e);
describeServerModernE2E(e2e);
describeToolDocs({
  bin: fileURLToPath(new URL("../dist/bin.js", import.meta.url)),
  title: "Sales server",
  file: fileURLToPath(new URL("../../../docs/tools/sales.md", import.meta.url)),
  tools,
});
