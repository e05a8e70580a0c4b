import { type CsPorts, createCustomerSuccessServer } from "@revops/cs-mcp";
import type { ServerModule } from "@revops/kit";
import { createMarketingServer, type MarketingPorts } from "@revops/marketing-mcp";
import { createSalesServer, type SalesPorts } from "@revops/sales-mcp";
import pkg from "../package.json" with { type: "json" };
import { createCustomerModule } from "./customer/module";
import { withRenewalRisk, withSalesCrm } from "./handoffs";

export const SUITE_INFO = {
  name: "revops-suite",
  title: "RevOps Suite",
  version: pkg.version,
  instructions:
    "Sales, marketing and customer-success data in one server. Tool names carry their area: sales_*, marketing_*, cs_*. " +
    "Start with customer_360 for one account, sales_pipeline_summary, marketing_campaign_performance or cs_accounts_at_risk. Lists are paginated; money is USD.",
};

/** The three servers the suite serves, with their tools loaded or (the bin, `createLazySuiteModules`) not yet. */
export interface SuiteServers {
  sales: ServerModule<SalesPorts>;
  marketing: ServerModule<MarketingPorts>;
  cs: ServerModule<CsPorts>;
}

/** The three servers in one process (names namespaced: sales_deals_list, toolsets the union) and the suite's own. */
export function suiteModules(servers: SuiteServers): ServerModule[] {
  // each asks the other's ports lazily, per call: customer success creates upsells in the sales CRM
  const cs = withSalesCrm(servers.cs, () => sales);
  const sales = withRenewalRisk(servers.sales, cs);
  const { marketing } = servers;
  return [sales, marketing, cs, createCustomerModule({ sales, cs, marketing })];
}

/** The suite with every tool's definition loaded (tests, embedding). */
export const createSuiteModules = () =>
  suiteModules({
    sales: createSalesServer(),
    marketing: createMarketingServer(),
    cs: createCustomerSuccessServer(),
  });
