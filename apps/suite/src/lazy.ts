import { createLazyCustomerSuccessServer } from "@revops/cs-mcp";
import { createLazyMarketingServer } from "@revops/marketing-mcp";
import { createLazySalesServer } from "@revops/sales-mcp";
import { suiteModules } from "./server";

/** The suite as its bin serves it: each server lists from its tool index and loads its tools on a first call (ADR 0053). */
export const createLazySuiteModules = () =>
  suiteModules({
    sales: createLazySalesServer(),
    marketing: createLazyMarketingServer(),
    cs: createLazyCustomerSuccessServer(),
  });
