export { createLazySalesServer } from "./lazy";
export type { CrmPort, RenewalRisk, SalesPorts } from "./ports";
export { createSalesServer, SALES_INSTRUCTIONS } from "./server";
