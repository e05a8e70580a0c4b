import { fileURLToPath } from "node:url";
import { servedModules } from "@revops/safety/serve";
import {
  describeRegistryContract,
  describeServerE2E,
  describeServerModernE2E,
  describeToolDocs,
  toolsOf,
} from "@revops/testing";
import { createCustomerSuccessServer } from "../src/server";

const server = createCustomerSuccessServer();
// what the bin serves: the server plus the audit module every server carries
const modules = servedModules([server]);
const tools = toolsOf(modules);

describeRegistryContract(modules, fileURLToPath(new URL("../__toolsnaps__", import.meta.url)));
const e2e = {
  bin: fileURLToPath(new URL("../dist/bin.js", import.meta.url)),
  serverName: "cs",
  tools,
  toolset: "support",
  resourceUri: "cs://accounts/acc_0064/health",
  prompt: { name: "churn_review", args: { renewal_within_days: "90" } },
  badCall: { tool: "tickets_list", args: { priority: "whenever" }, field: "priority" },
};
describeServerE2E(e2e);
describeServerModernE2E(e2e);
describeToolDocs({
  bin: fileURLToPath(new URL("../dist/bin.js", import.meta.url)),
  title: "Customer-success server",
  file: fileURLToPath(new URL("../../../docs/tools/customer-success.md", import.meta.url)),
  tools,
});
