import { marketingModule } from "./module";
import { tools, toolsets } from "./tools";

export { MARKETING_INSTRUCTIONS } from "./module";

/** The marketing server with every tool's definition loaded (tests, embedding); the bin serves `createLazyMarketingServer`. */
export const createMarketingServer = () => marketingModule(tools, toolsets);
