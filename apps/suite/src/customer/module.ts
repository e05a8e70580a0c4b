import type { CsPorts } from "@revops/cs-mcp";
import { defineServer, type ServerModule } from "@revops/kit";
import type { MarketingPorts } from "@revops/marketing-mcp";
import type { SalesPorts } from "@revops/sales-mcp";
import { customer360 } from "./customer-360";
import { handoffChurnRisk } from "./handoff-churn-risk";
import { handoffClosedWon } from "./handoff-closed-won";
import { identityLinks } from "./identity-links";
import { identityReview } from "./identity-review";
import { type CustomerPorts, customerPorts } from "./ports";
import { customerToolset, handoffsToolset, identityToolset } from "./toolsets";

/** The suite's own tools: one customer joined across the servers' systems. Only the suite serves them. */
export function createCustomerModule(servers: {
  sales: ServerModule<SalesPorts>;
  cs: ServerModule<CsPorts>;
  marketing: ServerModule<MarketingPorts>;
}) {
  return defineServer<CustomerPorts>({
    name: "customer",
    // the suite's own tools keep plain names: customer_360, not customer_customer_360
    shared: true,
    title: "Customer",
    version: "1.0.0",
    instructions: "customer_360 answers everything about one account across systems.",
    toolsets: [customerToolset, identityToolset, handoffsToolset],
    tools: [customer360, identityLinks, identityReview, handoffClosedWon, handoffChurnRisk],
    resources: [],
    prompts: [],
    ports: (rt) =>
      customerPorts(rt, {
        sales: servers.sales.ports,
        cs: servers.cs.ports,
        marketing: servers.marketing.ports,
      }),
  });
}
