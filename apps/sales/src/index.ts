export type { CrmPort, SalesPorts } from "./ports";
export { createSalesServer, SALES_INSTRUCTIONS } from "./server";
