import { salesModule } from "./module";
import { tools, toolsets } from "./tools";

export { SALES_INSTRUCTIONS } from "./module";

/** The sales server with every tool's definition loaded (tests, embedding); the bin serves `createLazySalesServer`. */
export const createSalesServer = () => salesModule(tools, toolsets);
