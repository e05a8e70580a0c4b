export { createLazyMarketingServer } from "./lazy";
export type { MarketingPort, MarketingPorts } from "./ports";
export { createMarketingServer, MARKETING_INSTRUCTIONS } from "./server";
