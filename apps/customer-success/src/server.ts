import { type CsServerOptions, csModule } from "./module";
import { tools, toolsets } from "./tools";

export { CS_INSTRUCTIONS, type CsServerOptions } from "./module";

/** The customer-success server with every tool's definition loaded (tests, embedding); the bin serves the lazy one. */
export const createCustomerSuccessServer = (opts: CsServerOptions = {}) => csModule(tools, toolsets, opts);
